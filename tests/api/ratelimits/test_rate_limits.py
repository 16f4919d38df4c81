"""Per-member rate limits over GraphQL: the Nth action passes, the next is refused
with RATE_LIMITED and ``retryAfter``, nothing is written, and refused input takes
no slot."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.support.circles import (
    CREATE_CIRCLE,
    CREATE_INVITE,
    CREATE_POST,
    FEED,
    REACT_ANY,
    REPLY,
    create_circle,
    invite,
    join,
    mutate,
    post,
)
from tests.support.graphql import GraphQLClient
from tests.support.moderation import queue

HOUR, DAY = 3_600, 86_400
ERRORS = "userErrors { code field message retryAfter }"
POST_WITH_RETRY = CREATE_POST.replace("userErrors { code field message }", ERRORS)
REPLY_WITH_RETRY = REPLY.replace("userErrors { code field message }", ERRORS)
REACT_WITH_RETRY = REACT_ANY.replace("userErrors { code field message }", ERRORS)
CIRCLE_WITH_RETRY = CREATE_CIRCLE.replace("userErrors { code field message }", ERRORS)
INVITE_WITH_RETRY = CREATE_INVITE.replace("userErrors { code field message }", ERRORS)
JOIN_WITH_RETRY = """
mutation($input: JoinCircleInput!) {
  joinCircle(input: $input) { membership { status } userErrors { code field message retryAfter } }
}
"""
REPORT = """
mutation($input: ReportInput!) {
  report(input: $input) { report { id } userErrors { code field message retryAfter } }
}
"""
RENAME = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { displayName } userErrors { code field message retryAfter } }
}
"""


def assert_rate_limited(payload: dict[str, Any], window: int, started: float) -> None:
    """One RATE_LIMITED error whose retryAfter is what the moving window says: the
    oldest counted action (made after ``started``) leaves the window ``window``
    seconds after it was made."""
    [error] = payload["userErrors"]
    assert error["code"] == "RATE_LIMITED"
    assert error["field"] is None
    elapsed = time.time() - started
    assert window - elapsed - 1 <= error["retryAfter"] <= window
    assert "Try again in" in error["message"]


async def circle_with(gql: GraphQLClient, *members: str) -> str:
    await gql.onboard("owner", "Owner")
    circle_id = await create_circle(gql, "owner")
    for uid in members:
        await gql.onboard(uid, f"Member {uid}")
        await join(gql, uid, circle_id)
    return circle_id


async def test_the_third_post_in_an_hour_passes_and_the_fourth_is_refused(
    limited: GraphQLClient,
) -> None:
    # given a limit of 3 posts per hour
    circle_id = await circle_with(limited, "alice")
    started = time.time()
    for n in range(3):
        await post(limited, "alice", circle_id, f"post {n}")

    # when alice posts a fourth time
    payload = await mutate(
        limited, POST_WITH_RETRY, {"circleId": circle_id, "body": "one more"}, "alice"
    )

    # then it is refused with the time until the first post leaves the window
    assert payload["post"] is None
    assert_rate_limited(payload, HOUR, started)
    feed = (await limited.data(FEED, {"id": circle_id}, as_="alice"))["node"]["posts"]
    assert [e["node"]["body"] for e in feed["edges"]] == ["post 2", "post 1", "post 0"]


async def test_limits_are_per_member(limited: GraphQLClient) -> None:
    circle_id = await circle_with(limited, "alice", "bob")
    for n in range(3):
        await post(limited, "alice", circle_id, f"post {n}")

    # bob is not held back by alice's posts
    await post(limited, "bob", circle_id, "my turn")


async def test_input_refused_for_its_content_takes_no_slot(limited: GraphQLClient) -> None:
    circle_id = await circle_with(limited, "alice")
    for _ in range(5):
        payload = await mutate(
            limited, POST_WITH_RETRY, {"circleId": circle_id, "body": " "}, "alice"
        )
        assert [e["code"] for e in payload["userErrors"]] == ["TOO_SHORT"]

    for n in range(3):
        await post(limited, "alice", circle_id, f"post {n}")


async def test_the_fourth_reply_and_the_fourth_reaction_in_an_hour_are_refused(
    limited: GraphQLClient,
) -> None:
    circle_id = await circle_with(limited, "alice")
    target = await post(limited, "owner", circle_id, "Anyone up?")
    started = time.time()
    for n in range(3):
        payload = await mutate(
            limited, REPLY_WITH_RETRY, {"postId": target["id"], "body": f"reply {n}"}, "alice"
        )
        assert payload["userErrors"] == []
    for kind in ("HUG", "ME_TOO", "STRENGTH"):
        payload = await mutate(
            limited, REACT_WITH_RETRY, {"targetId": target["id"], "kind": kind}, "alice"
        )
        assert payload["userErrors"] == []

    reply = await mutate(
        limited, REPLY_WITH_RETRY, {"postId": target["id"], "body": "one more"}, "alice"
    )
    reaction = await mutate(
        limited, REACT_WITH_RETRY, {"targetId": target["id"], "kind": "THANK_YOU"}, "alice"
    )

    assert reply["reply"] is None
    assert_rate_limited(reply, HOUR, started)
    assert reaction["target"] is None
    assert_rate_limited(reaction, HOUR, started)


