"""The core path: a circle, a member joins, posts, replies and reacts."""

from __future__ import annotations

from tests.support.circles import FEED, REACT, create_circle, join, post, reply
from tests.support.graphql import GraphQLClient


async def test_members_post_reply_react_and_read_the_feed(gql: GraphQLClient) -> None:
    # given an owner's public circle that bob joins
    await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    circle_id = await create_circle(gql, "alice")
    joined = await join(gql, "bob", circle_id)
    assert joined["membership"] == {"role": "MEMBER", "status": "ACTIVE"}
    assert joined["circle"]["memberCount"] == 2
    # when bob posts, alice replies and hugs it
    bob_post = await post(gql, "bob", circle_id, "  Rough night.\x07 Can't sleep 🌙  ")
    assert bob_post["body"] == "Rough night. Can't sleep 🌙"
    await reply(gql, "alice", bob_post["id"], "I'm here with you.")
    reacted = await gql.data(
        REACT, {"input": {"targetId": bob_post["id"], "kind": "HUG"}}, as_="alice"
    )
    assert reacted["react"]["target"]["viewerReactions"] == ["HUG"]
    # then the feed shows it all
    feed = await gql.data(FEED, {"id": circle_id}, as_="bob")
    edges = feed["node"]["posts"]["edges"]
    node = edges[0]["node"]
    assert node["author"]["displayName"] == "Brave Owl"
    assert node["isMine"] is True
    assert node["replyCount"] == 1
    assert {"kind": "HUG", "count": 1} in node["reactionCounts"]
    assert node["viewerReactions"] == []
    assert [r["body"] for r in node["latestReplies"]] == ["I'm here with you."]
    assert node["latestReplies"][0]["author"]["displayName"] == "Quiet Fox"
