"""A/B of app configurations under load: each configuration's app server is started once
(1 uvicorn worker each) and one operation is measured on each in turn, the order reversed
every round, so that the machine's drifting speed weighs on all alike.

    uv run python -m bench.compare react --rounds 4 before:ROOT=/work/before after:
    uv run python -m bench.compare me base: fixed:HEARTH_DB_POOL_SIZE=15,HEARTH_DB_MAX_OVERFLOW=0

A configuration is ``name:KEY=VALUE,...``: environment variables for the app, and
``ROOT=<checkout>`` to serve another checkout's code (a ``git worktree`` of the commit
before a change, with this checkout's ``.venv`` linked into it). Needs the bench database
(``make bench`` builds it) and ``wrk``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from bench import load, operations, servers

RESULTS = Path(__file__).resolve().parent / "results"


def parse(spec: str) -> tuple[str, dict[str, str]]:
    name, _, pairs = spec.partition(":")
    env = dict(pair.split("=", 1) for pair in pairs.split(",") if pair)
    return name, env


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare")
    parser.add_argument("operation", choices=operations.OPERATIONS)
    parser.add_argument("configurations", nargs="+", help="name:KEY=VALUE,... (see above)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    op = next(o for o in operations.all_operations() if o.name == args.operation)
    RESULTS.mkdir(exist_ok=True)
    script = load.write_script(RESULTS / f"compare-{op.name}.lua", op.pairs, "/graphql")
    own_env, own_root = servers.app_env, servers.ROOT
    running: dict[str, servers.Server] = {}
    runs: dict[str, list[load.Run]] = {}
    try:
        for spec in args.configurations:
            name, env = parse(spec)
            root = env.pop("ROOT", None)
            servers.app_env = lambda env=env: {**own_env(), **env}  # type: ignore[misc]
            servers.ROOT = Path(root) if root else own_root
            running[name] = servers.start("app", RESULTS, 1)
            runs[name] = []
        servers.app_env, servers.ROOT = own_env, own_root  # type: ignore[assignment]
        names = list(running)
        for round_ in range(1, args.rounds + 1):
            for name in names if round_ % 2 else names[::-1]:
                run = load.measure(
                    running[name],
                    script,
                    round_,
                    warmup=args.warmup,
                    seconds=args.duration,
                    connections=op.connections or args.connections,
                    operation=op.name,
                )
                runs[name].append(run)
                print(f"round {round_} {name}: {load.describe(run)}", flush=True)
    finally:
        for server in running.values():
            server.stop()
    for name, measured in runs.items():
        medians = {
            key: round(statistics.median(getattr(r, key) for r in measured), 2)
            for key in ("req_s", "p50_ms", "p99_ms", "server_cpu_ms_per_req", "pg_cpu_ms_per_req")
        }
        print(f"{name}: medians {medians}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
