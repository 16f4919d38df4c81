"""Worker soak: the notification worker's memory over thousands of outbox rows.

    uv run python -m bench.worker_soak [--rounds 40] [--rows-per-round 500]

Runs the real worker (``tests.support.worker_process``: the production loop, the real
firebase-admin client) against the loopback FCM v1 stand-in
(``tests/support/fcm_stub.py``) in this process, on a fresh SQLite file in a
temporary folder, or on the PostgreSQL named by ``DATABASE_URL`` (its tables are
replaced). ``--members`` members with one Android device each are onboarded; each
round then commits ``--rows-per-round`` due REPLY notifications (spread over the
members, under the daily cap of 20), waits until the worker has sent them all, and
reads the worker's RSS. After ``--warm-up`` rounds it fits a line to RSS over rows
sent (least squares) and fails (exit 1) when the worker keeps more than
``--max-kib-per-1000`` KiB per 1,000 rows, or when a notification was not sent
exactly once (the stand-in counts every request by notification id).

``--trace`` runs the worker under tracemalloc: after each round it also prints the
worker's traced Python heap, and at the end the allocation sites that grew most from
the end of the warm-up to the last round. RSS that the Python heap does not show
(the allocator keeping freed memory, SQLite's page cache, OpenSSL) is then told apart
from objects that the worker keeps.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.realtime import _rss_kib
from infra.db.tables.members import member_table
from infra.db.tables.notifications import device_table, notification_table
from tests.support.fcm_stub import fcm_standin

ROOT = Path(__file__).resolve().parent.parent


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs."""
    if len(xs) < 2:
        return 0.0
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def _migrate(url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env["DATABASE_URL"] = url
    if url.startswith("postgresql"):
        # The soak owns this database: start from empty tables.
        subprocess.run(
            [sys.executable, "-m", "alembic", "downgrade", "base"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


async def _members(engine: AsyncEngine, count: int) -> list[UUID]:
    now = datetime.now(UTC)
    members = [uuid4() for _ in range(count)]
    async with engine.begin() as conn:
        await conn.execute(
            insert(member_table),
            [
                {
                    "id": m,
                    "firebase_uid": f"soak-{n}",
                    "display_name": f"m{n}",
                    "display_name_key": f"m{n}",
                    "timezone": "Europe/London",
                    "region": "GB",
                    "created_at": now,
                    "updated_at": now,
                    "guidelines_version": "2026-11",
                    "guidelines_accepted_at": now,
                    "adult_confirmed_at": now,
                }
                for n, m in enumerate(members)
            ],
        )
        await conn.execute(
            insert(device_table),
            [
                {
                    "token": f"fid-{m}",
                    "member_id": m,
                    "platform": "android",
                    "app_version": "1.0",
                    "locale": "en-GB",
                    "created_at": now,
                    "last_seen_at": now,
                }
                for m in members
            ],
        )
    return members


async def _queue(engine: AsyncEngine, members: list[UUID], first: int, rows: int) -> None:
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            insert(notification_table),
            [
                {
                    "id": uuid4(),
                    "member_id": members[n % len(members)],
                    "kind": "REPLY",
                    "title": "New reply in Evening Calm",
                    "body": "Open Hearth to read it.",
                    "data": {},
                    "dedupe_key": f"soak:{n}",
                    "collapse_key": f"post-{n}",
                    "count": 1,
                    "urgent": False,
                    "status": "PENDING",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for n in range(first, first + rows)
            ],
        )


async def _unfinished(engine: AsyncEngine) -> int:
    """Rows still PENDING or SENDING: one index range (``ix_notification_status_next``),
    so that polling does not cost more as SENT rows pile up."""
    t = notification_table
    async with engine.connect() as conn:
        query = select(func.count()).where(t.c.status.in_(("PENDING", "SENDING")))
        return int((await conn.execute(query)).scalar_one())


async def _statuses(engine: AsyncEngine) -> Counter[str]:
    t = notification_table
    async with engine.connect() as conn:
        found = await conn.execute(select(t.c.status, func.count()).group_by(t.c.status))
        return Counter({str(status): int(count) for status, count in found})


async def soak(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="hearth-worker-soak-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/soak.sqlite3"
    if url.startswith("postgresql"):
        print("worker soak: PostgreSQL", url.rsplit("@", 1)[-1], "(its tables are replaced)")
    await asyncio.to_thread(_migrate, url)
    engine = create_async_engine(url)
    capacity = args.members * 20
    if args.rounds * args.rows_per_round > capacity:
        raise SystemExit(f"more rows than the daily cap allows for {args.members} members")
    members = await _members(engine, args.members)
    sends: Counter[str] = Counter()
    samples: list[tuple[int, int]] = []  # (rows sent so far, worker RSS KiB)
    with fcm_standin() as fcm:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
        env.update(
            DATABASE_URL=url,
            HEARTH_ENV="test",
            HEARTH_LOG_LEVEL="WARNING",
            FCM_URL=fcm.url_template,
            FCM_PROJECT=fcm.project_id,
            HOLD="",
        )
        if args.trace:
            env["TRACEMALLOC"] = str(tmp)
        worker = subprocess.Popen(  # noqa: ASYNC220 - started once, before measuring
            [sys.executable, "-m", "tests.support.worker_process"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=(tmp / "worker.log").open("wb"),
            text=True,
        )
        try:
            assert worker.stdout is not None
            ready = await asyncio.to_thread(worker.stdout.readline)
            if not ready.startswith("READY"):
                raise SystemExit(f"the worker did not start; see {tmp / 'worker.log'}")
            start_rss = _rss_kib(worker.pid)
            print(f"worker soak: {args.rounds} rounds of {args.rows_per_round} rows, {url[:10]}…")
            print(f"worker RSS after start-up: {start_rss / 1024:.1f} MiB")
            heap_column = f" {'heap MiB':>8}" if args.trace else ""
            print(f"{'round':>6} {'rows sent':>10} {'RSS MiB':>8} {'seconds':>8}{heap_column}")
            snapshots: list[str] = []
            started = time.monotonic()
            for n in range(args.rounds):
                await _queue(engine, members, n * args.rows_per_round, args.rows_per_round)
                begun = time.monotonic()
                while (left := await _unfinished(engine)) > 0:
                    if worker.poll() is not None:
                        raise SystemExit(f"the worker exited; see {tmp / 'worker.log'}")
                    if time.monotonic() - begun > 300:
                        raise SystemExit(f"round {n} never drained: {left} rows left")
                    await asyncio.sleep(0.05)
                seconds = time.monotonic() - begun
                counts = await _statuses(engine)
                with fcm._lock:  # count, then forget: the stand-in's list must not grow
                    sends.update(r.message["data"]["notificationId"] for r in fcm.received)
                    fcm.received.clear()
                heap = ""
                if args.trace:
                    worker.send_signal(signal.SIGUSR1)
                    _, traced, path = (await asyncio.to_thread(worker.stdout.readline)).split()
                    snapshots.append(path)
                    heap = f" {int(traced) / 1048576:8.1f}"
                rss = _rss_kib(worker.pid)
                samples.append((counts["SENT"], rss))
                print(
                    f"{n + 1:6d} {counts['SENT']:10d} {rss / 1024:8.1f} {seconds:8.2f}{heap}",
                    flush=True,
                )
            elapsed = time.monotonic() - started
        finally:
            worker.terminate()
            worker.wait(20)
            if worker.stdout:
                worker.stdout.close()
    final = await _statuses(engine)
    await engine.dispose()
    total = args.rounds * args.rows_per_round
    steady = samples[args.warm_up :]
    per_1000 = slope([s for s, _ in steady], [k for _, k in steady]) * 1000
    duplicates = sum(c - 1 for c in sends.values() if c > 1)
    print(
        f"\nrows: {total} queued, {final['SENT']} SENT, {dict(final)}; {len(sends)} distinct "
        f"notifications reached the stand-in, {duplicates} duplicates; {elapsed:.0f} s "
        f"({total / elapsed:.0f} rows/s)"
    )
    if steady:
        (s0, r0), (s1, r1) = steady[0], steady[-1]
        print(
            f"fit window: rounds {args.warm_up + 1}-{args.rounds} ({s0}-{s1} rows sent, the "
            f"first {args.warm_up} rounds left out as warm-up); RSS {r0 / 1024:.1f} -> "
            f"{r1 / 1024:.1f} MiB, min {min(k for _, k in steady) / 1024:.1f}, "
            f"max {max(k for _, k in steady) / 1024:.1f}"
        )
    print(
        f"RSS slope (least squares over the fit window): {per_1000:.1f} KiB per 1,000 rows "
        f"(limit {args.max_kib_per_1000})"
    )
    if args.trace and len(snapshots) > args.warm_up:
        _print_growth(snapshots[args.warm_up - 1 if args.warm_up else 0], snapshots[-1])
    failures = []
    if len(steady) < 3:
        failures.append(f"only {len(steady)} rounds after the warm-up: no slope to judge")
    if per_1000 > args.max_kib_per_1000:
        failures.append(f"RSS grows {per_1000:.1f} KiB per 1,000 rows")
    if final["SENT"] != total or len(sends) != total:
        failures.append(f"{total} queued, {final['SENT']} SENT, {len(sends)} reached FCM")
    if duplicates:
        failures.append(f"{duplicates} notifications sent twice")
    print("worker soak: FAILED: " + "; ".join(failures) if failures else "worker soak: passed")
    return 1 if failures else 0


def _print_growth(before_path: str, after_path: str, top: int = 12) -> None:
    """The allocation sites whose live memory changed most between two snapshots."""
    before = tracemalloc.Snapshot.load(before_path)
    after = tracemalloc.Snapshot.load(after_path)
    changes = after.compare_to(before, "lineno")
    print(
        f"\nPython heap from the end of the warm-up to the last round: "
        f"{sum(c.size_diff for c in changes) / 1024:+.1f} KiB; largest changes:"
    )
    for change in changes[:top]:
        print(
            f"  {change.size_diff / 1024:+9.1f} KiB {change.count_diff:+7d} blocks  "
            f"{change.traceback[0]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--rows-per-round", type=int, default=500)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=8, help="rounds left out of the fit")
    parser.add_argument("--max-kib-per-1000", type=float, default=64.0)
    parser.add_argument("--trace", action="store_true", help="trace the worker's Python heap")
    sys.exit(asyncio.run(soak(parser.parse_args())))


if __name__ == "__main__":
    main()
