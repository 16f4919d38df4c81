"""Supportive reactions on posts and replies."""

from __future__ import annotations

from typing import Any

from tests.support.circles import (
    DELETE_POST,
    DELETE_REPLY,
    REACT_ANY,
    UNREACT,
    codes,
    create_circle,
    feed_of,
    join,
    mutate,
    post,
    react,
    reply,
)
from tests.support.graphql import GraphQLClient


def _counts(target: dict[str, Any]) -> dict[str, int]:
    return {c["kind"]: c["count"] for c in target["reactionCounts"]}


async def _circle_with_a_thread(gql: GraphQLClient) -> tuple[str, str, str]:
    await gql.onboard("alice")
    await gql.onboard("bob")
    await gql.onboard("carol")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    created = await post(gql, "bob", circle_id, "Long day")
    replied = await reply(gql, "carol", created["id"], "Sending strength")
    return circle_id, created["id"], replied["id"]


async def test_members_react_to_posts_and_replies_and_see_counts_per_kind(
    gql: GraphQLClient,
) -> None:
    # given
    circle_id, post_id, reply_id = await _circle_with_a_thread(gql)
    # when
    await react(gql, "alice", post_id, "HUG")
    await react(gql, "carol", post_id, "HUG")
    await react(gql, "carol", post_id, "ME_TOO")
    on_reply = await react(gql, "bob", reply_id, "THANK_YOU")
    # then
    assert on_reply["target"]["id"] == reply_id
    assert _counts(on_reply["target"]) == {"HUG": 0, "ME_TOO": 0, "STRENGTH": 0, "THANK_YOU": 1}
    assert on_reply["target"]["viewerReactions"] == ["THANK_YOU"]
    for uid, mine in (("alice", ["HUG"]), ("bob", []), ("carol", ["HUG", "ME_TOO"])):
        seen = (await feed_of(gql, uid, circle_id))["edges"][0]["node"]
        assert [c["kind"] for c in seen["reactionCounts"]] == [
            "HUG",
            "ME_TOO",
            "STRENGTH",
            "THANK_YOU",
        ]
        assert _counts(seen) == {"HUG": 2, "ME_TOO": 1, "STRENGTH": 0, "THANK_YOU": 0}
        assert sorted(seen["viewerReactions"]) == mine
        assert _counts(seen["latestReplies"][0])["THANK_YOU"] == 1


async def test_reacting_twice_keeps_one_reaction(gql: GraphQLClient) -> None:
    # given
    _, post_id, _ = await _circle_with_a_thread(gql)
    await react(gql, "alice", post_id, "STRENGTH")
    # when
    again = await react(gql, "alice", post_id, "STRENGTH")
    # then
    assert _counts(again["target"])["STRENGTH"] == 1
    assert again["target"]["viewerReactions"] == ["STRENGTH"]


async def test_unreacting_takes_a_reaction_back_and_is_harmless_when_repeated(
    gql: GraphQLClient,
) -> None:
    # given
    _, post_id, reply_id = await _circle_with_a_thread(gql)
    await react(gql, "alice", post_id, "HUG")
    await react(gql, "alice", reply_id, "HUG")
    # when
    taken_back = await mutate(gql, UNREACT, {"targetId": post_id, "kind": "HUG"}, "alice")
    again = await mutate(gql, UNREACT, {"targetId": post_id, "kind": "HUG"}, "alice")
    from_reply = await mutate(gql, UNREACT, {"targetId": reply_id, "kind": "HUG"}, "alice")
    # then
    for payload in (taken_back, again, from_reply):
        assert payload["userErrors"] == []
        assert _counts(payload["target"])["HUG"] == 0
        assert payload["target"]["viewerReactions"] == []


async def test_reacting_to_removed_content_is_not_found(gql: GraphQLClient) -> None:
    # given a removed reply and a removed post
    _, post_id, reply_id = await _circle_with_a_thread(gql)
    await mutate(gql, DELETE_REPLY, {"replyId": reply_id}, "carol")
    await mutate(gql, DELETE_POST, {"postId": post_id}, "bob")
    # when
    on_post = await mutate(gql, REACT_ANY, {"targetId": post_id, "kind": "HUG"}, "alice")
    on_reply = await mutate(gql, REACT_ANY, {"targetId": reply_id, "kind": "HUG"}, "alice")
    on_garbage = await mutate(gql, REACT_ANY, {"targetId": "nonsense", "kind": "HUG"}, "alice")
    # then
    for refused in (on_post, on_reply, on_garbage):
        assert codes(refused) == [("NOT_FOUND", ["input", "targetId"])]
        assert refused["target"] is None
