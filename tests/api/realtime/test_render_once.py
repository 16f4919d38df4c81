"""Live events rendered once per audience: every subscriber still gets exactly their own
view (isMine, viewerReactions, folds, anonymity), a blocked one gets nothing, and the
document runs once per distinct view, not once per subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from tests.conftest import test_settings
from tests.support.circles import REACT, ban, create_circle, join, mutate, post
from tests.support.graphql import GraphQLClient
from tests.support.live import WsClient, live_server, ws_client
from tests.support.moderation import MUTE_TOPICS, block

ACTIVITY = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    __typename
    ... on PostCreated { post { id body isAnonymous isMine folded foldedReason
      author { displayName isViewer } } }
    ... on ReactionsChanged { targetId reactionCounts { kind count } viewerReactions }
    ... on MemberJoined { member { displayName isViewer } memberCount }
  }
}
"""
# Post.circle reads the viewer's membership through the context: per subscriber.
WITH_CIRCLE = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    ... on PostCreated { post { body isMine circle { viewerMembership { role } } } }
  }
}
"""


def executions(per: str) -> float:
    """This process's executions of subscription documents for events."""
    value = REGISTRY.get_sample_value("hearth_subscription_executions_total", {"per": per})
    return value or 0.0


@pytest.fixture(params=[True, False], ids=["render-once", "per-subscriber"])
async def live_either(
    request: pytest.FixtureRequest, clean_database: str
) -> AsyncIterator[tuple[str, GraphQLClient, bool]]:
    """A live server with HEARTH_LIVE_RENDER_ONCE on, and one with it off."""
    once = bool(request.param)
    async with (
        live_server(test_settings(hearth_live_render_once=once)) as base,
        httpx.AsyncClient(base_url=f"http://{base}") as http,
    ):
        yield base, GraphQLClient(http), once


async def _circle(gql: GraphQLClient, owner: str, *members: str) -> tuple[str, dict[str, str]]:
    """A circle of ``owner``'s that ``members`` joined; and everyone's member id."""
    ids = {uid: await gql.onboard(uid, f"Name {uid}") for uid in (owner, *members)}
    circle_id = await create_circle(gql, owner)
    for uid in members:
        await join(gql, uid, circle_id)
    return circle_id, ids


async def _events(ws: WsClient, count: int) -> list[dict[str, Any]]:
    return [(await ws.next_data())["data"]["circleActivity"] for _ in range(count)]


async def test_each_viewer_gets_their_own_view_of_one_event(
    live_either: tuple[str, GraphQLClient, bool],
) -> None:
    # given bob, cara (who muted GRIEF) and dan in ann's circle, bob and cara on two sockets each
    base, gql, once = live_either
    circle_id, _ = await _circle(gql, "ann", "bob", "cara", "dan")
    muted = await mutate(gql, MUTE_TOPICS, {"topics": ["GRIEF"]}, "cara")
    assert muted["userErrors"] == []
    sockets = {"bob": 2, "cara": 2, "dan": 1}
    async with AsyncExitStack() as stack:
        clients: dict[str, list[WsClient]] = {}
        for uid, count in sockets.items():
            for _ in range(count):
                ws = await stack.enter_async_context(ws_client(base, f"dev:{uid}"))
                await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
                clients.setdefault(uid, []).append(ws)
        audience, subscriber = executions("audience"), executions("subscriber")
        # when bob posts anonymously with a GRIEF warning, then cara hugs it
        created = await post(
            gql,
            "bob",
            circle_id,
            "Missing my dad today",
            anonymous=True,
            contentWarning={"topics": ["GRIEF"]},
        )
        await gql.data(REACT, {"input": {"targetId": created["id"], "kind": "HUG"}}, as_="cara")
        seen = {uid: [await _events(ws, 2) for ws in wss] for uid, wss in clients.items()}
    # then every socket of a member got the same events, and each member their own view
    for uid, per_socket in seen.items():
        assert all(events == per_socket[0] for events in per_socket), uid
    views = {uid: per_socket[0] for uid, per_socket in seen.items()}
    post_for = {uid: events[0]["post"] for uid, events in views.items()}
    base_post = {"id": created["id"], "body": "Missing my dad today", "isAnonymous": True}
    assert post_for["bob"] == {
        **base_post,
        "isMine": True,
        "folded": False,
        "foldedReason": None,
        "author": None,  # anonymous: null for the author too
    }
    assert post_for["dan"] == {**post_for["bob"], "isMine": False}
    assert post_for["cara"]["folded"] is True
    assert post_for["cara"]["foldedReason"] is not None
    assert {**post_for["cara"], "folded": False, "foldedReason": None} == post_for["dan"]
    reactions = {uid: events[1] for uid, events in views.items()}
    assert reactions["cara"]["viewerReactions"] == ["HUG"]
    assert reactions["bob"]["viewerReactions"] == reactions["dan"]["viewerReactions"] == []
    assert all({"kind": "HUG", "count": 1} in r["reactionCounts"] for r in reactions.values())
    # and the document ran once per distinct view (render once), else once per socket
    await asyncio.sleep(0.1)
    if once:
        # the post: bob's, cara's (folded), dan's; the reaction: cara's, everyone else's
        assert executions("audience") - audience == 3 + 2
        assert executions("subscriber") - subscriber == 0
    else:
        assert executions("audience") - audience == 0
        assert executions("subscriber") - subscriber == 2 * sum(sockets.values())


