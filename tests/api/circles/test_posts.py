"""Posts and replies: text rules, editing, removal, threads and the feed's pages."""

from __future__ import annotations

from typing import Any

from tests.support.circles import (
    CREATE_POST,
    DELETE_POST,
    DELETE_REPLY,
    EDIT_POST,
    EDIT_REPLY,
    POST,
    REPLIES,
    REPLY,
    codes,
    create_circle,
    feed_of,
    join,
    mutate,
    post,
    reply,
    set_role,
)
from tests.support.graphql import GraphQLClient, error_codes


async def _circle_of_three(gql: GraphQLClient) -> str:
    """alice owns it, bob and carol are members."""
    await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    await gql.onboard("carol", "Calm Heron")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    return circle_id


async def _post_node(gql: GraphQLClient, uid: str, post_id: str) -> dict[str, Any]:
    node: dict[str, Any] = (await gql.data(POST, {"id": post_id}, as_=uid))["node"]
    return node


async def test_bodies_are_trimmed_and_cleaned_but_keep_newlines_emoji_and_rtl(
    gql: GraphQLClient,
) -> None:
    # given
    circle_id = await _circle_of_three(gql)
    raw = "  \t Rough night.\x00\x1b\u200b\nשלום עליכם 🌙🫂\r\nمرحبا\x07  \n "  # noqa: RUF001
    # when
    created = await post(gql, "bob", circle_id, raw)
    replied = await reply(gql, "carol", created["id"], "\n  I hear you 💛 \x08")
    # then
    expected = "Rough night.\nשלום עליכם 🌙🫂\nمرحبا"  # noqa: RUF001
    assert created["body"] == expected
    assert (await _post_node(gql, "alice", created["id"]))["body"] == expected
    assert replied["body"] == "I hear you 💛"


async def test_empty_too_long_or_blank_bodies_are_refused_and_nothing_is_posted(
    gql: GraphQLClient,
) -> None:
    # given
    circle_id = await _circle_of_three(gql)

    async def attempt(body: str) -> dict[str, Any]:
        return await mutate(gql, CREATE_POST, {"circleId": circle_id, "body": body}, "bob")

    # when
    empty = await attempt("")
    blank = await attempt("  \n\t \x07 ")
    too_long = await attempt("x" * 5001)
    longest = await attempt("  " + "x" * 5000 + "  ")
    # then
    assert codes(empty) == [("TOO_SHORT", ["input", "body"])]
    assert codes(blank) == [("TOO_SHORT", ["input", "body"])]
    assert codes(too_long) == [("TOO_LONG", ["input", "body"])]
    assert empty["post"] is blank["post"] is too_long["post"] is None
    assert longest["userErrors"] == []
    assert len(longest["post"]["body"]) == 5000
    assert len((await feed_of(gql, "alice", circle_id))["edges"]) == 1


async def test_content_warnings_round_trip_and_an_edit_replaces_them(gql: GraphQLClient) -> None:
    # given
    circle_id = await _circle_of_three(gql)
    warning = {"topics": ["SELF_HARM_RECOVERY", "TRAUMA"], "note": "  mentions a relapse  "}
    # when
    created = await post(gql, "bob", circle_id, "It was a hard week.", contentWarning=warning)
    seen = await _post_node(gql, "carol", created["id"])
    too_long_note = await mutate(
        gql,
        CREATE_POST,
        {"circleId": circle_id, "body": "Hi", "contentWarning": {"note": "n" * 201}},
        "bob",
    )
    edited = await mutate(
        gql, EDIT_POST, {"postId": created["id"], "body": "It was a hard week."}, "bob"
    )
    # then
    assert seen["contentWarning"] == {
        "topics": ["SELF_HARM_RECOVERY", "TRAUMA"],
        "note": "mentions a relapse",
    }
    assert codes(too_long_note) == [("TOO_LONG", ["input", "contentWarning", "note"])]
    assert edited["post"]["contentWarning"] is None


async def test_authors_edit_their_posts_and_others_are_forbidden(gql: GraphQLClient) -> None:
    # given
    circle_id = await _circle_of_three(gql)
    created = await post(gql, "bob", circle_id, "First draft")
    assert (await _post_node(gql, "bob", created["id"]))["editedAt"] is None
    # when
    edited = await mutate(
        gql,
        EDIT_POST,
        {
            "postId": created["id"],
            "body": " Second draft ",
            "contentWarning": {"topics": ["GRIEF"]},
        },
        "bob",
    )
    by_member = await gql(
        EDIT_POST, {"input": {"postId": created["id"], "body": "Hijacked"}}, as_="carol"
    )
    by_owner = await gql(
        EDIT_POST, {"input": {"postId": created["id"], "body": "Moderated"}}, as_="alice"
    )
    blank = await mutate(gql, EDIT_POST, {"postId": created["id"], "body": "   "}, "bob")
    # then
    assert edited["post"]["body"] == "Second draft"
    assert edited["post"]["editedAt"] is not None
    assert edited["post"]["contentWarning"] == {"topics": ["GRIEF"], "note": None}
    assert error_codes(by_member) == ["FORBIDDEN"]
    assert error_codes(by_owner) == ["FORBIDDEN"]
    assert codes(blank) == [("TOO_SHORT", ["input", "body"])]
    assert (await _post_node(gql, "carol", created["id"]))["body"] == "Second draft"


