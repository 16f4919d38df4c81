"""PostgreSQL killed with SIGKILL while the notification worker is mid-batch (#16).

A private cluster (never the shared one) is killed outright, postmaster and backends
at once, while the worker holds a claimed batch: once right after claiming it, and
once after the FCM stand-in accepted its pushes but before the outcome was recorded.
Writes are refused with SERVICE_UNAVAILABLE while it is down; once it is back
(crash recovery), every notification of an acknowledged reply reaches the stand-in
exactly once: none lost, none twice, even after the lease has run out.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.api.conftest import running_app
from tests.api.notifications.conftest import register
from tests.conftest import run_migrations, test_settings
from tests.support.circles import REPLY, create_circle, join, post
from tests.support.fcm_stub import FcmStandIn, fcm_standin
from tests.support.graphql import GraphQLClient
from tests.support.history import raw_id
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 8
BATCH = 4
AUTHORS = 4
POSTS_EACH = 5


@contextmanager
def held_worker(fcm: FcmStandIn, url: str, hold: str) -> Iterator[subprocess.Popen[str]]:
    """The real worker process; its first batch waits at ``hold`` for a line on stdin."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(
        DATABASE_URL=url,
        HEARTH_ENV="test",
        HEARTH_WORKER_LEASE_SECONDS=str(LEASE_SECONDS),
        HEARTH_WORKER_BATCH_SIZE=str(BATCH),
        FCM_URL=fcm.url_template,
        FCM_PROJECT=fcm.project_id,
        HOLD=hold,
        HOLD_UNTIL="line",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.worker_process"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout):
            if stream:
                stream.close()


async def read_line(proc: subprocess.Popen[str], expected: str, timeout: float = 60) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout)
    assert line.startswith(expected), line
    return line


async def rows(cluster: PrivatePostgres) -> list[tuple[UUID, str, str]]:
    """(id, status, dedupe_key) of every notification."""
    engine = create_async_engine(cluster.url)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(text("SELECT id, status, dedupe_key FROM notification"))
            return [(r[0], r[1], r[2]) for r in found]
    finally:
        await engine.dispose()


@pytest.mark.parametrize("moment", ["after_claim", "before_finish"])
async def test_postgres_killed_mid_batch_loses_and_repeats_no_notification(moment: str) -> None:
    with private_postgres() as cluster, fcm_standin() as fcm:
        await asyncio.to_thread(run_migrations, cluster.url)
        settings = test_settings(
            database_url=cluster.url, redis_url=None, hearth_limit_replies_per_hour=100_000
        )
        async with running_app(settings) as (_app, http):
            gql = GraphQLClient(http)
            # given authors with a device each and posts, and a member who replies once to
            # each post (replies to one post may share a notification: one per post here)
            await gql.onboard("bob", "Brave Owl")
            circle_id = await create_circle(gql, "bob")
            unused: list[str] = []
            for n in range(AUTHORS):
                await gql.onboard(f"author{n}", f"Quiet Fox {n}")
                await join(gql, f"author{n}", circle_id)
                await register(gql, f"author{n}", f"fid-{n}")
                for i in range(POSTS_EACH):
                    made = await post(gql, f"author{n}", circle_id, f"A long night {i}")
                    unused.append(made["id"])
            acknowledged: list[UUID] = []  # replies whose mutation answered success
            refused: list[dict[str, Any]] = []

            async def replies(count: int) -> None:
                for _ in range(count):
                    post_id = unused.pop(0)
                    body = {"input": {"postId": post_id, "body": "thinking of you"}}
                    result = (await gql.post(REPLY, body, as_="bob")).json()
                    if result.get("errors"):
                        refused.extend(result["errors"])
                        unused.insert(0, post_id)
                    else:
                        assert result["data"]["replyToPost"]["userErrors"] == []
                        acknowledged.append(raw_id(result["data"]["replyToPost"]["reply"]["id"]))

            await replies(2 * BATCH)  # two batches
            with held_worker(fcm, cluster.url, moment) as worker:
                await read_line(worker, "READY")
                await read_line(worker, f"HELD {BATCH}")
                sent_before_kill = len(fcm.received)

                # when PostgreSQL is killed outright while the batch is held
                down_at = time.monotonic()
                killed = await asyncio.to_thread(cluster.kill)
                await replies(2)  # refused while it is down, never acknowledged
                assert worker.stdin is not None
                worker.stdin.write("go\n")  # the batch goes on against a dead database
                worker.stdin.flush()
                await asyncio.sleep(1.5)
                await asyncio.to_thread(cluster.start)  # crash recovery
                up_at = time.monotonic()

                # and writes go on once it is back (the pool reconnects by itself)
                async def writable() -> bool:
                    before = len(acknowledged)
                    await replies(1)
                    return len(acknowledged) > before

                await eventually(writable, "a reply acknowledged after the restart", 30, 0.2)
                await replies(BATCH)

                # then every acknowledged reply's notification is sent...
                statuses: Counter[str] = Counter()

                async def all_sent() -> bool:
                    found = await rows(cluster)
                    statuses.clear()
                    statuses.update(s for _, s, _ in found)
                    return len(found) == len(acknowledged) and set(statuses) == {"SENT"}

                try:
                    await eventually(all_sent, "every notification SENT", 60, 0.2)
                except AssertionError as exc:
                    raise AssertionError(f"{exc}: {dict(statuses)}, {len(acknowledged)}") from None
                # ...and none again once the claimed batch's lease has run out
                await asyncio.sleep(LEASE_SECONDS + 2)
                assert worker.poll() is None, "the worker died"

        found = await rows(cluster)
        received = Counter(raw_id(r.message["data"]["notificationId"]) for r in fcm.received)
        duplicates = sum(n - 1 for n in received.values())
        print(
            f"\nfault postgres-sigkill ({moment}, {killed} processes killed): acknowledged "
            f"{len(acknowledged)} replies, {len(found)} notifications, delivered "
            f"{len(received)}, duplicates {duplicates}, refused {len(refused)} writes "
            f"(SERVICE_UNAVAILABLE), database down {up_at - down_at:.1f} s"
        )
        assert refused, "the kill was not noticed: the test proves nothing"
        assert {e["extensions"]["code"] for e in refused} == {"SERVICE_UNAVAILABLE"}
        if moment == "before_finish":
            assert sent_before_kill == BATCH  # FCM had accepted the held batch
        else:
            assert sent_before_kill == 0
        # every acknowledged reply has its notification, each delivered exactly once
        keys = {UUID(key.split(":")[1]) for _, _, key in found}
        assert keys == set(acknowledged)
        assert set(received) == {row_id for row_id, _, _ in found}
        assert duplicates == 0, received.most_common(3)
