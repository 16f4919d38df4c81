"""The ``hearth`` command: operational entry points.

hearth check-config   validate settings and exit (non-zero when unsafe)
hearth worker         deliver notifications until SIGTERM/SIGINT
hearth seed --demo    fill the development database with a few members, circles,
                      posts, replies and check-ins (refused in production)
hearth staff grant <firebase-uid> --role SAFETY [--on-call] [--by NAME]
hearth staff revoke <firebase-uid> [--by NAME]
                      platform staff roles (the safety team), recorded in safety_audit
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import signal
import sys
from typing import Any

from domain.clock import SystemClock
from domain.errors import DomainError
from domain.safety import staff as safety
from domain.safety.team import StaffRole
from infra.db.engine import create_engine, create_session_factory
from infra.db.uow import SqlUnitOfWork
from infra.demo import DemoRefused, seed_demo
from infra.logging import configure_logging
from infra.settings import UnsafeSettings, load_settings
from infra.worker import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hearth", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check-config", help="validate settings and exit")
    sub.add_parser("worker", help="deliver notifications until SIGTERM/SIGINT")
    seed = sub.add_parser("seed", help="fill the development database with demo data")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo data set")
    staff = sub.add_parser("staff", help="grant or revoke a platform staff role (audited)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    grant = staff_sub.add_parser("grant", help="grant a staff role to a Firebase account")
    grant.add_argument("uid", help="the account's Firebase uid")
    grant.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    grant.add_argument("--on-call", action="store_true", help="push URGENT items to them")
    revoke = staff_sub.add_parser("revoke", help="revoke an account's staff role")
    revoke.add_argument("uid", help="the account's Firebase uid")
    for command in (grant, revoke):
        command.add_argument("--by", default=None, help="who is doing this (default: $USER)")
    args = parser.parse_args(argv)
    if args.command == "staff":
        return _staff(args)
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


def _staff(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except UnsafeSettings as exc:
        sys.stderr.write(exc.sentence + "\n")
        return 2
    operator = f"operator:{args.by or getpass.getuser()}"

    async def run() -> int:
        engine = create_engine(settings)
        uow: Any = SqlUnitOfWork(create_session_factory(engine))  # a domain UnitOfWork
        try:
            if args.staff_command == "grant":
                role = StaffRole(args.role)
                await safety.grant_staff(
                    args.uid, role, operator, uow, SystemClock(), on_call=args.on_call
                )
                on_call = " (on call)" if args.on_call else ""
                sys.stdout.write(f"Granted {role.value}{on_call} to {args.uid.strip()}.\n")
                return 0
            if await safety.revoke_staff(args.uid, operator, uow, SystemClock()):
                sys.stdout.write(f"Revoked the staff role of {args.uid.strip()}.\n")
                return 0
            sys.stderr.write(f"{args.uid.strip()} has no staff role.\n")
            return 1
        except DomainError as exc:
            sys.stderr.write(exc.message + "\n")
            return 2
        finally:
            await engine.dispose()

    return asyncio.run(run())


if __name__ == "__main__":
    raise SystemExit(main())
