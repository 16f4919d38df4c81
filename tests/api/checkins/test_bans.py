"""Bans and shared check-ins: a banned member reads none, and what they shared
before the ban stops being listed for everyone."""

from __future__ import annotations

from tests.api.checkins.conftest import SHARED, check_in
from tests.support.circles import ban, create_circle, join
from tests.support.graphql import GraphQLClient, error_codes


async def _circle_with_shares(gql: GraphQLClient) -> tuple[str, str]:
    """carol owns a circle; alice and bob joined and each shared a check-in with it.
    Returns (circle id, alice's member id)."""
    await gql.onboard("carol", "Kind Heron")
    alice_id = await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    circle_id = await create_circle(gql, "carol")
    await join(gql, "alice", circle_id)
    await join(gql, "bob", circle_id)
    await check_in(gql, "alice", mood=2, shareWithCircleIds=[circle_id])
    await check_in(gql, "bob", mood=4, shareWithCircleIds=[circle_id])
    return circle_id, alice_id


async def sharers(gql: GraphQLClient, uid: str, circle_id: str) -> list[str]:
    data = await gql.data(SHARED, {"id": circle_id}, as_=uid)
    return [n["sharer"]["displayName"] for n in data["node"]["sharedCheckIns"]["nodes"]]


async def test_a_banned_member_can_no_longer_read_shared_check_ins(gql: GraphQLClient) -> None:
    circle_id, alice_id = await _circle_with_shares(gql)
    assert await sharers(gql, "alice", circle_id) == ["Brave Owl", "Quiet Fox"]

    await ban(gql, "carol", circle_id, alice_id)

    response = await gql(SHARED, {"id": circle_id}, as_="alice")
    assert error_codes(response) == ["FORBIDDEN"]
    assert "Brave Owl" not in str(response)


async def test_check_ins_shared_by_a_member_later_banned_stop_being_listed(
    gql: GraphQLClient,
) -> None:
    circle_id, alice_id = await _circle_with_shares(gql)
    assert await sharers(gql, "bob", circle_id) == ["Brave Owl", "Quiet Fox"]

    await ban(gql, "carol", circle_id, alice_id)

    for viewer in ("bob", "carol"):
        assert await sharers(gql, viewer, circle_id) == ["Brave Owl"]
