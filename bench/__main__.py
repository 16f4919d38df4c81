"""``make bench``: the circle-feed benchmark (see docs/performance.md).

1. database ``hearth_bench`` (migrations + deterministic seed; kept when unchanged);
2. equivalence check: bench/raw_app.py and the real app return the same JSON;
3. wrk load, interleaved rounds (raw, app, app, raw, ...) of each operation (the feed at
   32 connections and at 1, ``me``, ``react``: bench/operations.py), both servers up;
4. pyinstrument profile of the app in-process.

Results go to bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import check, database, load, operations, servers

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} x {cpu}, {mem_kb / 1024 / 1024:.0f} GiB, "
        f"Python {platform.python_version()}"
    )


def table(runs: list[load.Run]) -> str:
    head = (
        "| round | operation | server | req/s | p50 ms | p90 ms | p99 ms | errors "
        "| server CPU ms/req | PG CPU ms/req | RSS MiB | calib ms | busy % | steal % |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in runs:
        lines.append(
            f"| {r.round} | {r.operation} | {r.server} | {r.req_s:.1f} | {r.p50_ms:.1f} "
            f"| {r.p90_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {r.server_cpu_ms_per_req:.2f} "
            f"| {r.pg_cpu_ms_per_req:.2f} | {r.rss_mib:.0f} | {r.calib_ms:.1f} "
            f"| {r.busy_pct:.0f} | {r.steal_pct:.1f} |"
        )
    return "\n".join(lines)


def summary(runs: list[load.Run]) -> dict[str, object]:
    """Medians per server, and the app/raw req/s ratio of each round (adjacent runs)."""
    out: dict[str, object] = {}
    for name in ("raw", "app"):
        mine = [r for r in runs if r.server == name]
        out[name] = {
            key: round(statistics.median(getattr(r, key) for r in mine), 2)
            for key in (
                "req_s",
                "p50_ms",
                "p99_ms",
                "server_cpu_ms_per_req",
                "pg_cpu_ms_per_req",
                "rss_mib",
            )
        } | {"errors": sum(r.errors for r in mine)}
    per_round = []
    for round_ in sorted({r.round for r in runs}):
        pair = {r.server: r for r in runs if r.round == round_}
        if "raw" in pair and "app" in pair:
            per_round.append(round(pair["app"].req_s / pair["raw"].req_s, 3))
    out["ratio_app_over_raw_per_round"] = per_round
    out["ratio_app_over_raw_median"] = round(statistics.median(per_round), 3) if per_round else None
    return out


def run_configuration(
    workers: int, chosen: list[operations.Operation], args: argparse.Namespace
) -> dict[str, object]:
    """Both servers with ``workers`` uvicorn processes each; every operation measured
    in alternation (raw, app, app, raw, ...) while both stay up, so that the machine's
    speed, which drifts on a shared VM, weighs on both alike."""
    print(f"\n== {workers} uvicorn worker(s) per server ==", flush=True)
    scripts = {
        (op.name, name): load.write_script(
            RESULTS / f"{op.name}-{name}.lua",
            op.pairs,
            "/graphql" if name == "app" else op.raw_path,
        )
        for op in chosen
        for name in ("raw", "app")
    }
    runs: list[load.Run] = []
    running = {name: servers.start(name, RESULTS, workers) for name in ("raw", "app")}
    try:
        for round_ in range(1, args.rounds + 1):
            for op in chosen:
                for name in ("raw", "app") if round_ % 2 else ("app", "raw"):
                    run = load.measure(
                        running[name],
                        scripts[op.name, name],
                        round_,
                        warmup=args.warmup,
                        seconds=args.duration,
                        connections=op.connections or args.connections,
                        operation=op.name,
                    )
                    runs.append(run)
                    print(f"round {round_} {name}: {load.describe(run)}", flush=True)
    finally:
        for server in running.values():
            server.stop()
    print(f"\nwrk -t1 -d{args.duration}s (after {args.warmup} s warm-up)")
    print(table(runs))
    results: dict[str, object] = {}
    for op in chosen:
        result = summary([r for r in runs if r.operation == op.name])
        results[op.name] = result
        print(
            f"\n{op.name} (c{op.connections or args.connections}, {workers} worker(s)):"
            f"\n  raw {result['raw']}\n  app {result['app']}"
            f"\n  ratio app/raw req/s: {result['ratio_app_over_raw_median']} "
            f"(per round {result['ratio_app_over_raw_per_round']})"
        )
    print(
        "targets (issue 14, 1 worker): feed ratio >= 0.70 at c32; feed-c1 app p50 <= 6 ms, "
        "p99 <= 15 ms; app CPU per feed <= 2.5 ms"
    )
    return {"runs": [load.as_dict(r) for r in runs], "summary": results}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="measured seconds per run")
    parser.add_argument("--warmup", type=int, default=3, help="wrk warm-up seconds per run")
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="uvicorn worker processes per server, one configuration each (default 1,2)",
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--operations",
        type=lambda text: text.split(","),
        default=list(operations.OPERATIONS),
        help=f"which to measure (default {','.join(operations.OPERATIONS)})",
    )
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    print(f"hearth bench {stamp} on {machine()}")

    db = asyncio.run(database.prepare())

    app, raw = servers.start("app", RESULTS, 1), servers.start("raw", RESULTS, 1)
    try:
        checked = asyncio.run(check.check(app.url, raw.url))
    finally:
        app.stop()
        raw.stop()
    print(f"equivalence: OK {checked}")

    chosen = [op for op in operations.all_operations() if op.name in args.operations]
    if len(chosen) != len(args.operations):
        parser.error(f"--operations: choose among {', '.join(operations.OPERATIONS)}")
    configurations = {workers: run_configuration(workers, chosen, args) for workers in args.workers}

    profile: dict[str, object] = {}
    if not args.no_profile:
        output = subprocess.run(
            [sys.executable, "-m", "bench.profile_feed", str(RESULTS)],
            cwd=database.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(x for x in output.splitlines() if x.startswith("PROFILEJSON "))
        profile = json.loads(line.removeprefix("PROFILEJSON "))
        print(f"\nprofile (in-process, sequential): {profile}")
        print("top of bench/results/profile-app-flat.txt:")
        flat = (RESULTS / "profile-app-flat.txt").read_text().splitlines()
        print("\n".join(flat[:32]))

    record = {
        "stamp": stamp,
        "machine": machine(),
        "database": db,
        "equivalence": checked,
        "settings": vars(args),
        "configurations": configurations,
        "profile": profile,
    }
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(record, indent=1))
    print(f"\nwrote bench/results/bench-{stamp}.json in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
