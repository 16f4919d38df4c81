"""circleActivity: live events with the same visibility rules as queries."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from tests.support.circles import REACT, ban, create_circle, invite, join, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client

ACTIVITY = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    __typename circleId committedAt
    ... on PostCreated { post { id body isAnonymous isMine author { displayName } latestReplies { body } } }
    ... on PostRemoved { post { id body isRemoved } }
    ... on ReplyCreated { postId reply { body isMine author { displayName } } }
    ... on ReactionsChanged { targetId reactionCounts { kind count } viewerReactions }
    ... on MemberJoined { member { displayName } memberCount }
    ... on MemberLeft { memberId memberCount }
  }
}
"""
LEAVE = "mutation($id: ID!) { leaveCircle(input: {circleId: $id}) { userErrors { code } } }"


async def _circle_with(gql: GraphQLClient, *uids: str) -> str:
    for uid in ("owner", *uids):
        await gql.onboard(uid, f"Name {uid}")
    circle_id = await create_circle(gql, "owner")
    for uid in uids:
        await join(gql, uid, circle_id)
    return circle_id


async def test_a_member_sees_posts_replies_and_reactions_live(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob", "cara")
    async with ws_client(base, "dev:bob") as ws:
        await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        # when cara posts, owner replies and bob hugs
        created = await post(gql, "cara", circle_id, "Hard day today")
        event = (await ws.next_data())["data"]["circleActivity"]
        assert event["__typename"] == "PostCreated"
        assert event["committedAt"] is not None
        assert event["post"].pop("latestReplies") == []  # read on demand: not prefetched here
        assert event["post"] == {
            "id": created["id"],
            "body": "Hard day today",
            "isAnonymous": False,
            "isMine": False,
            "author": {"displayName": "Name cara"},
        }
        await reply(gql, "owner", created["id"], "Sending warmth")
        event = (await ws.next_data())["data"]["circleActivity"]
        assert (event["__typename"], event["postId"], event["reply"]["body"]) == (
            "ReplyCreated",
            created["id"],
            "Sending warmth",
        )
        await gql.data(REACT, {"input": {"targetId": created["id"], "kind": "HUG"}}, as_="bob")
        event = (await ws.next_data())["data"]["circleActivity"]
        assert event["__typename"] == "ReactionsChanged"
        assert {"kind": "HUG", "count": 1} in event["reactionCounts"]
        assert event["viewerReactions"] == ["HUG"]


async def test_anonymous_posts_stay_anonymous_live_even_for_the_owner(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    async with ws_client(base, "dev:owner") as owner_ws, ws_client(base, "dev:bob") as bob_ws:
        await owner_ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await bob_ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await post(gql, "bob", circle_id, "Something I can't say with my name", anonymous=True)
        seen_by_owner = await owner_ws.next_data()
        seen_by_bob = await bob_ws.next_data()
    owner_post = seen_by_owner["data"]["circleActivity"]["post"]
    assert (owner_post["author"], owner_post["isAnonymous"], owner_post["isMine"]) == (
        None,
        True,
        False,
    )
    assert seen_by_bob["data"]["circleActivity"]["post"]["isMine"] is True
    assert "Name bob" not in json.dumps(seen_by_owner)


async def assert_refused(base: str, token: str, circle_id: str) -> None:
    """Subscribing as ``token`` gets one FORBIDDEN result, then the stream completes."""
    async with ws_client(base, token) as ws:
        await ws.subscribe(ACTIVITY, {"id": circle_id})
        message = await ws.receive()
        completed = await ws.receive()
    assert message["type"] == "next"
    assert message["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["FORBIDDEN"]
    assert completed["type"] == "complete"


async def test_non_members_cannot_subscribe(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    circle_id = await _circle_with(gql)
    await gql.onboard("stranger", "Stranger")
    await assert_refused(base, "dev:stranger", circle_id)


@pytest.mark.parametrize("status", ["PENDING", "BANNED"])
async def test_pending_and_banned_members_cannot_subscribe(
    live: tuple[str, GraphQLClient], status: str
) -> None:
    # given a private circle where "asker" asked to join (PENDING), or joined by
    # invitation and was then banned (BANNED)
    base, gql = live
    await gql.onboard("owner", "Name owner")
    asker_id = await gql.onboard("asker", "Name asker")
    circle_id = await create_circle(gql, "owner", visibility="PRIVATE")
    code = await invite(gql, "owner", circle_id) if status == "BANNED" else None
    joined = await join(gql, "asker", circle_id, code)
    if status == "BANNED":
        assert joined["membership"]["status"] == "ACTIVE"
        await ban(gql, "owner", circle_id, asker_id)
    else:
        assert joined["membership"]["status"] == "PENDING"
    # when they subscribe, then they are refused and the stream completes
    await assert_refused(base, "dev:asker", circle_id)


async def test_leaving_ends_the_subscription_at_once(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    other_circle = await create_circle(gql, "owner", name="Morning Light")
    await join(gql, "bob", other_circle)
    async with ws_client(base, "dev:bob") as ws:
        op = await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await gql.data(LEAVE, {"id": circle_id}, as_="bob")
        message = await ws.receive()
        assert message == {"id": op, "type": "complete"}
        # and later posts never reach bob: on the same connection, a post in a circle
        # bob is still in arrives, and the one written before it in the circle he
        # left does not
        other_op = await ws.subscribe_registered(ACTIVITY, {"id": other_circle})
        await post(gql, "owner", circle_id, "After bob left")
        await post(gql, "owner", other_circle, "In the circle bob stayed in")
        message = await ws.receive()
        assert message["id"] == other_op, message
        assert message["payload"]["data"]["circleActivity"]["post"]["body"] == (
            "In the circle bob stayed in"
        )
        with pytest.raises(TimeoutError):
            await ws.receive(timeout=0.5)


async def test_a_ban_ends_the_banned_members_subscription(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    bob_id = (await gql.data("{ me { id } }", as_="bob"))["me"]["id"]
    ban = "mutation($c: ID!, $m: ID!) { banMember(input: {circleId: $c, memberId: $m}) { userErrors { code } } }"
    async with ws_client(base, "dev:bob") as ws:
        op = await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await gql.data(ban, {"c": circle_id, "m": bob_id}, as_="owner")
        assert await ws.receive() == {"id": op, "type": "complete"}


@pytest.mark.parametrize("payload", [{}, {"authToken": "dev:not valid!"}, {"authToken": 42}])
async def test_a_missing_or_bad_token_is_refused_with_4401(
    live: tuple[str, GraphQLClient], payload: dict[str, object]
) -> None:
    base, _ = live
    async with websockets.connect(
        f"ws://{base}/graphql", subprotocols=["graphql-transport-ws"]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_the_legacy_graphql_ws_protocol_works_too(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    async with ws_client(base, "dev:bob", protocol="graphql-ws") as ws:
        await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        await post(gql, "owner", circle_id, "Hello, legacy")
        event = (await ws.next_data())["data"]["circleActivity"]
    assert event["post"]["body"] == "Hello, legacy"


async def test_a_failed_write_publishes_nothing(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    async with ws_client(base, "dev:bob") as ws:
        await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        bad = await gql.data(
            'mutation($c: ID!) { createPost(input: {circleId: $c, body: "   "}) { userErrors { code } } }',
            {"c": circle_id},
            as_="owner",
        )
        assert bad["createPost"]["userErrors"] == [{"code": "TOO_SHORT"}]
        # the next event on the stream is the next good write: the failed one sent none
        await post(gql, "owner", circle_id, "A good one")
        event = (await ws.next_data())["data"]["circleActivity"]
        assert (event["__typename"], event["post"]["body"]) == ("PostCreated", "A good one")


EDIT = """mutation($id: ID!) { editPost(input: {postId: $id, body: "Edited words"}) { userErrors { code } } }"""
REMOVE = """mutation($id: ID!) { deletePost(input: {postId: $id}) { userErrors { code } } }"""
LIFECYCLE = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    __typename
    ... on PostEdited { post { body } }
    ... on PostRemoved { post { body isRemoved contentWarning { note } } }
    ... on MemberJoined { member { displayName } memberCount }
    ... on MemberLeft { memberCount }
  }
}
"""


async def test_edits_removals_joins_and_leaves_arrive_as_they_happen(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    await gql.onboard("cara", "Name cara")
    async with ws_client(base, "dev:owner") as ws:
        await ws.subscribe_registered(LIFECYCLE, {"id": circle_id})
        created = await post(
            gql,
            "bob",
            circle_id,
            "First words",
            contentWarning={"topics": ["GRIEF"], "note": "loss"},
        )
        assert (await ws.next_data())["data"]["circleActivity"] == {"__typename": "PostCreated"}
        await gql.data(EDIT, {"id": created["id"]}, as_="bob")
        edited = (await ws.next_data())["data"]["circleActivity"]
        await gql.data(REMOVE, {"id": created["id"]}, as_="owner")
        removed = (await ws.next_data())["data"]["circleActivity"]
        await join(gql, "cara", circle_id)
        joined = (await ws.next_data())["data"]["circleActivity"]
        await gql.data(LEAVE, {"id": circle_id}, as_="cara")
        left = (await ws.next_data())["data"]["circleActivity"]
    assert edited == {"__typename": "PostEdited", "post": {"body": "Edited words"}}
    assert removed == {
        "__typename": "PostRemoved",
        "post": {"body": None, "isRemoved": True, "contentWarning": None},
    }
    assert joined == {
        "__typename": "MemberJoined",
        "member": {"displayName": "Name cara"},
        "memberCount": 3,
    }
    assert left == {"__typename": "MemberLeft", "memberCount": 2}


DELETE_CIRCLE = """mutation($id: ID!) { deleteCircle(input: {circleId: $id}) {
  deletedCircleId userErrors { code } } }"""


async def test_deleting_a_circle_ends_every_stream_and_removes_its_content(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    bob_post = await post(gql, "bob", circle_id, "Something that goes with the circle")
    async with ws_client(base, "dev:bob") as ws:
        op = await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        # a member other than the owner may not delete it
        refused = await gql(DELETE_CIRCLE, {"id": circle_id}, as_="bob")
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        # when the owner deletes it
        deleted = await gql.data(DELETE_CIRCLE, {"id": circle_id}, as_="owner")
        assert deleted["deleteCircle"] == {"deletedCircleId": circle_id, "userErrors": []}
        # then bob's stream completes at once
        assert await ws.receive() == {"id": op, "type": "complete"}
    gone = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": bob_post["id"]}, as_="bob"
    )
    assert gone["node"] is None


REPLY_LIFECYCLE = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    __typename
    ... on ReplyCreated { postId reply { id body } }
    ... on ReplyEdited { postId reply { id body editedAt } }
    ... on ReplyRemoved { postId reply { id body isRemoved } }
  }
}
"""
EDIT_REPLY = """mutation($id: ID!) { editReply(input: {replyId: $id, body: "Kinder words"}) {
  userErrors { code } } }"""
REMOVE_REPLY = (
    """mutation($id: ID!) { deleteReply(input: {replyId: $id}) { userErrors { code } } }"""
)


async def test_reply_edits_and_removals_reach_subscribers(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    circle_id = await _circle_with(gql, "bob")
    created = await post(gql, "bob", circle_id, "A long week")
    async with ws_client(base, "dev:bob") as ws:
        await ws.subscribe(REPLY_LIFECYCLE, {"id": circle_id})
        await asyncio.sleep(0.1)
        answer = await reply(gql, "owner", created["id"], "First words")
        first = (await ws.next_data())["data"]["circleActivity"]
        await gql.data(EDIT_REPLY, {"id": answer["id"]}, as_="owner")
        edited = (await ws.next_data())["data"]["circleActivity"]
        await gql.data(REMOVE_REPLY, {"id": answer["id"]}, as_="owner")
        removed = (await ws.next_data())["data"]["circleActivity"]
    assert first["__typename"] == "ReplyCreated"
    assert edited["__typename"] == "ReplyEdited"
    assert edited["postId"] == created["id"]
    assert edited["reply"]["id"] == answer["id"]
    assert edited["reply"]["body"] == "Kinder words"
    assert edited["reply"]["editedAt"] is not None
    assert removed == {
        "__typename": "ReplyRemoved",
        "postId": created["id"],
        "reply": {"id": answer["id"], "body": None, "isRemoved": True},
    }