async def test_the_third_circle_and_the_third_invite_in_a_day_are_refused(
    limited: GraphQLClient,
) -> None:
    await limited.onboard("owner", "Owner")
    started = time.time()
    first = await create_circle(limited, "owner", name="One")
    await create_circle(limited, "owner", name="Two")
    third = await mutate(
        limited,
        CIRCLE_WITH_RETRY,
        {"name": "Three", "description": "", "topics": ["GRIEF"], "visibility": "PRIVATE"},
        "owner",
    )
    assert third["circle"] is None
    assert_rate_limited(third, DAY, started)

    started = time.time()
    await invite(limited, "owner", first)
    await invite(limited, "owner", first)
    refused = await mutate(limited, INVITE_WITH_RETRY, {"circleId": first}, "owner")
    assert refused["invite"] is None
    assert_rate_limited(refused, DAY, started)


async def test_only_failed_invite_codes_count_and_then_no_code_is_tried(
    limited: GraphQLClient,
) -> None:
    # given a private circle with a working code
    await limited.onboard("owner", "Owner")
    await limited.onboard("alice", "Alice")
    await limited.onboard("bob", "Bob")
    circle_id = await create_circle(limited, "owner", visibility="PRIVATE")
    other_id = await create_circle(limited, "owner", name="Other", visibility="PRIVATE")
    good = await invite(limited, "owner", circle_id, maxUses=5)
    other_code = await invite(limited, "owner", other_id, maxUses=5)

    # working codes never count
    joined = await mutate(
        limited, JOIN_WITH_RETRY, {"circleId": other_id, "inviteCode": other_code}, "bob"
    )
    assert joined["userErrors"] == []

    # two wrong codes are refused as wrong
    started = time.time()
    for wrong in ("nope", "still-nope"):
        payload = await mutate(
            limited, JOIN_WITH_RETRY, {"circleId": circle_id, "inviteCode": wrong}, "alice"
        )
        assert [e["code"] for e in payload["userErrors"]] == ["INVITE_INVALID"]

    # then even the right code is not tried until the window moves on
    payload = await mutate(
        limited, JOIN_WITH_RETRY, {"circleId": circle_id, "inviteCode": good}, "alice"
    )
    assert payload["membership"] is None
    assert_rate_limited(payload, HOUR, started)
    # bob, who only used working codes, can still join with a code
    payload = await mutate(
        limited, JOIN_WITH_RETRY, {"circleId": circle_id, "inviteCode": good}, "bob"
    )
    assert payload["membership"] == {"status": "ACTIVE"}


async def test_the_third_rename_in_a_day_is_refused_but_other_edits_pass(
    limited: GraphQLClient,
) -> None:
    await limited.onboard("alice", "Alice")
    started = time.time()
    for name in ("Alice Two", "Alice Three"):
        payload = await mutate(limited, RENAME, {"displayName": name}, "alice")
        assert payload["userErrors"] == []

    # setting the same name again, and other fields, are not renames
    same = await mutate(limited, RENAME, {"displayName": "Alice Three", "bio": "hi"}, "alice")
    assert same["userErrors"] == []
    refused = await mutate(limited, RENAME, {"displayName": "Alice Four"}, "alice")

    assert refused["member"] is None
    assert_rate_limited(refused, DAY, started)
    me = await limited.data("{ me { displayName bio } }", as_="alice")
    assert me["me"] == {"displayName": "Alice Three", "bio": "hi"}


async def test_a_burst_of_200_posts_gets_30_through_with_the_default_limits(
    gql: GraphQLClient,
) -> None:
    # issue 11: "200 posts in 1.3 seconds were all accepted"
    circle_id = await circle_with(gql, "flood")

    async def one(n: int) -> dict[str, Any]:
        return await mutate(gql, POST_WITH_RETRY, {"circleId": circle_id, "body": f"#{n}"}, "flood")

    results = await asyncio.gather(*(one(n) for n in range(200)))

    accepted = [r for r in results if r["post"] is not None]
    refused = [r for r in results if r["post"] is None]
    assert len(accepted) == 30
    assert len(refused) == 170
    assert {e["code"] for r in refused for e in r["userErrors"]} == {"RATE_LIMITED"}
    feed = (await gql.data(FEED, {"id": circle_id, "first": 50}, as_="owner"))["node"]["posts"]
    assert len(feed["edges"]) == 30


async def test_the_eleventh_report_in_an_hour_is_refused_and_not_filed(
    gql: GraphQLClient,
) -> None:
    # issue 11: "At most 10 reports per hour per member" (the default limits)
    circle_id = await circle_with(gql, "alice", "bob")
    targets = [(await post(gql, "bob", circle_id, f"post {n}"))["id"] for n in range(11)]
    started = time.time()
    for target in targets[:10]:
        filed = await mutate(gql, REPORT, {"targetId": target, "reason": "SPAM"}, "alice")
        assert filed["userErrors"] == []

    refused = await mutate(gql, REPORT, {"targetId": targets[10], "reason": "SPAM"}, "alice")

    assert refused["report"] is None
    assert_rate_limited(refused, HOUR, started)
    # and nothing was filed: the owner's queue holds the ten reports only
    listed = await queue(gql, "owner", circle_id, first=50)
    assert len(listed["edges"]) == 10
    assert targets[10] not in {edge["node"]["targetId"] for edge in listed["edges"]}
