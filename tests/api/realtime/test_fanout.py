"""Live circle events over a real server, by the way each reaches its socket: a document
that reads only the event is sent as the audience's serialised frame, with no
execution for the subscriber; any other document, the legacy protocol, and
``HEARTH_LIVE_RENDER_ONCE=false`` go through execution as before; and on one socket,
both kinds keep each subscription's events in order."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client import REGISTRY

from tests.conftest import test_settings
from tests.support.circles import create_circle, join, post, set_role
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server, ws_client

PLAIN = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    __typename
    ... on PostCreated { post { id body isMine author { displayName isViewer } } }
  }
}
"""
# Post.circle reads the viewer's membership through the context: per subscriber.
WITH_CIRCLE = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    ... on PostCreated { post { body circle { viewerMembership { role } } } }
  }
}
"""


def sent(as_: str) -> float:
    value = REGISTRY.get_sample_value("hearth_live_deliveries_total", {"sent_as": as_})
    return value or 0.0


@pytest.fixture
async def server(clean_database: str) -> AsyncIterator[tuple[str, GraphQLClient, str]]:
    """A live server, and ann's circle that bob joined."""
    async with (
        live_server(test_settings()) as base,
        httpx.AsyncClient(base_url=f"http://{base}") as http,
    ):
        gql = GraphQLClient(http)
        for uid in ("ann", "bob"):
            await gql.onboard(uid, f"Name {uid}")
        circle_id = await create_circle(gql, "ann")
        await join(gql, "bob", circle_id)
        yield base, gql, circle_id


async def test_a_plain_document_reaches_each_socket_as_a_frame_without_an_execution(
    server: tuple[str, GraphQLClient, str],
) -> None:
    # given ann and bob following the circle with a document that reads only the event
    base, gql, circle_id = server
    async with ws_client(base, "dev:ann") as ann_ws, ws_client(base, "dev:bob") as bob_ws:
        ann_op = await ann_ws.subscribe_registered(PLAIN, {"id": circle_id})
        bob_op = await bob_ws.subscribe_registered(PLAIN, {"id": circle_id})
        frames, executed = sent("frame"), sent("execution")
        # when bob posts
        created = await post(gql, "bob", circle_id, "Hello")
        to_ann = await ann_ws.receive()
        to_bob = await bob_ws.receive()
    # then each got a complete graphql-transport-ws next message for their own operation
    author = {"displayName": "Name bob"}
    assert to_ann == {
        "id": ann_op,
        "type": "next",
        "payload": {
            "data": {
                "circleActivity": {
                    "__typename": "PostCreated",
                    "post": {
                        "id": created["id"],
                        "body": "Hello",
                        "isMine": False,
                        "author": {**author, "isViewer": False},
                    },
                }
            }
        },
    }
    bob_post = to_bob["payload"]["data"]["circleActivity"]["post"]
    assert to_bob["id"] == bob_op
    assert bob_post["isMine"] is True
    assert bob_post["author"] == {**author, "isViewer": True}
    # and both were written as frames, with no execution for either subscriber
    assert sent("frame") - frames == 2
    assert sent("execution") - executed == 0


async def test_a_document_reading_the_viewer_and_the_legacy_protocol_go_through_execution(
    server: tuple[str, GraphQLClient, str],
) -> None:
    base, gql, circle_id = server
    async with (
        ws_client(base, "dev:ann") as ann_ws,
        ws_client(base, "dev:bob", protocol="graphql-ws") as bob_legacy,
    ):
        await ann_ws.subscribe_registered(WITH_CIRCLE, {"id": circle_id})
        await bob_legacy.subscribe_registered(PLAIN, {"id": circle_id})
        frames, executed = sent("frame"), sent("execution")
        await post(gql, "bob", circle_id, "Hello")
        seen_by_ann = (await ann_ws.next_data())["data"]["circleActivity"]["post"]
        seen_by_bob = (await bob_legacy.next_data())["data"]["circleActivity"]["post"]
    assert seen_by_ann == {"body": "Hello", "circle": {"viewerMembership": {"role": "OWNER"}}}
    assert seen_by_bob["body"] == "Hello"
    assert seen_by_bob["isMine"] is True
    assert sent("frame") - frames == 0
    assert sent("execution") - executed == 2


async def test_an_executed_document_reads_afresh_for_each_event(
    server: tuple[str, GraphQLClient, str],
) -> None:
    # given bob following with a document that reads his membership through Post.circle
    base, gql, circle_id = server
    bob_id = (await gql.data("{ me { id } }", as_="bob"))["me"]["id"]
    async with ws_client(base, "dev:bob") as ws:
        await ws.subscribe_registered(WITH_CIRCLE, {"id": circle_id})
        await post(gql, "ann", circle_id, "Before")
        before = (await ws.next_data())["data"]["circleActivity"]["post"]
        # when ann makes him a moderator, then posts again
        await set_role(gql, "ann", circle_id, bob_id, "MODERATOR")
        await post(gql, "ann", circle_id, "After")
        after = (await ws.next_data())["data"]["circleActivity"]["post"]
    # then the second event shows his new role: nothing read for the first was kept
    assert before["circle"] == {"viewerMembership": {"role": "MEMBER"}}
    assert after["circle"] == {"viewerMembership": {"role": "MODERATOR"}}


async def test_render_once_off_sends_nothing_as_frames(clean_database: str) -> None:
    async with (
        live_server(test_settings(hearth_live_render_once=False)) as base,
        httpx.AsyncClient(base_url=f"http://{base}") as http,
    ):
        gql = GraphQLClient(http)
        await gql.onboard("ann", "Name ann")
        circle_id = await create_circle(gql, "ann")
        async with ws_client(base, "dev:ann") as ws:
            await ws.subscribe_registered(PLAIN, {"id": circle_id})
            frames, executed = sent("frame"), sent("execution")
            await post(gql, "ann", circle_id, "Hello")
            seen = (await ws.next_data())["data"]["circleActivity"]["post"]
    assert seen["isMine"] is True
    assert sent("frame") - frames == 0
    assert sent("execution") - executed == 1


async def test_frames_and_executed_events_on_one_socket_keep_each_subscriptions_order(
    server: tuple[str, GraphQLClient, str],
) -> None:
    # given one socket of ann's with an executed and a framed subscription
    base, gql, circle_id = server
    async with ws_client(base, "dev:ann") as ws:
        executed = await ws.subscribe_registered(WITH_CIRCLE, {"id": circle_id})
        framed = await ws.subscribe_registered(PLAIN, {"id": circle_id})  # operation "2"
        # when bob posts five times in quick succession
        bodies = [f"Post {n}" for n in range(5)]
        for body in bodies:
            await post(gql, "bob", circle_id, body)
        received: dict[str, list[str]] = {framed: [], executed: []}
        while sum(map(len, received.values())) < 2 * len(bodies):
            message = await ws.receive()
            assert message["type"] == "next", json.dumps(message)
            received[message["id"]].append(
                message["payload"]["data"]["circleActivity"]["post"]["body"]
            )
        # then each subscription got every post once, in the order they were written
        assert received == {framed: bodies, executed: bodies}
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive(timeout=0.3)
