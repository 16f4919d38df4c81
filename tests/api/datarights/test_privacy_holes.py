"""Four privacy holes found from outside (issue 12), each closed for good."""

from __future__ import annotations

import logging

import pytest

from tests.api.checkins.conftest import EDIT, SHARED, check_in
from tests.support.circles import LEAVE, ban, create_circle, join, mutate
from tests.support.graphql import GraphQLClient, error_codes

PROFILE = """query($id: ID!) {
  node(id: $id) { ... on Member { displayName pronouns bio memberSince } }
}"""


async def _shared_moods(gql: GraphQLClient, viewer: str, circle_id: str) -> list[int]:
    data = await gql.data(SHARED, {"id": circle_id}, as_=viewer)
    return [n["mood"] for n in data["node"]["sharedCheckIns"]["nodes"]]


async def test_leaving_a_circle_ends_a_check_in_share_for_good(gql: GraphQLClient) -> None:
    await gql.onboard("carol", "Kind Heron")
    await gql.onboard("alice", "Quiet Fox")
    circle_id = await create_circle(gql, "carol")
    await join(gql, "alice", circle_id)
    await check_in(gql, "alice", mood=2, shareWithCircleIds=[circle_id])
    assert await _shared_moods(gql, "carol", circle_id) == [2]

    left = await mutate(gql, LEAVE, {"circleId": circle_id}, "alice")
    assert left["userErrors"] == []
    assert await _shared_moods(gql, "carol", circle_id) == []

    await join(gql, "alice", circle_id)
    assert await _shared_moods(gql, "carol", circle_id) == []
    assert await _shared_moods(gql, "alice", circle_id) == []


async def test_a_ban_ends_a_check_in_share_for_good(gql: GraphQLClient) -> None:
    await gql.onboard("carol", "Kind Heron")
    alice_id = await gql.onboard("alice", "Quiet Fox")
    circle_id = await create_circle(gql, "carol")
    await join(gql, "alice", circle_id)
    made = await check_in(gql, "alice", mood=2, shareWithCircleIds=[circle_id])
    await ban(gql, "carol", circle_id, alice_id)
    own = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on CheckIn { sharedWith { id } } } }",
        {"id": made["id"]},
        as_="alice",
    )
    assert own["node"]["sharedWith"] == []
    assert await _shared_moods(gql, "carol", circle_id) == []


@pytest.mark.parametrize("how", ["left", "banned"])
async def test_resharing_into_a_circle_the_member_is_no_longer_in_is_refused(
    gql: GraphQLClient, how: str
) -> None:
    await gql.onboard("carol", "Kind Heron")
    alice_id = await gql.onboard("alice", "Quiet Fox")
    circle_id = await create_circle(gql, "carol")
    await join(gql, "alice", circle_id)
    made = await check_in(gql, "alice", mood=2, shareWithCircleIds=[circle_id])
    if how == "left":
        await mutate(gql, LEAVE, {"circleId": circle_id}, "alice")
    else:
        await ban(gql, "carol", circle_id, alice_id)

    payload = await mutate(
        gql, EDIT, {"checkInId": made["id"], "mood": 5, "shareWithCircleIds": [circle_id]}, "alice"
    )
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "shareWithCircleIds"])
    ]
    assert payload["checkIn"] is None

    # an edit that leaves the sharing alone still works, and does not reappear on rejoin
    edited = await mutate(gql, EDIT, {"checkInId": made["id"], "mood": 4}, "alice")
    assert edited["userErrors"] == []
    assert edited["checkIn"]["sharedWith"] == []
    if how == "left":
        await join(gql, "alice", circle_id)
        assert await _shared_moods(gql, "alice", circle_id) == []
    assert await _shared_moods(gql, "carol", circle_id) == []


async def test_an_account_without_a_profile_cannot_read_member_profiles(
    gql: GraphQLClient,
) -> None:
    alice_id = await gql.onboard("alice", "Quiet Fox")
    result = await gql(PROFILE, {"id": alice_id}, as_="newcomer")
    assert error_codes(result) == ["NOT_ONBOARDED"]
    assert result["data"] is None or result["data"]["node"] is None
    assert "Quiet Fox" not in str(result)
    many = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [alice_id]}, as_="newcomer"
    )
    assert error_codes(many) == ["NOT_ONBOARDED"]
    # a signed-out client is told to sign in, a member reads the profile
    assert error_codes(await gql(PROFILE, {"id": alice_id})) == ["UNAUTHENTICATED"]
    await gql.onboard("bob", "Brave Owl")
    seen = await gql.data(PROFILE, {"id": alice_id}, as_="bob")
    assert seen["node"]["displayName"] == "Quiet Fox"


async def test_a_subscription_over_http_gets_a_clear_request_error_and_no_traceback(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    await gql.onboard("alice")
    with caplog.at_level(logging.INFO):
        response = await gql.post("subscription { myActivity { unreadCount } }", as_="alice")
    assert response.status_code in (200, 400)
    body = response.json()
    assert body.get("data") is None
    assert [e["message"] for e in body["errors"]] == ["Subscriptions need a websocket."]
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "Cannot return null" not in response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]
