"""Blocking hides both ways, on every path, silently, and keeps anonymity."""

from __future__ import annotations

from typing import Any

from tests.support.circles import (
    MEMBERS,
    POST,
    REPLIES,
    REPLY_NODE,
    codes,
    create_circle,
    feed_of,
    join,
    mutate,
    post,
    react,
    reply,
    set_role,
)
from tests.support.graphql import GraphQLClient
from tests.support.moderation import BLOCK, BLOCKED, UNBLOCK, block, inbox, report


async def _circle(gql: GraphQLClient) -> tuple[str, dict[str, str]]:
    """Owner ann, and members bea and cal, in one public circle."""
    ids = {uid: await gql.onboard(uid, f"Name {uid}") for uid in ("ann", "bea", "cal")}
    circle_id = await create_circle(gql, "ann")
    await join(gql, "bea", circle_id)
    await join(gql, "cal", circle_id)
    return circle_id, ids


def _bodies(feed: dict[str, Any]) -> list[str]:
    return [e["node"]["body"] for e in feed["edges"]]


async def _node(gql: GraphQLClient, doc: str, node_id: str, uid: str) -> Any:
    return (await gql.data(doc, {"id": node_id}, as_=uid))["node"]


async def test_a_block_hides_content_both_ways_on_every_read_path(gql: GraphQLClient) -> None:
    # given bea's named and anonymous posts, and ann's post with replies and reactions by all
    circle_id, ids = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "Bea named")
    bea_anon = await post(gql, "bea", circle_id, "Bea anonymous", anonymous=True)
    ann_post = await post(gql, "ann", circle_id, "Ann post")
    ann_anon = await post(gql, "ann", circle_id, "Ann anonymous", anonymous=True)
    bea_reply = await reply(gql, "bea", ann_post["id"], "Bea reply", anonymous=True)
    cal_reply = await reply(gql, "cal", ann_post["id"], "Cal reply")
    await react(gql, "bea", ann_post["id"], "HUG")
    await react(gql, "cal", ann_post["id"], "HUG")
    await react(gql, "cal", bea_post["id"], "HUG")
    # when ann blocks bea
    await block(gql, "ann", ids["bea"])
    # then ann's feed leaves out bea's posts (anonymous too), replies and reactions
    feed = await feed_of(gql, "ann", circle_id)
    assert _bodies(feed) == ["Ann anonymous", "Ann post"]
    ann_view = feed["edges"][1]["node"]
    assert ann_view["replyCount"] == 1
    assert [r["body"] for r in ann_view["latestReplies"]] == ["Cal reply"]
    assert {"kind": "HUG", "count": 1} in ann_view["reactionCounts"]
    # and bea's feed leaves out ann's posts, the anonymous one too
    assert _bodies(await feed_of(gql, "bea", circle_id)) == ["Bea anonymous", "Bea named"]
    # and node, replies and reply nodes follow
    for uid, hidden in (("ann", bea_post), ("ann", bea_anon), ("bea", ann_post), ("bea", ann_anon)):
        assert await _node(gql, POST, hidden["id"], uid) is None
    assert await _node(gql, REPLY_NODE, bea_reply["id"], "ann") is None
    replies = await _node(gql, REPLIES, ann_post["id"], "ann")
    assert [e["node"]["body"] for e in replies["replies"]["edges"]] == ["Cal reply"]
    # and member lists leave each other out
    for uid, other in (("ann", "Name bea"), ("bea", "Name ann")):
        members = (await gql.data(MEMBERS, {"id": circle_id}, as_=uid))["node"]["members"]
        names = [e["node"]["member"]["displayName"] for e in members["edges"]]
        assert other not in names
        assert "Name cal" in names
    # and a third member sees everything exactly as before (no count differs)
    cal_feed = await feed_of(gql, "cal", circle_id)
    assert _bodies(cal_feed) == ["Ann anonymous", "Ann post", "Bea anonymous", "Bea named"]
    assert cal_feed["edges"][1]["node"]["replyCount"] == 2
    assert {"kind": "HUG", "count": 2} in cal_feed["edges"][1]["node"]["reactionCounts"]
    assert await _node(gql, REPLY_NODE, cal_reply["id"], "bea") is not None


