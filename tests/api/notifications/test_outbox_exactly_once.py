"""Exactly-once where Hearth can promise it: a worker that lost its lease never
overwrites the new owner's outcome; a reply and its notification commit together
or not at all; and the dedupe keys alone stop a second notification."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import firebase_admin
import pytest
from sqlalchemy import func, select

from api.container import Services
from api.node import from_global_id
from domain.clock import FixedClock
from domain.notifications.services import notify_reply
from infra.db.repositories.notifications import SqlNotificationRepository
from infra.db.tables.notifications import notification_table
from infra.db.tables.posts import reply_table
from infra.worker import NotificationWorker
from tests.api.notifications.conftest import make_worker, register, thread
from tests.api.notifications.test_delivery import catch_up, rows
from tests.support.circles import reply
from tests.support.fcm_stub import OK, UNAVAILABLE, FcmStandIn
from tests.support.graphql import GraphQLClient

LEASE = timedelta(seconds=60)
PAST_THE_LEASE = LEASE + timedelta(seconds=1)


async def _a_reply_waiting(gql: GraphQLClient, fcm: FcmStandIn, clock: FixedClock) -> None:
    """bob replies to alice, whose one device first answers UNAVAILABLE, then OK."""
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    fcm.script("fid-a", UNAVAILABLE, OK)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)


def _late_worker(
    services: Services,
    app: firebase_admin.App,
    clock: FixedClock,
    meanwhile: Callable[[NotificationWorker], Awaitable[None]],
) -> NotificationWorker:
    """Worker A, which stalls past its lease between sending and finishing, while
    worker B does ``meanwhile``."""
    b = make_worker(services, app, clock, worker_id="worker-b")

    async def stall(_: Sequence[UUID]) -> None:
        clock.set(clock.now() + PAST_THE_LEASE)
        await meanwhile(b)

    return make_worker(services, app, clock, worker_id="worker-a", before_finish=stall)


async def test_a_late_worker_leaves_a_row_another_worker_took_over_alone(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    # given worker A claims the row, sends (FCM answers UNAVAILABLE: a retry), then
    # stalls past its lease, and worker B claims the row meanwhile
    await _a_reply_waiting(gql, fcm, clock)
    taken_over: list[Any] = []

    async def meanwhile(b: NotificationWorker) -> None:
        taken_over.extend(await b.claim())

    # when A finishes late
    result = await _late_worker(services, fcm_app, clock, meanwhile).run_once()

    # then A records nothing: the row is still B's, SENDING, not A's retry
    assert (result.claimed, result.retried, result.lease_lost) == (1, 1, 1)
    assert len(taken_over) == 1
    [row] = await rows(services)
    assert (row["status"], row["claimed_by"], row["attempts"]) == ("SENDING", "worker-b", 2)
    assert row["last_error"] is None
    # and once B's lease runs out too, a third worker delivers it exactly once more
    clock.set(clock.now() + PAST_THE_LEASE)
    assert (await make_worker(services, fcm_app, clock).drain()).sent == 1
    [row] = await rows(services)
    assert (row["status"], row["attempts"]) == ("SENT", 3)
    assert len(fcm.received_for("fid-a")) == 2


async def test_a_late_worker_never_overwrites_the_new_owners_sent(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    # given A stalls past its lease and B claims, delivers and records SENT meanwhile
    await _a_reply_waiting(gql, fcm, clock)
    finished_by_b: list[int] = []

    async def meanwhile(b: NotificationWorker) -> None:
        finished_by_b.append((await b.drain()).sent)

    # when A finishes late with its retry
    result = await _late_worker(services, fcm_app, clock, meanwhile).run_once()

    # then B's SENT stands
    assert finished_by_b == [1]
    assert (result.retried, result.lease_lost) == (1, 1)
    [row] = await rows(services)
    assert (row["status"], row["claimed_by"], row["attempts"]) == ("SENT", None, 2)
    assert row["sent_at"] is not None
    assert (await make_worker(services, fcm_app, clock).drain()).claimed == 0


async def _count(services: Services, table: Any) -> int:
    async with services.engine.connect() as conn:
        count: int = await conn.scalar(select(func.count()).select_from(table)) or 0
    return count


@pytest.mark.parametrize("when", ["before", "after"])
async def test_a_fault_while_writing_the_notification_keeps_neither_the_reply_nor_it(
    gql: GraphQLClient, services: Services, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    # given a fault injected just before (or just after) the notification row is
    # written, inside the reply's transaction, after the reply row was written
    t = await thread(gql)
    original = SqlNotificationRepository.add

    async def faulty(self: SqlNotificationRepository, notification: Any) -> bool:
        if when == "before":
            raise RuntimeError("injected fault")
        written = await original(self, notification)
        assert written
        raise RuntimeError("injected fault")

    monkeypatch.setattr(SqlNotificationRepository, "add", faulty)

    # when bob replies
    response = await gql(
        "mutation($input: ReplyToPostInput!) { replyToPost(input: $input) { reply { id } } }",
        {"input": {"postId": t.post_id, "body": "hi"}},
        as_="bob",
    )

    # then the reply failed and neither row exists
    assert response["errors"]
    assert await _count(services, reply_table) == 0
    assert await _count(services, notification_table) == 0
    # and without the fault both are kept, together
    monkeypatch.setattr(SqlNotificationRepository, "add", original)
    await reply(gql, "bob", t.post_id, "hi")
    assert await _count(services, reply_table) == 1
    assert await _count(services, notification_table) == 1


async def test_the_reply_dedupe_key_alone_stops_a_second_notification(
    gql: GraphQLClient, worker: NotificationWorker, clock: FixedClock, services: Services
) -> None:
    # given bob's reply was notified and delivered (nothing pending to collapse into)
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    made = await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    assert (await worker.drain()).sent == 1

    # when the notification for the same reply is enqueued again
    reply_id = from_global_id(made["id"])[1]
    async with services.uow() as uow:
        stored = await uow.replies.get(reply_id)
        assert stored is not None
        post = await uow.posts.get(stored.post_id)
        assert post is not None
        await notify_reply(uow, post, stored, clock.now())
        await uow.commit()

    # then there is still exactly one notification
    [row] = await rows(services)
    assert row["status"] == "SENT"
