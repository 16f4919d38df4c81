"""The worker's claim on the real database (``infra.worker.outbox.claim_rows``): due
rows and rows whose lease ran out are claimed in due order, up to the batch size, each
with what delivery needs (its member's timezone, quiet hours and devices); nothing else
is touched."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import insert, select

from domain.clock import FixedClock
from domain.notifications.model import NotificationKind
from infra.db.engine import create_engine
from infra.db.tables.members import member_table
from infra.db.tables.notifications import device_table, notification_table, preferences_table
from infra.push import LogPushSender
from infra.worker import NotificationWorker
from infra.worker.outbox import claim_rows
from tests.conftest import IS_POSTGRES, test_settings
from tests.support.outbox_rows import device_row, member_row, push_row

NOW = datetime(2030, 1, 16, 9, 30, tzinfo=UTC)
LEASE = timedelta(seconds=60)
ME = "worker-me"


async def test_due_and_expired_rows_are_claimed_in_due_order_with_what_delivery_needs(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        quiet = member_row("quiet", "Europe/London", NOW)
        plain = member_row("plain", "Pacific/Auckland", NOW)
        rows = {
            # due 10 minutes ago, with data and a collapse key
            "due_first": push_row(
                quiet["id"],
                NOW - timedelta(minutes=10),
                status="PENDING",
                attempts=0,
                data={"postId": "p1"},
                collapse_key="c1",
                count=3,
                urgent=True,
            ),
            # another worker's lease ran out a second ago
            "expired": push_row(
                plain["id"],
                NOW - timedelta(minutes=5),
                status="SENDING",
                attempts=2,
                claimed_by="worker-gone",
                claimed_until=NOW - timedelta(seconds=1),
            ),
            "due_now": push_row(plain["id"], NOW, status="PENDING", attempts=1),
            "due_last": push_row(plain["id"], NOW - timedelta(minutes=1), status="PENDING"),
            "not_yet": push_row(plain["id"], NOW + timedelta(seconds=1), status="PENDING"),
            "leased": push_row(
                plain["id"],
                NOW - timedelta(minutes=20),
                status="SENDING",
                claimed_by="worker-busy",
                claimed_until=NOW + timedelta(seconds=1),
            ),
            "sent": push_row(plain["id"], NOW - timedelta(minutes=30), status="SENT"),
            # a lease runs until its last instant: not claimable at it
            "lease_ends_now": push_row(
                plain["id"],
                NOW - timedelta(minutes=40),
                status="SENDING",
                claimed_by="worker-slow",
                claimed_until=NOW,
            ),
        }
        async with engine.begin() as conn:
            await conn.execute(insert(member_table), [quiet, plain])
            await conn.execute(insert(notification_table), list(rows.values()))
            await conn.execute(
                insert(preferences_table),
                [
                    {
                        "member_id": quiet["id"],
                        "replies": True,
                        "reactions": True,
                        "circle_activity": True,
                        "check_in_reminders": True,
                        "quiet_start": "22:00",
                        "quiet_end": "07:00",
                        "updated_at": NOW,
                    }
                ],
            )
            await conn.execute(
                insert(device_table),
                [
                    device_row(quiet["id"], "q1", NOW),
                    device_row(quiet["id"], "q2", NOW),
                    device_row(plain["id"], "p1", NOW),
                ],
            )
        ids = {name: row["id"] for name, row in rows.items()}

        first = await claim_rows(engine, False, ME, NOW, LEASE, batch_size=3)

        # the three most overdue, in due order: 10 min, 5 min (expired lease), 1 min
        assert [c.id for c in first] == [ids["due_first"], ids["expired"], ids["due_last"]]
        claimed = first[0]
        assert claimed.member_id == quiet["id"]
        assert claimed.kind is NotificationKind.REPLY
        assert (claimed.title, claimed.body) == ("New reply", "Open Hearth to read it.")
        assert claimed.data == {"postId": "p1"}
        assert (claimed.collapse_key, claimed.count, claimed.urgent) == ("c1", 3, True)
        assert claimed.attempts == 1  # this claim is an attempt
        assert claimed.created_at.replace(tzinfo=UTC) == NOW - timedelta(minutes=10)
        assert claimed.timezone == "Europe/London"
        assert claimed.quiet is not None
        assert (claimed.quiet.start, claimed.quiet.end) == (time(22, 0), time(7, 0))
        assert sorted(d.token for d in claimed.devices) == ["q1", "q2"]
        assert first[1].attempts == 3
        assert first[1].timezone == "Pacific/Auckland"
        assert first[1].quiet is None
        assert [d.token for d in first[1].devices] == ["p1"]

        async with engine.connect() as conn:
            found = {r.id: r._mapping for r in await conn.execute(select(notification_table))}
        for name in ("due_first", "expired", "due_last"):
            assert found[ids[name]]["status"] == "SENDING", name
            assert found[ids[name]]["claimed_by"] == ME, name
            assert found[ids[name]]["claimed_until"].replace(tzinfo=UTC) == NOW + LEASE, name
        for name in ("due_now", "not_yet", "sent"):
            assert found[ids[name]]["claimed_by"] is None, name
            assert found[ids[name]]["status"] == rows[name]["status"], name
            assert found[ids[name]]["attempts"] == rows[name]["attempts"], name
        assert found[ids["leased"]]["claimed_by"] == "worker-busy"
        assert found[ids["lease_ends_now"]]["claimed_by"] == "worker-slow"

        second = await claim_rows(engine, False, ME, NOW, LEASE, batch_size=10)
        assert [c.id for c in second] == [ids["due_now"]]  # the rest are held or not due
        assert await claim_rows(engine, False, ME, NOW, LEASE, batch_size=10) == []
    finally:
        await engine.dispose()


@pytest.mark.skipif(not IS_POSTGRES, reason="row locks (FOR UPDATE SKIP LOCKED) are PostgreSQL's")
async def test_a_row_another_worker_is_claiming_is_skipped_not_waited_for(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        member = member_row("m", "Europe/London", NOW)
        older, newer, newest = (
            push_row(member["id"], NOW - timedelta(minutes=n), status="PENDING") for n in (3, 2, 1)
        )
        async with engine.begin() as conn:
            await conn.execute(insert(member_table), [member])
            await conn.execute(insert(notification_table), [older, newer, newest])

        # given another worker's claim holds the oldest row's lock, mid-transaction
        t = notification_table
        async with engine.connect() as other:
            tx = await other.begin()
            await other.execute(select(t.c.id).where(t.c.id == older["id"]).with_for_update())

            # when this worker claims, then it takes the next row at once, without waiting
            mine = await asyncio.wait_for(
                claim_rows(engine, True, ME, NOW, LEASE, batch_size=1), timeout=5
            )
            assert [c.id for c in mine] == [newer["id"]]
            # and so does a worker on PostgreSQL, which claims this way by itself
            worker = NotificationWorker(engine, LogPushSender(), FixedClock(NOW))
            assert [c.id for c in await asyncio.wait_for(worker.claim(), timeout=5)] == [
                newest["id"]
            ]
            await tx.rollback()
    finally:
        await engine.dispose()
