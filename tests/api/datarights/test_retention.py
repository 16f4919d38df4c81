"""The worker's retention job, with a clock the test moves: each kind of data is
gone exactly when docs/privacy.md says, and not a second before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from domain.clock import FixedClock
from infra.exports.builder import ExportBuilder
from infra.push import LogPushSender
from infra.retention import RetentionJob
from infra.worker import NotificationWorker, RoundResult
from tests.support.circles import (
    DELETE_POST,
    DELETE_REPLY,
    POST,
    create_circle,
    join,
    mutate,
    post,
    reply,
)
from tests.support.graphql import GraphQLClient

INBOX = "{ me { notifications { nodes { id isRead } } } }"
MARK_ALL = """mutation { markNotificationsRead(input: {all: true}) { markedCount } }"""
EXPORTS = "{ me { dataExports { id status } } }"
SECOND = timedelta(seconds=1)


@pytest.fixture
def retention(app_and_http: tuple[Starlette, httpx.AsyncClient], clock: FixedClock) -> RetentionJob:
    return RetentionJob(app_and_http[0].state.services.engine, clock)


Deliver = Callable[[], Awaitable[RoundResult]]


@pytest.fixture
def deliver(app_and_http: tuple[Starlette, httpx.AsyncClient], clock: FixedClock) -> Deliver:
    """One drain of the notification worker, on the test's clock."""
    return NotificationWorker(app_and_http[0].state.services.engine, LogPushSender(), clock).drain


async def _inbox(gql: GraphQLClient, uid: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await gql.data(INBOX, as_=uid))["me"]["notifications"]["nodes"]
    return nodes


async def _circle_with_thread(gql: GraphQLClient) -> tuple[str, str]:
    await gql.onboard("alice")
    await gql.onboard("bob")
    circle = await create_circle(gql, "alice")
    await join(gql, "bob", circle)
    return circle, (await post(gql, "alice", circle, "a thread"))["id"]


async def _another_thread(gql: GraphQLClient) -> str:
    """Alice's thread in a second circle, so that a reply to it makes a notification of
    its own instead of collapsing into one about the first thread."""
    circle = await create_circle(gql, "alice", name="Second Circle")
    await join(gql, "bob", circle)
    thread: str = (await post(gql, "alice", circle, "another thread"))["id"]
    return thread


async def test_removed_posts_and_replies_are_purged_after_30_days(
    gql: GraphQLClient, clock: FixedClock, retention: RetentionJob
) -> None:
    circle, thread = await _circle_with_thread(gql)
    lone = (await post(gql, "bob", circle, "removed, nobody answered"))["id"]
    answered = (await post(gql, "bob", circle, "removed, but answered"))["id"]
    await reply(gql, "alice", answered, "an answer that stays")
    gone_reply = (await reply(gql, "bob", thread, "a reply bob removes"))["id"]
    for document, key, target in (
        (DELETE_POST, "postId", lone),
        (DELETE_POST, "postId", answered),
        (DELETE_REPLY, "replyId", gone_reply),
    ):
        assert (await mutate(gql, document, {key: target}, "bob"))["userErrors"] == []
    removed_at = clock.now()

    clock.set(removed_at + timedelta(days=30) - SECOND)
    purged = await retention.run()
    assert (purged.posts, purged.replies) == (0, 0)
    assert (await gql.data(POST, {"id": lone}, as_="alice"))["node"]["isRemoved"] is True

    clock.set(removed_at + timedelta(days=30) + SECOND)
    purged = await retention.run()
    assert (purged.posts, purged.replies) == (1, 1)
    assert (await gql.data(POST, {"id": lone}, as_="alice"))["node"] is None
    reply_node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await gql.data(reply_node, {"id": gone_reply}, as_="alice"))["node"] is None
    kept = (await gql.data(POST, {"id": answered}, as_="alice"))["node"]
    assert kept["isRemoved"] is True
    assert kept["replyCount"] == 1
    assert (await gql.data(POST, {"id": thread}, as_="alice"))["node"]["isRemoved"] is False


