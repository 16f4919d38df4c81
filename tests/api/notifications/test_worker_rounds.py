"""The worker's rounds in detail: permanent failures, the exact end of a lease,
batches to the push service, a sender that raises, draining several rounds, and
the metrics each round adds (as before/after differences: the registry is the
whole process's)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

import firebase_admin
import pytest
from prometheus_client import REGISTRY

import infra.worker.loop
from api.container import Services
from domain.clock import FixedClock
from domain.notifications.push import PushMessage, PushOutcome, PushResult
from infra.worker import NotificationWorker
from tests.api.notifications.conftest import make_worker, register, thread
from tests.api.notifications.test_delivery import catch_up, rows
from tests.support.circles import post, reply
from tests.support.fcm_stub import INVALID_PAYLOAD, FcmStandIn
from tests.support.graphql import GraphQLClient
from tests.support.waiting import eventually


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_permanent_error_fails_the_row_at_once_and_counts_it(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    fcm.script("fid-a", INVALID_PAYLOAD)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    failed_before = sample("hearth_notifications_finished_total", status="failed")
    pushed_before = sample("hearth_push_sent_total", outcome="failed")
    claimed_before = sample("hearth_notifications_claimed_total")

    result = await worker.run_once()

    assert (result.claimed, result.failed, result.sent, result.retried) == (1, 1, 0, 0)
    [row] = await rows(services)
    assert (row["status"], row["attempts"], row["claimed_by"], row["claimed_until"]) == (
        "FAILED",
        1,
        None,
        None,
    )
    assert row["last_error"] == "INVALID_ARGUMENT"
    assert sample("hearth_notifications_finished_total", status="failed") - failed_before == 1
    assert sample("hearth_push_sent_total", outcome="failed") - pushed_before == 1
    assert sample("hearth_notifications_claimed_total") - claimed_before == 1
    assert (await worker.drain()).claimed == 0  # never again


async def test_a_lease_ends_exactly_at_claimed_until(
    gql: GraphQLClient,
    fcm_app: firebase_admin.App,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    claimed_at = clock.now()
    assert len(await worker.claim()) == 1
    [row] = await rows(services)
    assert row["claimed_until"] == claimed_at + timedelta(seconds=60)
    other = make_worker(services, fcm_app, clock)
    clock.set(claimed_at + timedelta(seconds=60))
    assert await other.claim() == []  # still leased at the very instant it ends
    clock.set(claimed_at + timedelta(seconds=60, microseconds=1))
    assert len(await other.claim()) == 1


async def test_a_lost_lease_is_counted_once(
    gql: GraphQLClient,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    before = sample("hearth_notifications_lease_lost_total")

    async def taken_over(_: Sequence[object]) -> None:
        clock.set(clock.now() + timedelta(seconds=61))
        await make_worker(services, fcm_app, clock).claim()

    late = make_worker(services, fcm_app, clock, before_finish=taken_over)
    assert (await late.run_once()).lease_lost == 1
    assert sample("hearth_notifications_lease_lost_total") - before == 1


class RecordingSender:
    """A hand-made PushSender: records each batch, accepts everything, or raises."""

    def __init__(self, raises: bool = False) -> None:
        self.batches: list[int] = []
        self.raises = raises

    async def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        self.batches.append(len(messages))
        if self.raises:
            raise RuntimeError("the sender broke its promise")
        return [PushResult(PushOutcome.SENT, message_id="m") for _ in messages]


async def _five_replies(gql: GraphQLClient, clock: FixedClock) -> None:
    """Five replies to five posts of alice's (no collapsing), each worth two messages."""
    t = await thread(gql)
    await register(gql, "alice", "fid-a", "ANDROID")
    await register(gql, "alice", "fid-i", "IOS")
    for n in range(5):
        made = await post(gql, "alice", t.circle_id, f"post {n}")
        await reply(gql, "bob", made["id"], f"reply {n}")
    catch_up(clock)


async def test_messages_go_to_the_push_service_in_batches_of_at_most_max_batch(
    gql: GraphQLClient, clock: FixedClock, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _five_replies(gql, clock)
    monkeypatch.setattr(infra.worker.loop, "MAX_BATCH", 4)
    sender = RecordingSender()
    worker = NotificationWorker(services.engine, sender, clock, uow_factory=services.uow)
    result = await worker.run_once()
    assert (result.claimed, result.sent) == (5, 5)
    assert sender.batches == [4, 4, 2]


async def test_a_sender_that_raises_means_a_retry_not_a_crash(
    gql: GraphQLClient, clock: FixedClock, services: Services
) -> None:
    await _five_replies(gql, clock)
    sender = RecordingSender(raises=True)
    worker = NotificationWorker(
        services.engine, sender, clock, uow_factory=services.uow, batch_size=2
    )
    first = await worker.run_once()
    assert (first.claimed, first.retried, first.sent) == (2, 2, 0)
    statuses = [(r["status"], r["last_error"]) for r in await rows(services)]
    assert statuses.count(("PENDING", "SENDER_RAISED")) == 2
    assert statuses.count(("PENDING", None)) == 3
    # and drain keeps claiming rounds of two until nothing is due, adding them up
    total = await worker.drain()
    assert (total.claimed, total.retried) == (3, 3)
    assert sender.batches == [4, 4, 2]


async def test_run_forever_delivers_and_stops_when_asked(
    gql: GraphQLClient, clock: FixedClock, services: Services
) -> None:
    await _five_replies(gql, clock)
    sender = RecordingSender()
    worker = NotificationWorker(
        services.engine, sender, clock, uow_factory=services.uow, poll_interval=0.01
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop))

    async def all_sent() -> bool:
        return all(r["status"] == "SENT" for r in await rows(services))

    await eventually(all_sent, "the worker sending all five")
    stop.set()
    await asyncio.wait_for(task, 5)
    assert sender.batches == [10]
