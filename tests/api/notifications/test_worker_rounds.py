"""The worker's loop in process: failed rounds and jobs are logged (an outage is not:
hearth.db logs it once) and never stop it; a full batch is followed by another round
at once; each periodic job runs at its own interval."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import firebase_admin
import pytest

from api.container import Services
from domain.clock import FixedClock
from domain.errors import ServiceUnavailable
from infra.push import LogPushSender
from infra.worker import NotificationWorker
from infra.worker.outbox import finish_rows
from tests.api.notifications.conftest import make_worker, register, thread
from tests.api.notifications.test_delivery import rows
from tests.support.circles import post, reply
from tests.support.fcm_stub import FcmStandIn
from tests.support.graphql import GraphQLClient
from tests.support.waiting import eventually


def failures(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [
        (r.getMessage(), type(r.exc_info[1]).__name__ if r.exc_info else "")
        for r in caplog.records
        if r.name == "hearth.worker" and r.levelno >= logging.WARNING
    ]


async def test_failed_jobs_are_logged_and_never_stop_the_others(
    services: Services,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    def job(name: str, error: Exception | None = None) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            ran.append(name)
            if error is not None:
                raise error

        return run

    periodic = [
        (60.0, job("broken", RuntimeError("boom"))),
        (60.0, job("outage", ServiceUnavailable())),
        # what the driver raises when the database refuses connections, untranslated
        (60.0, job("refused", ConnectionRefusedError(111, "Connection refused"))),
        (60.0, job("hourly")),
        (0.0, job("always")),
    ]
    worker = make_worker(services, fcm_app, clock, periodic=periodic)

    await worker.run_periodic()
    await worker.run_periodic()

    assert ran == ["broken", "outage", "refused", "hourly", "always", "always"]
    assert failures(caplog) == [("worker job failed", "RuntimeError")]


async def test_a_failed_round_is_logged_and_the_worker_goes_on(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a reply notification, and two rounds that fail after claiming it
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    clock.set(datetime.now(UTC))
    errors: list[Exception] = [RuntimeError("boom"), ServiceUnavailable()]

    async def fail_twice(ids: Sequence[UUID]) -> None:
        if errors:
            clock.set(clock.now() + timedelta(minutes=2))  # the claim's lease runs out
            raise errors.pop(0)

    worker = make_worker(services, fcm_app, clock, after_claim=fail_twice, poll_interval=0.02)
    stop = asyncio.Event()

    # when the worker runs
    task = asyncio.create_task(worker.run_forever(stop))
    try:
        await eventually(lambda: fcm.received_for("fid-a"), "the reply pushed")
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)

    # then the third round sent it; only the failure that is not an outage is logged
    assert [r["status"] for r in await rows(services)] == ["SENT"]
    assert failures(caplog) == [("notification worker round failed", "RuntimeError")]


async def test_a_full_batch_is_followed_by_another_round_at_once(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
) -> None:
    # given two reply notifications (two posts), a batch of one and a long poll
    t = await thread(gql)
    second = await post(gql, "alice", t.circle_id, "and again tonight")
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    await reply(gql, "bob", second["id"], "hello")
    clock.set(datetime.now(UTC))
    claimed: list[int] = []

    async def count(ids: Sequence[UUID]) -> None:
        claimed.append(len(ids))

    worker = make_worker(
        services, fcm_app, clock, batch_size=1, poll_interval=60, after_claim=count
    )
    stop = asyncio.Event()

    # when the worker runs
    task = asyncio.create_task(worker.run_forever(stop))

    # then both go out without waiting a poll interval after the first full batch
    try:
        await eventually(lambda: len(fcm.received_for("fid-a")) == 2, "both pushed", timeout=5)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert claimed == [1, 1]  # one row a round: the batch size holds


async def test_a_worker_without_a_unit_of_work_queues_and_realerts_nothing(
    services: Services, clock: FixedClock
) -> None:
    worker = NotificationWorker(services.engine, LogPushSender(), clock)
    assert (await worker.queue_reminders(), await worker.realert_safety()) == (0, 0)


async def due_reply(gql: GraphQLClient, clock: FixedClock) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    clock.set(datetime.now(UTC))


def flaky_finish(errors: list[Exception]) -> Callable[..., Awaitable[int]]:
    async def finish(*args: Any) -> int:
        if errors:
            raise errors.pop(0)
        return await finish_rows(*args)

    return finish


async def test_outcomes_are_recorded_once_the_database_is_back(
    gql: GraphQLClient,
    services: Services,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the database is unreachable for the first three tries to record the outcome
    await due_reply(gql, clock)
    outage = [ServiceUnavailable(), ServiceUnavailable(), ServiceUnavailable()]
    monkeypatch.setattr("infra.worker.loop.finish_rows", flaky_finish(outage))
    worker = make_worker(services, fcm_app, clock)

    # when the worker sends and records
    result = await worker.run_once()

    # then the outcome is recorded, and the wait was logged once
    assert (result.sent, result.lease_lost) == (1, 0)
    assert [r["status"] for r in await rows(services)] == ["SENT"]
    assert failures(caplog) == [
        (
            "database unreachable while recording 1 outcomes; retrying until it is back "
            "(at most the lease)",
            "",
        )
    ]


async def test_other_errors_recording_outcomes_are_raised_at_once(
    gql: GraphQLClient,
    services: Services,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await due_reply(gql, clock)
    monkeypatch.setattr("infra.worker.loop.finish_rows", flaky_finish([RuntimeError("bug")]))
    worker = make_worker(services, fcm_app, clock, lease=timedelta(seconds=2))

    with pytest.raises(RuntimeError, match="bug"):
        await worker.run_once()

    assert failures(caplog) == []  # no retrying: the round fails (and run_forever logs it)
    assert [r["status"] for r in await rows(services)] == ["SENDING"]


async def replies_for_alice_and_bob(gql: GraphQLClient, clock: FixedClock) -> None:
    """A reply to alice (with a device: sent) and one to bob (no device: inbox only)."""
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    bobs = await post(gql, "bob", t.circle_id, "me too, every night")
    await reply(gql, "alice", bobs["id"], "hold on")
    clock.set(datetime.now(UTC))


async def test_a_round_records_every_outcome_and_releases_every_row(
    gql: GraphQLClient, services: Services, fcm_app: firebase_admin.App, clock: FixedClock
) -> None:
    await replies_for_alice_and_bob(gql, clock)

    result = await make_worker(services, fcm_app, clock).run_once()

    assert (result.sent, result.inbox_only, result.lease_lost) == (1, 1, 0)
    found = await rows(services)
    assert sorted(r["status"] for r in found) == ["INBOX_ONLY", "SENT"]
    assert [(r["claimed_by"], r["claimed_until"]) for r in found] == [(None, None)] * 2


async def test_a_worker_that_lost_its_lease_records_nothing(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given worker a stalls past its lease after sending, and worker b claims the rows
    await replies_for_alice_and_bob(gql, clock)
    b = make_worker(services, fcm_app, clock, worker_id="b")
    by_b = []

    async def stall(ids: Sequence[UUID]) -> None:
        clock.set(clock.now() + timedelta(minutes=2))
        by_b.append(await b.run_once())

    a = make_worker(services, fcm_app, clock, worker_id="a", before_finish=stall)

    # when a finishes after b
    by_a = await a.run_once()

    # then b's outcomes stand: a changed nothing and counts both rows as lost
    assert (by_a.sent, by_a.inbox_only, by_a.lease_lost) == (1, 1, 2)
    assert [(r.sent, r.inbox_only, r.lease_lost) for r in by_b] == [(1, 1, 0)]
    found = {r["status"]: r for r in await rows(services)}
    assert set(found) == {"SENT", "INBOX_ONLY"}
    assert found["SENT"]["sent_at"] == clock.now()  # b's
    assert len(fcm.received_for("fid-a")) == 2  # the at-least-once window: sent twice
    # and the operator is told how many
    assert failures(caplog) == [("2 notifications lost their lease before finishing", "")]


class _BrokenSender:
    async def send_batch(self, messages: Sequence[Any]) -> list[Any]:
        raise RuntimeError("sender bug")


async def test_a_sender_that_raises_gets_the_chunk_retried_and_logged(
    gql: GraphQLClient,
    services: Services,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await due_reply(gql, clock)
    worker = NotificationWorker(services.engine, _BrokenSender(), clock)

    result = await worker.run_once()

    assert (result.sent, result.retried) == (0, 1)
    [row] = await rows(services)
    assert (row["status"], row["last_error"]) == ("PENDING", "SENDER_RAISED")
    assert failures(caplog) == [("push sender raised; the chunk will be retried", "RuntimeError")]