async def test_a_blocked_pair_cannot_reply_or_react_and_gets_the_same_not_found(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await _circle(gql)
    ann_post = await post(gql, "ann", circle_id, "Ann post", anonymous=True)
    await block(gql, "ann", ids["bea"])
    unknown = "UG9zdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="  # Post:0000…
    answers = []
    for target in (ann_post["id"], unknown):
        payload = await mutate(
            gql,
            "mutation($input: ReplyToPostInput!) { replyToPost(input: $input) { "
            "userErrors { code field message } } }",
            {"postId": target, "body": "hi"},
            "bea",
        )
        answers.append(payload["userErrors"])
    # the blocked post and a post that never existed answer alike: nothing is revealed
    assert answers[0] == answers[1]
    assert answers[0][0]["code"] == "NOT_FOUND"


async def test_replies_across_a_block_do_not_notify(gql: GraphQLClient) -> None:
    # given cal moderates (a block does not stop moderators reaching content)
    circle_id, ids = await _circle(gql)
    await set_role(gql, "ann", circle_id, ids["cal"], "MODERATOR")
    bea_post = await post(gql, "bea", circle_id, "Bea post")
    await reply(gql, "cal", bea_post["id"], "Before the block")
    assert [n["count"] for n in await inbox(gql, "bea")] == [1]
    # when bea blocks cal, and cal still replies as a moderator
    await block(gql, "bea", ids["cal"])
    await reply(gql, "cal", bea_post["id"], "After the block")
    # then bea is not notified; a reply from someone else still notifies (collapsed: 2)
    assert [n["count"] for n in await inbox(gql, "bea")] == [1]
    await reply(gql, "ann", bea_post["id"], "From ann")
    assert [n["count"] for n in await inbox(gql, "bea")] == [2]


async def test_block_is_silent_listed_for_the_blocker_and_reversible(gql: GraphQLClient) -> None:
    circle_id, ids = await _circle(gql)
    await post(gql, "ann", circle_id, "Ann post")
    await block(gql, "ann", ids["bea"])
    assert await inbox(gql, "bea") == []  # nothing tells bea
    blocked = (await gql.data(BLOCKED, as_="ann"))["me"]["blockedMembers"]["edges"]
    assert [e["node"] for e in blocked] == [{"id": ids["bea"], "displayName": "Name bea"}]
    assert (await gql.data(BLOCKED, as_="bea"))["me"]["blockedMembers"]["edges"] == []
    payload = await mutate(gql, UNBLOCK, {"memberId": ids["bea"]}, "ann")
    assert payload == {"memberId": ids["bea"], "userErrors": []}
    assert _bodies(await feed_of(gql, "bea", circle_id)) == ["Ann post"]


async def test_bad_block_input_gets_clear_user_errors(gql: GraphQLClient) -> None:
    _, ids = await _circle(gql)
    assert codes(await mutate(gql, BLOCK, {"memberId": ids["ann"]}, "ann")) == [
        ("SELF_TARGET", ["input", "memberId"])
    ]
    await block(gql, "ann", ids["bea"])
    assert codes(await mutate(gql, BLOCK, {"memberId": ids["bea"]}, "ann")) == [
        ("ALREADY_BLOCKED", ["input", "memberId"])
    ]
    assert codes(await mutate(gql, UNBLOCK, {"memberId": ids["cal"]}, "ann")) == [
        ("NOT_BLOCKED", ["input", "memberId"])
    ]
    circle_id = (await gql.data("{ myCircles { nodes { id } } }", as_="ann"))["myCircles"]
    unknown_member = "TWVtYmVyOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA=="
    for bad in ("nonsense", unknown_member, circle_id["nodes"][0]["id"]):
        assert codes(await mutate(gql, BLOCK, {"memberId": bad}, "cal"))[0][0] == "NOT_FOUND"
    result = await gql(BLOCK, {"input": {"memberId": ids["bea"]}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


SHARED = """
query($id: ID!) { node(id: $id) { ... on Circle { sharedCheckIns { nodes { sharer { displayName } } } } } }
"""
CHECK_IN = """
mutation($input: CheckInInput!) { checkIn(input: $input) { userErrors { code } } }
"""


async def test_shared_check_ins_follow_blocks_both_ways(gql: GraphQLClient) -> None:
    circle_id, ids = await _circle(gql)
    for uid in ("ann", "bea", "cal"):
        payload = await mutate(gql, CHECK_IN, {"mood": 3, "shareWithCircleIds": [circle_id]}, uid)
        assert payload["userErrors"] == []
    await block(gql, "bea", ids["ann"])

    async def sharers(uid: str) -> set[str]:
        data = await gql.data(SHARED, {"id": circle_id}, as_=uid)
        return {n["sharer"]["displayName"] for n in data["node"]["sharedCheckIns"]["nodes"]}

    assert await sharers("ann") == {"Name ann", "Name cal"}
    assert await sharers("bea") == {"Name bea", "Name cal"}
    assert await sharers("cal") == {"Name ann", "Name bea", "Name cal"}


async def test_content_hidden_by_a_block_can_still_be_reported(gql: GraphQLClient) -> None:
    circle_id, ids = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "Cruel words", anonymous=True)
    await block(gql, "ann", ids["bea"])
    payload = await report(gql, "ann", bea_post["id"], "HARASSMENT")
    assert payload["userErrors"] == []
