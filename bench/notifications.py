"""How fast 10,000 pending notifications drain to the FCM stand-in on PostgreSQL.

    uv run python -m bench.notifications [--rows 10000] [--workers 1 2]
        [--standin lean|scripted]

For each worker count: a fresh database ``hearth_bench_notify`` (the project's
migrations), 1,000 members with one Android device each and 10 due REPLY
notifications per member (under the daily cap of 20), a loopback FCM v1 stand-in, and
N ``tests.support.worker_process`` processes (the real worker with the sender that
``HEARTH_FCM_TRANSPORT`` chooses, batches of 500). The clock starts when the workers
report READY and stops when no row is PENDING or SENDING. Results go to stdout;
docs/performance.md records them.

``--standin lean`` (the default) is ``bench/fcm_server.py`` in a process of its own;
``--standin scripted`` is the tests' stand-in (tests/support/fcm_stub.py) in this
process, which cannot answer much more than 1,300 requests/s here. Both count what
reached them per notification id, so duplicates and losses are counted either way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = "hearth_bench_notify"
URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB_NAME}"


async def _fresh_database(rows: int) -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {DB_NAME}")
    await admin.close()
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = URL
    config.attributes["configure_logger"] = False
    await asyncio.to_thread(command.upgrade, config, "head")

    conn = await asyncpg.connect(f"{PG}/{DB_NAME}")
    now = datetime.now(UTC)
    per_member = 10
    members = [uuid4() for _ in range(max(rows // per_member, 1))]
    await conn.copy_records_to_table(
        "member",
        columns=[
            "id",
            "firebase_uid",
            "display_name",
            "display_name_key",
            "timezone",
            "region",
            "created_at",
            "updated_at",
            "guidelines_version",
            "guidelines_accepted_at",
            "adult_confirmed_at",
        ],
        records=[
            (m, f"uid-{n}", f"m{n}", f"m{n}", "Europe/London", "GB", now, now, "2026-11", now, now)
            for n, m in enumerate(members)
        ],
    )
    await conn.copy_records_to_table(
        "device",
        columns=[
            "token",
            "member_id",
            "platform",
            "app_version",
            "locale",
            "created_at",
            "last_seen_at",
        ],
        records=[(f"fid-{m}", m, "android", "1.0", "en-GB", now, now) for m in members],
    )
    await conn.copy_records_to_table(
        "notification",
        columns=[
            "id",
            "member_id",
            "kind",
            "title",
            "body",
            "data",
            "dedupe_key",
            "collapse_key",
            "count",
            "urgent",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
        ],
        records=[
            (
                uuid4(),
                m,
                "REPLY",
                "New reply in Evening Calm",
                "Open Hearth to read it.",
                "{}",
                f"bench:{m}:{n}",
                f"post-{n}",
                1,
                False,
                "PENDING",
                0,
                now,
                now,
            )
            for m in members
            for n in range(per_member)
        ][:rows],
    )
    await conn.close()


def _cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _remaining() -> Counter[str]:
    conn = await asyncpg.connect(f"{PG}/{DB_NAME}")
    try:
        found = await conn.fetch("SELECT status, count(*) FROM notification GROUP BY status")
    finally:
        await conn.close()
    return Counter({r["status"]: r["count"] for r in found})


class _LeanStandIn:
    """``bench/fcm_server.py`` in its own process (see its docstring)."""

    project_id = "hearth-test"

    def __enter__(self) -> _LeanStandIn:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.fcm_server", "--project", self.project_id],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        port = int(self._proc.stdout.readline().split()[1])
        self.url_template = f"http://127.0.0.1:{port}/v1/projects/{{0}}/messages:send"
        self.cpu_before = _cpu_seconds(self._proc.pid)
        return self

    def finish(self) -> dict[str, float]:
        """Stop it and return what it counted."""
        self._proc.send_signal(signal.SIGTERM)
        out, _ = self._proc.communicate(timeout=20)
        counted: dict[str, float] = json.loads(out.strip().splitlines()[-1])
        return counted

    def __exit__(self, *exc: object) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()


async def run(rows: int, workers: int, standin: str) -> dict[str, float]:
    from tests.support.fcm_stub import fcm_standin

    await _fresh_database(rows)
    lean = standin == "lean"
    with _LeanStandIn() if lean else fcm_standin() as fcm:
        env = {
            **os.environ,
            "DATABASE_URL": URL,
            "HEARTH_ENV": "test",
            "HEARTH_LOG_LEVEL": "WARNING",
            "FCM_URL": fcm.url_template,
            "FCM_PROJECT": fcm.project_id,
            "HOLD": "",
        }
        procs = [
            subprocess.Popen(  # noqa: ASYNC220 - started once, before timing
                [sys.executable, "-m", "tests.support.worker_process"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(workers)
        ]
        try:
            for proc in procs:
                assert proc.stdout is not None
                assert proc.stdout.readline().startswith("READY")
            started = time.perf_counter()
            cpu_before = [_cpu_seconds(proc.pid) for proc in procs]
            own_before = time.process_time()
            while True:
                counts = await _remaining()
                if counts["PENDING"] + counts["SENDING"] == 0:
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            worker_cpu = sum(_cpu_seconds(p.pid) for p in procs) - sum(cpu_before)
            standin_cpu = time.process_time() - own_before
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=20)
        if isinstance(fcm, _LeanStandIn):
            counted = fcm.finish()
            received, duplicates = int(counted["received"]), int(counted["duplicates"])
            distinct = int(counted["distinct"])
            standin_cpu = counted["cpu_seconds"] - fcm.cpu_before
            connections = int(counted["connections"])
        else:
            per_row = Counter(r.message["data"]["notificationId"] for r in fcm.received)
            received, distinct = len(fcm.received), len(per_row)
            duplicates = sum(n - 1 for n in per_row.values())
            connections = fcm.connections_opened
    return {
        "workers": workers,
        "rows": rows,
        "standin": standin,
        "transport": os.environ.get("HEARTH_FCM_TRANSPORT", "default"),
        "seconds": round(elapsed, 2),
        "per_second": round(rows / elapsed),
        "sent": counts["SENT"],
        "received": received,
        "lost": rows - distinct,
        "duplicates": duplicates,
        # CPU per push, so that the rate a worker would reach on a core of its own can be
        # read off a run where the stand-in, PostgreSQL and the workers share two cores
        "worker_cpu_ms_per_push": round(worker_cpu * 1000 / rows, 3),
        "standin_cpu_ms_per_push": round(standin_cpu * 1000 / rows, 3),
        # each one a TCP and TLS handshake against real FCM (HEARTH_FCM_POOL_SIZE bounds it)
        "connections_opened": connections,
        "fcm_pool_size": int(os.environ.get("HEARTH_FCM_POOL_SIZE", "100")),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--standin", choices=["lean", "scripted"], default="lean")
    args = parser.parse_args()
    for workers in args.workers:
        print(asyncio.run(run(args.rows, workers, args.standin)), flush=True)


if __name__ == "__main__":
    main()
