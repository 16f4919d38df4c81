"""The ``hearth`` command: operational entry points.

hearth check-config   validate settings and exit (non-zero when unsafe)
hearth worker         deliver notifications until SIGTERM/SIGINT
hearth seed --demo    fill the development database with a few members, circles,
                      posts, replies and check-ins (refused in production)
"""

from __future__ import annotations

import argparse
import sys

from infra.settings import UnsafeSettings, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check-config", help="validate settings and exit")
    sub.add_parser("worker", help="deliver notifications until SIGTERM/SIGINT")
    seed = sub.add_parser("seed", help="fill the development database with demo data")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo data set")
    args = parser.parse_args(argv)
    if args.command == "check-config":
        try:
            settings = load_settings()
        except UnsafeSettings as exc:
            sys.stderr.write(exc.sentence + "\n")
            return 2
        sys.stdout.write(f"Settings are fine for {settings.hearth_env.value}.\n")
    if args.command == "worker":
        return _worker()
    if args.command == "seed":
        return _seed()
    return 0


def _seed() -> int:
    import asyncio

    from infra.demo import DemoRefused, seed_demo

    settings = load_settings()
    try:
        created = asyncio.run(seed_demo(settings))
    except DemoRefused as exc:
        sys.stderr.write(f"Not seeding: {exc}.\n")
        return 2
    if not any(created.values()):
        sys.stdout.write("The demo data is there already.\n")
    else:
        done = ", ".join(f"{n} {what}" for what, n in created.items())
        sys.stdout.write(f"Seeded {done}. Sign in as dev:demo-ada (or -ben, -chi, -dev).\n")
    return 0


def _worker() -> int:
    import asyncio
    import signal

    from infra.logging import configure_logging
    from infra.worker import serve

    try:
        settings = load_settings()
    except UnsafeSettings as exc:
        sys.stderr.write(exc.sentence + "\n")
        return 2
    configure_logging(settings.hearth_log_level, json=settings.log_json)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