async def test_the_author_or_a_moderator_removes_a_post_leaving_a_tombstone_and_its_replies(
    gql: GraphQLClient,
) -> None:
    # given two posts with replies; dave moderates
    circle_id = await _circle_of_three(gql)
    dave = await gql.onboard("dave")
    await join(gql, "dave", circle_id)
    await set_role(gql, "alice", circle_id, dave, "MODERATOR")
    own = await post(gql, "bob", circle_id, "Mine", contentWarning={"topics": ["GRIEF"]})
    other = await post(gql, "carol", circle_id, "Carol's")
    for target in (own, other):
        await reply(gql, "alice", target["id"], "Reply one")
        await reply(gql, "dave", target["id"], "Reply two")
    # when
    by_author = await mutate(gql, DELETE_POST, {"postId": own["id"]}, "bob")
    by_moderator = await mutate(gql, DELETE_POST, {"postId": other["id"]}, "dave")
    # then
    for removed in (by_author["post"], by_moderator["post"]):
        assert removed["isRemoved"] is True
        assert removed["body"] is None
        assert removed["author"] is None
        assert removed["contentWarning"] is None
        assert removed["replyCount"] == 2
    feed = await feed_of(gql, "carol", circle_id)
    assert [e["node"]["isRemoved"] for e in feed["edges"]] == [True, True]
    assert all(e["node"]["body"] is None for e in feed["edges"])
    assert [r["body"] for r in feed["edges"][0]["node"]["latestReplies"]] == [
        "Reply two",
        "Reply one",
    ]
    thread = await gql.data(REPLIES, {"id": own["id"]}, as_="carol")
    assert [e["node"]["body"] for e in thread["node"]["replies"]["edges"]] == [
        "Reply one",
        "Reply two",
    ]
    edit_removed = await mutate(gql, EDIT_POST, {"postId": own["id"], "body": "Back"}, "bob")
    assert codes(edit_removed) == [("NOT_FOUND", ["input", "postId"])]
    reply_removed = await mutate(gql, REPLY, {"postId": own["id"], "body": "Hello?"}, "carol")
    assert codes(reply_removed) == [("NOT_FOUND", ["input", "postId"])]


async def test_other_members_cannot_remove_a_post(gql: GraphQLClient) -> None:
    # given
    circle_id = await _circle_of_three(gql)
    created = await post(gql, "bob", circle_id, "Please keep this")
    # when
    result = await gql(DELETE_POST, {"input": {"postId": created["id"]}}, as_="carol")
    # then
    assert error_codes(result) == ["FORBIDDEN"]
    assert (await _post_node(gql, "alice", created["id"]))["body"] == "Please keep this"


async def test_replies_are_1_to_2000_characters(gql: GraphQLClient) -> None:
    # given
    circle_id = await _circle_of_three(gql)
    created = await post(gql, "bob", circle_id, "Anyone up?")

    async def attempt(body: str) -> dict[str, Any]:
        return await mutate(gql, REPLY, {"postId": created["id"], "body": body}, "carol")

    # when
    blank = await attempt(" \n ")
    too_long = await attempt("y" * 2001)
    longest = await attempt("y" * 2000)
    shortest = await attempt(" y ")
    # then
    assert codes(blank) == [("TOO_SHORT", ["input", "body"])]
    assert codes(too_long) == [("TOO_LONG", ["input", "body"])]
    assert len(longest["reply"]["body"]) == 2000
    assert shortest["reply"]["body"] == "y"
    assert (await _post_node(gql, "bob", created["id"]))["replyCount"] == 2


