"""Check-in reminders become CHECKIN_REMINDER notifications; a day already checked
in gets none; five unanswered in a row pause them with an in-app prompt."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta

import firebase_admin
import pytest
from sqlalchemy import select, text, update

from api.container import Services
from domain.clock import FixedClock
from infra.db.tables.checkins import check_in_reminder_table, check_in_table
from infra.db.tables.notifications import notification_table
from infra.worker import NotificationWorker
from infra.worker.messages import _REMINDER_LOCK
from tests.api.notifications.conftest import make_worker, register
from tests.conftest import IS_POSTGRES
from tests.support.fcm_stub import FcmStandIn
from tests.support.graphql import GraphQLClient
from tests.support.waiting import eventually

SET_REMINDER = """
mutation($input: SetCheckInReminderInput!) {
  setCheckInReminder(input: $input) { userErrors { code field message } }
}
"""
CHECK_IN = """
mutation($input: CheckInInput!) { checkIn(input: $input) { userErrors { code } } }
"""


async def next_fire(services: Services) -> datetime:
    async with services.engine.connect() as conn:
        value = await conn.scalar(select(check_in_reminder_table.c.next_fire_at))
    assert value is not None
    return value


async def reminder_state(services: Services) -> tuple[int, bool]:
    t = check_in_reminder_table
    async with services.engine.connect() as conn:
        row = (await conn.execute(select(t.c.consecutive_unanswered, t.c.paused))).one()
    return row[0], row[1]


async def kinds(services: Services) -> list[tuple[str, str]]:
    t = notification_table
    async with services.engine.connect() as conn:
        found = await conn.execute(select(t.c.kind, t.c.status).order_by(t.c.created_at))
    return [(k, s) for k, s in found.all()]


async def setup(gql: GraphQLClient) -> None:
    await gql.onboard("alice")
    await register(gql, "alice", "fid-a", "IOS")
    data = await gql.data(
        SET_REMINDER,
        {"input": {"enabled": True, "localTimes": ["12:00"], "weekdays": [1, 2, 3, 4, 5, 6, 7]}},
        as_="alice",
    )
    assert data["setCheckInReminder"]["userErrors"] == []


async def test_a_due_reminder_is_pushed_without_any_mood_or_note(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    # given alice made check-ins before (a low mood and a private note)
    await setup(gql)
    await gql.data(
        CHECK_IN,
        {"input": {"mood": 1, "emotions": ["NUMB"], "note": "my private note about it"}},
        as_="alice",
    )
    fire = await next_fire(services)
    async with services.engine.begin() as conn:  # ... two days ago
        await conn.execute(update(check_in_table).values(created_at=fire - timedelta(days=2)))

    # when the reminder is due and the worker runs twice
    clock.set(fire + timedelta(seconds=5))
    assert await worker.queue_reminders() == 1
    assert await worker.queue_reminders() == 0
    await worker.drain()

    # then one normal-priority reminder reached the device; nothing personal in it
    [received] = fcm.received_for("fid-a")
    message = received.message
    assert message["notification"] == {
        "title": "Time for a check-in",
        "body": "How are you feeling? Take a moment to check in.",
    }
    assert message["data"]["type"] == "CHECKIN_REMINDER"
    assert message["apns"]["headers"]["apns-priority"] == "5"
    assert message["android"]["notification"]["channel_id"] == "checkin_reminders"
    text = json.dumps(received.body).lower()
    assert "private note" not in text
    assert "numb" not in text
    assert "very low" not in text
    assert await next_fire(services) > fire  # moved on to the next slot
    assert await reminder_state(services) == (1, False)


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_POSTGRES, reason="the reminder pass's lock exists on PostgreSQL only")
async def test_while_another_worker_runs_the_reminder_pass_this_one_queues_nothing(
    gql: GraphQLClient, services: Services, worker: NotificationWorker, clock: FixedClock
) -> None:
    # given alice's reminder is due, and another worker holds the reminder pass's lock
    await setup(gql)
    clock.set(await next_fire(services) + timedelta(seconds=5))
    lock = {"key": _REMINDER_LOCK}
    async with services.engine.connect() as other:
        assert await other.scalar(text("SELECT pg_try_advisory_lock(:key)"), lock)
        await other.commit()
        try:
            # when this worker runs its pass, then it queues nothing (the other one does)
            assert await worker.queue_reminders() == 0
            assert await kinds(services) == []
        finally:
            await other.execute(text("SELECT pg_advisory_unlock(:key)"), lock)
            await other.commit()

    # and once the other worker is done, the pass is this one's again
    assert await worker.queue_reminders() == 1
    assert await kinds(services) == [("CHECKIN_REMINDER", "PENDING")]


async def test_the_running_worker_pushes_a_due_reminder_from_its_first_round(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given alice's reminder is due
    await setup(gql)
    clock.set(await next_fire(services) + timedelta(seconds=5))
    worker = make_worker(services, fcm_app, clock, worker_id="w1", poll_interval=0.02)
    stop = asyncio.Event()

    # when the worker runs (as `hearth worker` does) until it is stopped
    with caplog.at_level(logging.INFO, "hearth.worker"):
        task = asyncio.create_task(worker.run_forever(stop))
        await eventually(lambda: fcm.received_for("fid-a"), "the reminder pushed")
        stop.set()
        await asyncio.wait_for(task, 10)

    # then it queued and pushed the reminder, and said when it started and stopped
    assert await kinds(services) == [("CHECKIN_REMINDER", "SENT")]
    said = [r.getMessage() for r in caplog.records if r.name == "hearth.worker"]
    assert said == ["notification worker w1 started", "notification worker w1 stopped"]


async def test_a_reminder_found_more_than_a_week_late_is_skipped_and_moves_on(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    # given alice's reminder was due eight days ago (the worker was down)
    await setup(gql)
    fire = await next_fire(services)
    clock.set(fire + timedelta(days=8))

    # when the worker is back
    assert await worker.queue_reminders() == 0
    await worker.drain()

    # then that reminder is not pushed, and the next one is scheduled
    assert fcm.received == []
    assert await next_fire(services) > clock.now()


async def test_no_reminder_on_a_day_already_checked_in(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    await setup(gql)
    fire = await next_fire(services)
    await gql.data(CHECK_IN, {"input": {"mood": 4}}, as_="alice")
    async with services.engine.begin() as conn:  # checked in an hour before the slot
        await conn.execute(update(check_in_table).values(created_at=fire - timedelta(hours=1)))

    clock.set(fire + timedelta(seconds=5))
    assert await worker.queue_reminders() == 0
    await worker.drain()

    assert fcm.received == []
    assert await next_fire(services) > fire


async def test_five_unanswered_reminders_pause_them_with_an_inbox_prompt(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    await setup(gql)
    for _ in range(5):
        clock.set(await next_fire(services) + timedelta(seconds=5))
        assert await worker.queue_reminders() == 1
        await worker.drain()
    assert len(fcm.received_for("fid-a")) == 5
    assert await reminder_state(services) == (5, False)

    # the sixth due reminder pauses them instead, with an in-app prompt (no push)
    clock.set(await next_fire(services) + timedelta(seconds=5))
    await worker.queue_reminders()
    await worker.drain()

    assert len(fcm.received_for("fid-a")) == 5
    assert (await reminder_state(services))[1] is True
    assert (await kinds(services))[-1] == ("REMINDERS_PAUSED", "INBOX_ONLY")
    clock.set(clock.now() + timedelta(days=3))
    assert await worker.queue_reminders() == 0  # paused reminders are not due
    inbox = await gql.data(
        "{ me { notifications(first: 1) { nodes { kind title } } } }", as_="alice"
    )
    assert inbox["me"]["notifications"]["nodes"] == [
        {"kind": "REMINDERS_PAUSED", "title": "Check-in reminders paused"}
    ]


async def test_a_check_in_between_reminders_resets_the_count(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    await setup(gql)
    for _ in range(3):
        clock.set(await next_fire(services) + timedelta(seconds=5))
        await worker.queue_reminders()
    assert await reminder_state(services) == (3, False)
    fire = await next_fire(services)
    await gql.data(CHECK_IN, {"input": {"mood": 3}}, as_="alice")
    async with services.engine.begin() as conn:  # the evening before the next slot
        await conn.execute(update(check_in_table).values(created_at=fire - timedelta(hours=16)))
    clock.set(fire + timedelta(seconds=5))
    await worker.queue_reminders()
    assert await reminder_state(services) == (1, False)
