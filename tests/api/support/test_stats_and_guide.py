"""`Circle.supportStats` for owners and moderators, and the `supportGuide`."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FixedClock
from tests.api.support.conftest import hours, set_availability
from tests.support.circles import DELETE_POST, create_circle, join, mutate, post, reply
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.moderation import moderated_circle

STATS = """
query($id: ID!, $period: SupportStatsPeriod) { node(id: $id) { ... on Circle {
  supportStats(period: $period) {
    period posts answered medianFirstReplySeconds p90FirstReplySeconds
    unansweredAfter1hShare unansweredAfter24hShare activeListeners availableNow
  }
} } }
"""
GUIDE = """
query SupportGuide { supportGuide { version summary sections { title points }
  sources { title url checkedOn } } }
"""


async def test_time_to_first_reply_unanswered_shares_and_listeners(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    # given, over two days, posts answered after 5, 10, 30 and 120 minutes, one answered
    # only by its author, one unanswered, and one removed (left out)
    circle_id, ids = await moderated_circle(gql)
    start = clock.now()
    delays = [5, 10, 30, 120]
    made = []
    for n, _ in enumerate(delays):
        clock.set(start + timedelta(minutes=n))
        made.append(await post(gql, "bea", circle_id, f"post {n}"))
    clock.set(start + timedelta(minutes=10))
    own = await post(gql, "cal", circle_id, "talking to myself")
    waiting = await post(gql, "cal", circle_id, "still waiting")
    gone = await post(gql, "cal", circle_id, "removed")
    await mutate(gql, DELETE_POST, {"postId": gone["id"]}, "cal")
    for n, delay in enumerate(delays):
        clock.set(start + timedelta(minutes=n + delay))
        await reply(gql, "cal" if n % 2 else "mod", made[n]["id"], "here")
    await reply(gql, "cal", own["id"], "me again")
    assert waiting["id"]
    clock.set(start + hours(25))
    assert (await set_availability(gql, "ann", clock.now() + hours(1)))["userErrors"] == []

    stats = (await gql.data(STATS, {"id": circle_id, "period": "WEEK"}, as_="mod"))["node"][
        "supportStats"
    ]

    assert stats == {
        "period": "WEEK",
        "posts": 6,
        "answered": 4,
        "medianFirstReplySeconds": 10 * 60,  # nearest rank: 2nd of 4
        "p90FirstReplySeconds": 120 * 60,  # nearest rank: 4th of 4
        "unansweredAfter1hShare": 0.5,  # 120 min, author-only, waiting: 3 of 6
        "unansweredAfter24hShare": round(2 / 6, 4),
        "activeListeners": 2,  # mod and cal, not cal's reply to herself
        "availableNow": 1,
    }
    assert ids["ann"]


async def test_a_circle_without_posts_has_empty_stats(gql: GraphQLClient) -> None:
    await gql.onboard("ann", "Ann")
    circle_id = await create_circle(gql, "ann")
    stats = (await gql.data(STATS, {"id": circle_id, "period": "DAY"}, as_="ann"))["node"][
        "supportStats"
    ]
    assert stats["posts"] == stats["answered"] == 0
    assert stats["medianFirstReplySeconds"] is None
    assert stats["unansweredAfter1hShare"] is None


async def test_only_owners_and_moderators_see_the_stats(gql: GraphQLClient) -> None:
    circle_id, _ = await moderated_circle(gql)
    await gql.onboard("new", "Newcomer")
    await join(gql, "new", circle_id)
    for uid in ("bea", "out", "new"):
        result = await gql(STATS, {"id": circle_id}, as_=uid)
        assert error_codes(result) == ["FORBIDDEN"], uid
    signed_out = await gql(STATS, {"id": circle_id})
    assert signed_out["data"]["node"] is None


async def test_the_guide_needs_no_sign_in_and_names_its_sources(gql: GraphQLClient) -> None:
    guide = (await gql.data(GUIDE))["supportGuide"]

    titles = [s["title"] for s in guide["sections"]]
    assert titles == [
        "Listen first",
        "Validate, don't fix",
        "If they talk about suicide",
        "Point to help",
        "Look after yourself",
    ]
    assert all(s["points"] for s in guide["sections"])
    # where to turn is part of what a member reads, not only the listening tips
    help_points = " ".join(guide["sections"][3]["points"])
    assert "emergency number" in help_points
    assert "Get help now" in help_points
    assert guide["sources"]
    assert all(s["url"].startswith("http") for s in guide["sources"])
    urls = [s["url"] for s in guide["sources"]]
    assert len(set(urls)) == len(urls)  # each source listed once
    assert {s["checkedOn"] for s in guide["sources"]} == {"2026-12-05"}
