"""`me.awaitingSupport` and `Circle.awaitingSupportCount`: posts no one but their
author has answered, URGENT first then oldest, without what the viewer must not see."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FixedClock
from tests.api.safety.conftest import URGENT_TEXT
from tests.api.support.conftest import COUNT, awaiting, awaiting_bodies, badge
from tests.support.circles import (
    DELETE_POST,
    ban,
    create_circle,
    join,
    mutate,
    post,
    reply,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.moderation import HIDE, MUTE_TOPICS, block, moderated_circle


async def _circle(gql: GraphQLClient) -> tuple[str, dict[str, str]]:
    ids = {u: await gql.onboard(u, f"Name {u}") for u in ("ann", "bea", "cal", "dan")}
    circle_id = await create_circle(gql, "ann")
    for uid in ("bea", "cal", "dan"):
        await join(gql, uid, circle_id)
    return circle_id, ids


async def test_urgent_posts_come_first_then_the_oldest_with_a_hint_for_responders(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    # given three posts by others, the newest one rated URGENT
    circle_id, _ = await _circle(gql)
    await post(gql, "bea", circle_id, "Long day, feeling flat.")
    clock.set(clock.now() + timedelta(minutes=1))
    await post(gql, "cal", circle_id, "Can't stop worrying about tomorrow.")
    clock.set(clock.now() + timedelta(minutes=1))
    await post(gql, "dan", circle_id, URGENT_TEXT)

    # when ann asks what needs a reply
    page = await awaiting(gql, "ann", first=10)

    # then the URGENT one is first, with the hint; the others oldest first, without one
    nodes = [e["node"] for e in page["edges"]]
    assert [n["post"]["body"] for n in nodes] == [
        URGENT_TEXT,
        "Long day, feeling flat.",
        "Can't stop worrying about tomorrow.",
    ]
    assert [n["isUrgent"] for n in nodes] == [True, False, False]
    assert "crisisResources" in nodes[0]["responderHint"]
    assert nodes[1]["responderHint"] is None
    assert all(n["circleId"] == circle_id for n in nodes)
    assert await badge(gql, "ann", circle_id) == 3


async def test_pages_follow_the_same_order_with_full_page_info(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    circle_id, _ = await _circle(gql)
    step = timedelta(minutes=1)
    for n in range(3):
        await post(gql, "bea", circle_id, f"post {n}")
        clock.set(clock.now() + step)
    await post(gql, "cal", circle_id, URGENT_TEXT)

    first = await awaiting(gql, "ann", first=2)
    second = await awaiting(gql, "ann", first=2, after=first["pageInfo"]["endCursor"])

    assert [e["node"]["post"]["body"] for e in first["edges"]] == [URGENT_TEXT, "post 0"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert [e["node"]["post"]["body"] for e in second["edges"]] == ["post 1", "post 2"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True


async def test_a_bad_cursor_is_a_bad_user_input_error(gql: GraphQLClient) -> None:
    await _circle(gql)
    result = await gql(
        'query { me { awaitingSupport(after: "nope") { edges { cursor } } } }', as_="ann"
    )
    assert error_codes(result) == ["BAD_USER_INPUT"]


async def test_a_post_leaves_once_someone_else_replies_not_when_its_author_does(
    gql: GraphQLClient,
) -> None:
    circle_id, _ = await _circle(gql)
    made = await post(gql, "bea", circle_id, "Anyone up?")

    await reply(gql, "bea", made["id"], "Still here, still awake.")
    assert await awaiting_bodies(gql, "ann") == ["Anyone up?"]

    await reply(gql, "cal", made["id"], "I'm up. How are you doing?")
    assert await awaiting_bodies(gql, "ann") == []
    assert await awaiting_bodies(gql, "dan") == []
    assert await badge(gql, "ann", circle_id) == 0


async def test_it_leaves_out_my_own_blocked_muted_removed_and_hidden_posts(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await moderated_circle(gql)
    await post(gql, "bea", circle_id, "mine")
    await post(gql, "cal", circle_id, "from someone bea blocked")
    await post(gql, "mod", circle_id, "about grief", contentWarning={"topics": ["GRIEF"]})
    removed = await post(gql, "ann", circle_id, "removed by its author")
    hidden = await post(gql, "mod", circle_id, "hidden by a moderator")
    await post(gql, "ann", circle_id, "this one waits")
    await block(gql, "bea", ids["cal"])
    await mutate(gql, MUTE_TOPICS, {"topics": ["GRIEF"]}, "bea")
    await mutate(gql, DELETE_POST, {"postId": removed["id"]}, "ann")
    hid = await mutate(gql, HIDE, {"targetId": hidden["id"], "reason": "SPAM"}, "ann")
    assert hid["userErrors"] == []

    assert await awaiting_bodies(gql, "bea") == ["this one waits"]
    assert await badge(gql, "bea", circle_id) == 1
    # the block hides both ways; others still see cal's post
    assert "mine" not in await awaiting_bodies(gql, "cal")
    assert "from someone bea blocked" in await awaiting_bodies(gql, "ann")


async def test_only_active_members_see_a_circles_count_and_nobody_sees_anothers_list(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await _circle(gql)
    await post(gql, "bea", circle_id, "hello?")
    await gql.onboard("out", "Outsider")
    await ban(gql, "ann", circle_id, ids["dan"])

    assert error_codes(await gql(COUNT, {"id": circle_id}, as_="out")) == ["FORBIDDEN"]
    assert error_codes(await gql(COUNT, {"id": circle_id}, as_="dan")) == ["FORBIDDEN"]
    assert await awaiting_bodies(gql, "out") == []
    assert await awaiting_bodies(gql, "dan") == []  # banned: reads nothing of the circle
    other = await gql(
        "query($id: ID!) { node(id: $id) { ... on Member { awaitingSupport { edges { cursor } } } } }",
        {"id": ids["cal"]},
        as_="ann",
    )
    assert other["data"]["node"]["awaitingSupport"] is None
    signed_out = await gql("query { me { awaitingSupport { edges { cursor } } } }")
    assert error_codes(signed_out) == ["UNAUTHENTICATED"]


async def test_a_post_whose_author_left_or_was_banned_waits_for_no_one(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await _circle(gql)
    await post(gql, "bea", circle_id, "bea's post")
    await post(gql, "cal", circle_id, "cal's post")
    await gql.data(
        "mutation($input: CircleInput!) { leaveCircle(input: $input) { userErrors { code } } }",
        {"input": {"circleId": circle_id}},
        as_="bea",
    )
    await ban(gql, "ann", circle_id, ids["cal"])

    assert await awaiting_bodies(gql, "dan") == []
    assert await badge(gql, "dan", circle_id) == 0