async def test_read_notifications_are_purged_after_90_days_unread_ones_stay(
    gql: GraphQLClient, clock: FixedClock, retention: RetentionJob, deliver: Deliver
) -> None:
    _, thread = await _circle_with_thread(gql)
    await reply(gql, "bob", thread, "first")
    await gql.data(MARK_ALL, as_="alice")
    read_at = clock.now()
    await reply(gql, "bob", await _another_thread(gql), "second, unread")
    assert len(await _inbox(gql, "alice")) == 2
    await deliver()  # inbox only: no devices

    clock.set(read_at + timedelta(days=90) - SECOND)
    assert (await retention.run()).outbox == 0
    assert len(await _inbox(gql, "alice")) == 2
    clock.set(read_at + timedelta(days=90) + SECOND)
    purged = await retention.run()
    assert purged.read_notifications == 1
    assert [n["isRead"] for n in await _inbox(gql, "alice")] == [False]


async def test_delivered_notifications_never_read_are_purged_180_days_after_creation(
    gql: GraphQLClient, clock: FixedClock, retention: RetentionJob, deliver: Deliver
) -> None:
    _, thread = await _circle_with_thread(gql)
    await reply(gql, "bob", thread, "never opened")
    await reply(gql, "bob", await _another_thread(gql), "opened late")
    created = clock.now()
    await deliver()  # inbox only: no devices
    inbox = await _inbox(gql, "alice")
    late = inbox[0]["id"]  # newest first: the reply in the second circle
    clock.set(created + timedelta(days=170))
    marked = """mutation($ids: [ID!]) {
      markNotificationsRead(input: {ids: $ids}) { markedCount } }"""
    assert (await gql.data(marked, {"ids": [late]}, as_="alice"))["markNotificationsRead"] == {
        "markedCount": 1
    }

    clock.set(created + timedelta(days=180) - SECOND)
    assert (await retention.run()).unread_notifications == 0
    assert len(await _inbox(gql, "alice")) == 2
    clock.set(created + timedelta(days=180) + SECOND)
    purged = await retention.run()
    assert (purged.unread_notifications, purged.read_notifications) == (1, 0)
    # the one read on day 170 keeps its own 90 days after reading
    assert await _inbox(gql, "alice") == [{"id": late, "isRead": True}]


async def test_undelivered_notifications_leave_the_outbox_after_7_days(
    gql: GraphQLClient, clock: FixedClock, retention: RetentionJob
) -> None:
    _, thread = await _circle_with_thread(gql)
    await reply(gql, "bob", thread, "never delivered (no worker runs in this test)")
    created = clock.now()
    clock.set(created + timedelta(days=7) - SECOND)
    assert (await retention.run()).outbox == 0
    assert len(await _inbox(gql, "alice")) == 1
    clock.set(created + timedelta(days=7) + SECOND)
    assert (await retention.run()).outbox == 1
    assert await _inbox(gql, "alice") == []


async def test_exports_are_purged_24_hours_after_they_are_ready(
    gql: GraphQLClient, clock: FixedClock, retention: RetentionJob, builder: ExportBuilder
) -> None:
    await gql.onboard("alice")
    await gql.data("mutation { exportMyData { export { id } } }", as_="alice")
    assert await builder.build_pending() == 1
    ready = clock.now()
    clock.set(ready + timedelta(hours=24) - SECOND)
    assert (await retention.run()).exports == 0
    assert len((await gql.data(EXPORTS, as_="alice"))["me"]["dataExports"]) == 1
    clock.set(ready + timedelta(hours=24))
    assert (await retention.run()).exports == 1
    assert (await gql.data(EXPORTS, as_="alice"))["me"]["dataExports"] == []


async def test_idempotency_keys_are_purged_24_hours_after_the_first_send(
    gql: GraphQLClient, clock: FixedClock, retention: RetentionJob
) -> None:
    circle, _ = await _circle_with_thread(gql)
    send = """mutation Send($input: CreatePostInput!) {
      createPost(input: $input) { post { id } userErrors { code } } }"""
    values = {"circleId": circle, "body": "sent once", "idempotencyKey": "k"}
    first = await gql.data(send, {"input": values}, as_="bob")
    sent = clock.now()
    clock.set(sent + timedelta(hours=24) - SECOND)
    assert (await retention.run()).idempotency_keys == 0
    assert await gql.data(send, {"input": values}, as_="bob") == first  # still a repeat
    clock.set(sent + timedelta(hours=24) + SECOND)
    assert (await retention.run()).idempotency_keys == 1
    again = await gql.data(send, {"input": values}, as_="bob")
    assert again["createPost"]["post"]["id"] != first["createPost"]["post"]["id"]
