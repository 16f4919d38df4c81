"""Workers as separate processes and concurrent claim loops.

* Crash: a worker process is SIGKILLed after it claimed the reply's notification and
  before it sent it; a new worker sends it exactly once after the lease expires.
* The at-least-once window, pinned down: killed after FCM accepted the message but
  before the outcome was recorded, the notification is sent a second time.
* PostgreSQL: two claim loops on many rows never send the same notification.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import firebase_admin
import pytest
from sqlalchemy import insert, select

from api.container import Services
from domain.clock import FixedClock
from domain.notifications.push import PushSender
from infra.db.tables.members import member_table
from infra.db.tables.notifications import device_table, notification_table
from infra.push import FcmPushSender, PooledFcmSender
from infra.worker import NotificationWorker, close_push_sender
from tests.api.notifications.conftest import register, thread
from tests.conftest import DATABASE_URL, IS_POSTGRES
from tests.support.circles import reply
from tests.support.fcm_stub import FcmStandIn
from tests.support.graphql import GraphQLClient
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]
LEASE_SECONDS = 2


@contextmanager
def worker_process(fcm: FcmStandIn, hold: str = "") -> Iterator[subprocess.Popen[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "HEARTH_ENV": "test",
        "HEARTH_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        "FCM_URL": fcm.url_template,
        "FCM_PROJECT": fcm.project_id,
        "HOLD": hold,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.worker_process"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


async def read_line(proc: subprocess.Popen[str], expected: str, timeout: float = 30) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout)
    assert line.startswith(expected), line
    return line


async def status(services: Services) -> str:
    async with services.engine.connect() as conn:
        value = await conn.scalar(select(notification_table.c.status))
    return str(value)


async def wait_for_status(services: Services, wanted: str, timeout: float = 20) -> None:
    async def reached() -> bool:
        return await status(services) == wanted

    await eventually(reached, f"the notification becoming {wanted}", timeout)


async def test_a_worker_killed_before_sending_is_replaced_and_the_push_goes_out_once(
    gql: GraphQLClient, services: Services, fcm: FcmStandIn
) -> None:
    # given a committed reply and its notification
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")

    # when a worker claims it and is killed with SIGKILL before it sends
    with worker_process(fcm, hold="after_claim") as first:
        await read_line(first, "READY")
        await read_line(first, "HELD 1")
        claimed_at = time.monotonic()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert await status(services) == "SENDING"
    assert fcm.received == []

    # then a new worker sends it, once, after the lease expired
    with worker_process(fcm) as second:
        await read_line(second, "READY")
        await wait_for_status(services, "SENT")
        sent_after = time.monotonic() - claimed_at
        await asyncio.sleep(LEASE_SECONDS + 0.5)  # and never again
    assert len(fcm.received_for("fid-a")) == 1
    assert sent_after >= LEASE_SECONDS - 0.5


async def test_the_at_least_once_window_is_between_fcm_accepting_and_recording(
    gql: GraphQLClient, services: Services, fcm: FcmStandIn
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")

    with worker_process(fcm, hold="before_finish") as first:
        await read_line(first, "READY")
        await read_line(first, "HELD 1")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert len(fcm.received_for("fid-a")) == 1  # FCM accepted it...
    assert await status(services) == "SENDING"  # ...but the outcome was never recorded

    with worker_process(fcm) as second:
        await read_line(second, "READY")
        await wait_for_status(services, "SENT")
    # the documented duplicate: the device collapses it (same tag / apns-collapse-id)
    sends = fcm.received_for("fid-a")
    assert len(sends) == 2
    tags = {s.message["android"]["notification"]["tag"] for s in sends}
    assert len(tags) == 1


@pytest.mark.skipif(not IS_POSTGRES, reason="SKIP LOCKED concurrency is a PostgreSQL matter")
@pytest.mark.parametrize("transport", ["pooled", "firebase-admin"])
async def test_two_workers_on_postgresql_never_send_the_same_notification(
    services: Services, fcm: FcmStandIn, fcm_app: firebase_admin.App, http: Any, transport: str
) -> None:
    # given 1,000 due notifications for 100 members with one device each
    now = datetime.now(UTC)
    members = [uuid4() for _ in range(100)]
    async with services.engine.begin() as conn:
        await conn.execute(
            insert(member_table),
            [
                {
                    "id": m,
                    "firebase_uid": f"uid-{m}",
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
                    "app_version": "1",
                    "locale": "en",
                    "created_at": now,
                    "last_seen_at": now,
                }
                for m in members
            ],
        )
        await conn.execute(insert(notification_table), many_rows(members, 10, now))

    # when two workers drain concurrently in small batches
    clock = FixedClock(now + timedelta(seconds=1))
    senders: list[PushSender] = [
        PooledFcmSender(fcm_app) if transport == "pooled" else FcmPushSender(fcm_app)
        for _ in range(2)
    ]
    workers = [
        NotificationWorker(services.engine, sender, clock, batch_size=25) for sender in senders
    ]
    results = await asyncio.gather(*(w.drain() for w in workers))
    for sender in senders:
        await close_push_sender(sender)

    # then every notification reached the stand-in exactly once, and both workers worked
    ids = Counter(r.message["data"]["notificationId"] for r in fcm.received)
    assert len(ids) == 1000
    assert set(ids.values()) == {1}
    assert sum(r.sent for r in results) == 1000
    assert all(r.sent > 0 for r in results)
    decoded = {base64.urlsafe_b64decode(i).decode().split(":")[0] for i in ids}
    assert decoded == {"Notification"}


def many_rows(members: list[Any], per_member: int, now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": uuid4(),
            "member_id": m,
            "kind": "REPLY",
            "title": "Someone replied to you",
            "body": "Open Hearth to read it.",
            "data": {},
            "dedupe_key": f"bench:{m}:{n}",
            "collapse_key": f"post-{n}",
            "count": 1,
            "urgent": False,
            "status": "PENDING",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in members
        for n in range(per_member)
    ]