async def test_a_joining_member_is_not_the_viewer_for_the_others(
    live_either: tuple[str, GraphQLClient, bool],
) -> None:
    base, gql, _ = live_either
    circle_id, _ = await _circle(gql, "ann")
    await gql.onboard("bob", "Name bob")
    async with ws_client(base, "dev:ann") as ann_ws:
        await ann_ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await join(gql, "bob", circle_id)
        joined = (await ann_ws.next_data())["data"]["circleActivity"]
    assert joined == {
        "__typename": "MemberJoined",
        "member": {"displayName": "Name bob", "isViewer": False},
        "memberCount": 2,
    }


async def test_a_blocked_viewer_in_the_audience_gets_nothing(
    live_either: tuple[str, GraphQLClient, bool],
) -> None:
    # given ann and bea in a block, both following cal's circle with the same document
    base, gql, _ = live_either
    circle_id, ids = await _circle(gql, "cal", "ann", "bea")
    await block(gql, "bea", ids["ann"])
    async with ws_client(base, "dev:bea") as bea_ws, ws_client(base, "dev:cal") as cal_ws:
        await bea_ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await cal_ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        # when ann posts, then cal posts a marker
        await post(gql, "ann", circle_id, "From ann")
        await post(gql, "cal", circle_id, "Marker")
        cal_events = await _events(cal_ws, 2)
        bea_first = (await bea_ws.next_data())["data"]["circleActivity"]
        with pytest.raises(TimeoutError):
            await bea_ws.receive(timeout=0.3)
    # then cal saw both, and bea only the marker: ann's post never reached her
    assert [e["post"]["body"] for e in cal_events] == ["From ann", "Marker"]
    assert bea_first["post"]["body"] == "Marker"


async def test_a_ban_ends_only_the_banned_members_stream_in_an_audience(
    live_either: tuple[str, GraphQLClient, bool],
) -> None:
    # given bob and cara following ann's circle with the same document
    base, gql, _ = live_either
    circle_id, ids = await _circle(gql, "ann", "bob", "cara")
    async with ws_client(base, "dev:bob") as bob_ws, ws_client(base, "dev:cara") as cara_ws:
        bob_op = await bob_ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await cara_ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        # when ann bans bob, then posts
        await ban(gql, "ann", circle_id, ids["bob"])
        await post(gql, "ann", circle_id, "After the ban")
        # then bob's stream completed and nothing more reached him; cara got the post
        assert await bob_ws.receive() == {"id": bob_op, "type": "complete"}
        with pytest.raises(TimeoutError):
            await bob_ws.receive(timeout=0.3)
        events = [(await cara_ws.next_data())["data"]["circleActivity"] for _ in range(2)]
    assert events[0] == {"__typename": "MemberLeft"}
    assert events[1]["post"]["body"] == "After the ban"


async def test_a_document_reading_the_viewer_runs_for_each_subscriber(
    live_either: tuple[str, GraphQLClient, bool],
) -> None:
    # given the owner and a member following with a document that reads Post.circle
    base, gql, _ = live_either
    circle_id, _ = await _circle(gql, "ann", "bob")
    async with ws_client(base, "dev:ann") as ann_ws, ws_client(base, "dev:bob") as bob_ws:
        await ann_ws.subscribe_registered(WITH_CIRCLE, {"id": circle_id})
        await bob_ws.subscribe_registered(WITH_CIRCLE, {"id": circle_id})
        audience, subscriber = executions("audience"), executions("subscriber")
        await post(gql, "bob", circle_id, "Hello")
        seen_by_ann = (await ann_ws.next_data())["data"]["circleActivity"]["post"]
        seen_by_bob = (await bob_ws.next_data())["data"]["circleActivity"]["post"]
    # then each got their own membership, and the document ran once for each
    assert seen_by_ann == {
        "body": "Hello",
        "isMine": False,
        "circle": {"viewerMembership": {"role": "OWNER"}},
    }
    assert seen_by_bob == {
        "body": "Hello",
        "isMine": True,
        "circle": {"viewerMembership": {"role": "MEMBER"}},
    }
    assert executions("audience") - audience == 0
    assert executions("subscriber") - subscriber == 2
