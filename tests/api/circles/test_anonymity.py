"""Anonymous posts and replies never reveal their author, whoever asks and however.

bob ("Brave Owl") writes only anonymously in the circle. Every response other
members (the owner and a moderator included) get is searched, as raw text and with
every cursor decoded, for bob's global ID, his raw member UUID and his display name.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.support.circles import (
    DELETE_POST,
    DELETE_REPLY,
    EDIT_POST,
    EDIT_REPLY,
    FEED,
    MEMBERS,
    POST,
    POSTS,
    REACT_ANY,
    REPLIES,
    REPLY,
    REPLY_NODE,
    UNREACT,
    create_circle,
    join,
    mutate,
    post,
    reply,
    set_role,
)
from tests.support.graphql import GraphQLClient

NODES = """
query($ids: [ID!]!) { nodes(ids: $ids) {
  id
  ... on Post { body isAnonymous isMine author { id displayName }
    latestReplies(first: 10) { id isMine author { id } }
    replies(first: 50) { edges { cursor node { id isMine author { id } } } }
    circle { id name } }
  ... on Reply { body isAnonymous isMine author { id displayName } }
} }
"""


def _decoded(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except ValueError:
        return ""


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _identity(member_id: str) -> list[str]:
    raw_uuid = _decoded(member_id).split(":", 1)[1]
    return [member_id, raw_uuid, raw_uuid.replace("-", ""), "Brave Owl", "dev:bob"]


def assert_hidden(response: Any, secrets: list[str]) -> None:
    """Neither the raw response nor any base64 string in it mentions the author."""
    text = json.dumps(response, ensure_ascii=False)
    decoded = " ".join(_decoded(s) for s in _strings(response))
    for secret in secrets:
        assert secret.lower() not in text.lower(), secret
        assert secret.lower() not in decoded.lower(), secret


async def _anonymous_circle(gql: GraphQLClient) -> dict[str, Any]:
    """alice owns the circle, dave moderates, carol is a member, bob writes anonymously."""
    await gql.onboard("alice", "Quiet Fox")
    bob = await gql.onboard("bob", "Brave Owl")
    await gql.onboard("carol", "Calm Heron")
    dave = await gql.onboard("dave", "Dusk Wren")
    circle_id = await create_circle(gql, "alice")
    for uid in ("bob", "carol", "dave"):
        await join(gql, uid, circle_id)
    await set_role(gql, "alice", circle_id, dave, "MODERATOR")
    carols = await post(gql, "carol", circle_id, "Carol's open post")
    secret = await post(
        gql, "bob", circle_id, "I have not told anyone this", anonymous=True,
        contentWarning={"topics": ["TRAUMA"], "note": "heavy"},
    )  # fmt: skip
    await reply(gql, "carol", secret["id"], "Thank you for trusting us")
    own_reply = await reply(gql, "bob", secret["id"], "It helps to say it", anonymous=True)
    elsewhere = await reply(gql, "bob", carols["id"], "Same here", anonymous=True)
    await reply(gql, "alice", carols["id"], "Welcome")
    return {
        "circle": circle_id,
        "bob": bob,
        "secret": secret,
        "own_reply": own_reply,
        "elsewhere": elsewhere,
        "carols": carols,
    }


async def test_anonymous_content_has_no_author_for_anyone_and_is_mine_only_for_its_author(
    gql: GraphQLClient,
) -> None:
    # given
    world = await _anonymous_circle(gql)
    secrets = _identity(world["bob"])
    ids = [world["secret"]["id"], world["own_reply"]["id"], world["elsewhere"]["id"]]
    # when every viewer reads every path
    for uid in ("alice", "dave", "carol", "bob"):
        mine = uid == "bob"
        feed = await gql.data(FEED, {"id": world["circle"]}, as_=uid)
        full = await gql.data(POSTS, {"id": world["circle"]}, as_=uid)
        secret_node = await gql.data(POST, {"id": world["secret"]["id"]}, as_=uid)
        reply_nodes = [
            await gql.data(REPLY_NODE, {"id": reply_id}, as_=uid) for reply_id in ids[1:]
        ]
        threads = [
            await gql.data(REPLIES, {"id": post_id}, as_=uid)
            for post_id in (world["secret"]["id"], world["carols"]["id"])
        ]
        many = await gql.data(NODES, {"ids": ids}, as_=uid)
        # then
        for response in (feed, full, secret_node, *reply_nodes, *threads, many):
            assert_hidden(response, secrets)
        assert secret_node["node"]["author"] is None
        assert secret_node["node"]["isAnonymous"] is True
        assert secret_node["node"]["isMine"] is mine
        for node in reply_nodes:
            assert node["node"]["author"] is None
            assert node["node"]["isAnonymous"] is True
            assert node["node"]["isMine"] is mine
        edges = feed["node"]["posts"]["edges"]
        assert [e["node"]["body"] for e in edges] == [
            "I have not told anyone this",
            "Carol's open post",
        ]
        latest = {r["body"]: r for e in edges for r in e["node"]["latestReplies"]}
        assert latest["It helps to say it"]["author"] is None
        assert latest["It helps to say it"]["isMine"] is mine
        assert latest["Same here"]["author"] is None
        assert latest["Thank you for trusting us"]["author"]["displayName"] == "Calm Heron"
        assert [n["isMine"] for n in many["nodes"]] == [mine, mine, mine]
        assert all(n["author"] is None for n in many["nodes"])


async def test_the_member_list_does_not_reveal_who_wrote_what(gql: GraphQLClient) -> None:
    # given
    world = await _anonymous_circle(gql)
    content_ids = [world["secret"]["id"], world["own_reply"]["id"], world["elsewhere"]["id"]]
    # when
    members = await gql.data(MEMBERS, {"id": world["circle"]}, as_="alice")
    # then bob is listed like anyone else, with nothing about his content
    edges = members["node"]["members"]["edges"]
    assert [e["node"]["member"]["displayName"] for e in edges] == [
        "Quiet Fox",
        "Brave Owl",
        "Calm Heron",
        "Dusk Wren",
    ]
    assert_hidden(members, content_ids)
    assert {frozenset(e["node"]) for e in edges} == {
        frozenset({"member", "role", "status", "since"})
    }


async def test_payloads_and_errors_other_members_get_do_not_reveal_the_author(
    gql: GraphQLClient,
) -> None:
    # given
    world = await _anonymous_circle(gql)
    secrets = _identity(world["bob"])
    secret_id, reply_id = world["secret"]["id"], world["own_reply"]["id"]
    # when others react, try to edit or remove, and a moderator removes
    responses = [
        await gql(REACT_ANY, {"input": {"targetId": secret_id, "kind": "HUG"}}, as_="carol"),
        await gql(REACT_ANY, {"input": {"targetId": reply_id, "kind": "HUG"}}, as_="alice"),
        await gql(UNREACT, {"input": {"targetId": reply_id, "kind": "HUG"}}, as_="alice"),
        await gql(EDIT_POST, {"input": {"postId": secret_id, "body": "x"}}, as_="carol"),
        await gql(EDIT_POST, {"input": {"postId": secret_id, "body": "x"}}, as_="alice"),
        await gql(DELETE_POST, {"input": {"postId": secret_id}}, as_="carol"),
        await gql(EDIT_REPLY, {"input": {"replyId": reply_id, "body": "x"}}, as_="dave"),
        await gql(DELETE_REPLY, {"input": {"replyId": reply_id}}, as_="carol"),
        await gql(REPLY, {"input": {"postId": secret_id, "body": "Still here"}}, as_="carol"),
        await gql(DELETE_REPLY, {"input": {"replyId": world["elsewhere"]["id"]}}, as_="dave"),
        await gql(DELETE_POST, {"input": {"postId": secret_id}}, as_="dave"),
    ]
    after = await gql.data(FEED, {"id": world["circle"]}, as_="alice")
    # then
    for response in (*responses, after):
        assert_hidden(response, secrets)
    forbidden = [r for r in responses if r.get("errors")]
    assert len(forbidden) == 5
    assert all(r["errors"][0]["extensions"]["code"] == "FORBIDDEN" for r in forbidden)
    assert responses[0]["data"]["react"]["target"]["reactionCounts"][0] == {
        "kind": "HUG",
        "count": 1,
    }
    removed = responses[-1]["data"]["deletePost"]["post"]
    assert removed["isRemoved"] is True
    assert removed["isMine"] is False
    assert removed["author"] is None


async def test_the_author_edits_an_anonymous_post_and_it_stays_anonymous(
    gql: GraphQLClient,
) -> None:
    # given
    world = await _anonymous_circle(gql)
    # when
    edited = await mutate(
        gql, EDIT_POST, {"postId": world["secret"]["id"], "body": "Edited, still me"}, "bob"
    )
    seen = await gql.data(POST, {"id": world["secret"]["id"]}, as_="alice")
    # then
    assert edited["post"]["author"] is None
    assert edited["post"]["isAnonymous"] is True
    assert edited["post"]["isMine"] is True
    assert seen["node"]["body"] == "Edited, still me"
    assert seen["node"]["author"] is None
    assert_hidden(seen, _identity(world["bob"]))