async def test_authors_edit_and_remove_their_replies_and_moderators_remove_any(
    gql: GraphQLClient,
) -> None:
    # given
    circle_id = await _circle_of_three(gql)
    created = await post(gql, "bob", circle_id, "Anyone up?")
    carols = await reply(gql, "carol", created["id"], "Me")
    bobs = await reply(gql, "bob", created["id"], "Glad you are")
    # when
    edited = await mutate(gql, EDIT_REPLY, {"replyId": carols["id"], "body": "Me too"}, "carol")
    edit_by_other = await gql(
        EDIT_REPLY, {"input": {"replyId": carols["id"], "body": "Not me"}}, as_="bob"
    )
    remove_by_other = await gql(DELETE_REPLY, {"input": {"replyId": carols["id"]}}, as_="bob")
    removed_by_moderator = await mutate(gql, DELETE_REPLY, {"replyId": bobs["id"]}, "alice")
    removed_by_author = await mutate(gql, DELETE_REPLY, {"replyId": carols["id"]}, "carol")
    # then
    assert edited["reply"]["body"] == "Me too"
    assert edited["reply"]["editedAt"] is not None
    assert error_codes(edit_by_other) == ["FORBIDDEN"]
    assert error_codes(remove_by_other) == ["FORBIDDEN"]
    for removed in (removed_by_moderator["reply"], removed_by_author["reply"]):
        assert removed["isRemoved"] is True
        assert removed["body"] is None
        assert removed["author"] is None
    thread = await gql.data(REPLIES, {"id": created["id"]}, as_="bob")
    assert [e["node"]["isRemoved"] for e in thread["node"]["replies"]["edges"]] == [True, True]
    seen = await feed_of(gql, "bob", circle_id)
    assert seen["edges"][0]["node"]["replyCount"] == 0
    assert seen["edges"][0]["node"]["latestReplies"] == []


async def test_replies_are_oldest_first_with_cursors(gql: GraphQLClient) -> None:
    # given five replies
    circle_id = await _circle_of_three(gql)
    created = await post(gql, "bob", circle_id, "Anyone up?")
    for n in range(1, 6):
        await reply(gql, "carol", created["id"], f"Reply {n}")
    # when reading two at a time
    bodies: list[str] = []
    after = None
    pages = 0
    while True:
        data = await gql.data(
            REPLIES, {"id": created["id"], "first": 2, "after": after}, as_="alice"
        )
        connection = data["node"]["replies"]
        bodies += [e["node"]["body"] for e in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        if pages == 2:  # a new reply arriving mid-way is found at the end
            await reply(gql, "carol", created["id"], "Reply 6")
    # then
    assert bodies == [f"Reply {n}" for n in range(1, 7)]
    assert pages == 3


async def test_the_feed_is_newest_first_and_new_posts_do_not_shift_the_next_page(
    gql: GraphQLClient,
) -> None:
    # given five posts, read two at a time
    circle_id = await _circle_of_three(gql)
    for n in range(1, 6):
        await post(gql, "bob", circle_id, f"Post {n}")
    first = await feed_of(gql, "carol", circle_id, first=2)
    # when two posts arrive between pages
    await post(gql, "alice", circle_id, "Post 6")
    await post(gql, "alice", circle_id, "Post 7")
    second = await feed_of(gql, "carol", circle_id, first=2, after=first["pageInfo"]["endCursor"])
    third = await feed_of(gql, "carol", circle_id, first=2, after=second["pageInfo"]["endCursor"])
    fresh = await feed_of(gql, "carol", circle_id, first=2)
    # then
    bodies = [e["node"]["body"] for page in (first, second, third) for e in page["edges"]]
    assert bodies == ["Post 5", "Post 4", "Post 3", "Post 2", "Post 1"]
    assert third["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["body"] for e in fresh["edges"]] == ["Post 7", "Post 6"]


async def test_pages_larger_than_50_and_foreign_cursors_are_refused(gql: GraphQLClient) -> None:
    # given
    circle_id = await _circle_of_three(gql)
    created = await post(gql, "bob", circle_id, "Hi")
    await reply(gql, "carol", created["id"], "Hello")
    thread = await gql.data(REPLIES, {"id": created["id"]}, as_="bob")
    reply_cursor = thread["node"]["replies"]["edges"][0]["cursor"]
    # when
    posts_51 = await gql(
        "query($id: ID!) { node(id: $id) { ... on Circle { posts(first: 51) { edges { cursor } } } } }",
        {"id": circle_id},
        as_="bob",
    )
    replies_51 = await gql(REPLIES, {"id": created["id"], "first": 51}, as_="bob")
    zero = await gql(REPLIES, {"id": created["id"], "first": 0}, as_="bob")
    foreign = await gql(
        "query($id: ID!, $after: String) { node(id: $id) { ... on Circle { posts(after: $after) { edges { cursor } } } } }",
        {"id": circle_id, "after": reply_cursor},
        as_="bob",
    )
    fifty = await feed_of(gql, "bob", circle_id, first=50)
    # then
    assert error_codes(posts_51) == ["BAD_USER_INPUT"]
    assert error_codes(replies_51) == ["BAD_USER_INPUT"]
    assert error_codes(zero) == ["BAD_USER_INPUT"]
    assert error_codes(foreign) == ["BAD_USER_INPUT"]
    assert len(fifty["edges"]) == 1
