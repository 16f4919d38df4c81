"""CheckInShareWithdrawn: when a sharer takes a circle off a check-in (editCheckIn) or
deletes it, that circle's members hear it live with the `SharedCheckIn` id to drop;
members of the other circles hear nothing, nor does a member a block separates from
the sharer. "Nothing" is checked by a later post being the next event on the stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient
from tests.support.live import WsClient, ws_client

ACTIVITY = """subscription Activity($id: ID!) { circleActivity(circleId: $id) {
  __typename circleId
  ... on CheckInShareWithdrawn { sharedCheckInId }
  ... on MemberLeft { memberId }
  ... on PostCreated { post { id body } }
} }"""
CHECK_IN = """mutation CheckIn($input: CheckInInput!) { checkIn(input: $input) {
  checkIn { id } userErrors { code field message } } }"""
EDIT = """mutation Edit($input: EditCheckInInput!) { editCheckIn(input: $input) {
  checkIn { id } userErrors { code field message } } }"""
DELETE = """mutation Delete($input: DeleteCheckInInput!) { deleteCheckIn(input: $input) {
  deletedCheckInId userErrors { code field message } } }"""
BLOCK = """mutation Block($input: BlockMemberInput!) { blockMember(input: $input) {
  memberId userErrors { code } } }"""
SHARED = """query Shared($id: ID!) { node(id: $id) { id ... on Circle {
  sharedCheckIns(first: 10) { edges { node { id } } } } } }"""


async def _shared_ids(gql: GraphQLClient, circle: str, uid: str) -> list[str]:
    data = await gql.data(SHARED, {"id": circle}, as_=uid)
    return [e["node"]["id"] for e in data["node"]["sharedCheckIns"]["edges"]]


async def two_circles(gql: GraphQLClient) -> tuple[str, str, str]:
    """carol's "First Light" and dave's "Second Wind": alice is in both, erin in the
    first. Returns (first, second, alice's member id)."""
    await gql.onboard("carol", "Carol")
    await gql.onboard("dave", "Dave")
    alice = await gql.onboard("alice", "Alice")
    await gql.onboard("erin", "Erin")
    first = await create_circle(gql, "carol", name="First Light")
    second = await create_circle(gql, "dave", name="Second Wind")
    for uid, circle in (("alice", first), ("alice", second), ("erin", first)):
        await join(gql, uid, circle)
    return first, second, alice


async def block_alice(gql: GraphQLClient, alice: str) -> None:
    """erin blocks alice (then never sees her shares, nor hears of their end)."""
    blocked = await gql.data(BLOCK, {"input": {"memberId": alice}}, as_="erin")
    assert blocked["blockMember"]["userErrors"] == []


@asynccontextmanager
async def watching(
    base: str, first: str, second: str
) -> AsyncIterator[tuple[WsClient, WsClient, WsClient]]:
    """carol and erin subscribed to the first circle's activity, dave to the second's."""
    async with (
        ws_client(base, "dev:carol") as carol,
        ws_client(base, "dev:dave") as dave,
        ws_client(base, "dev:erin") as erin,
    ):
        for ws, circle in ((carol, first), (dave, second), (erin, first)):
            await ws.subscribe_registered(ACTIVITY, {"id": circle})
        yield carol, dave, erin


async def test_withdrawn_shares_reach_only_that_circle(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    first, second, alice = await two_circles(gql)
    made = await gql.data(
        CHECK_IN, {"input": {"mood": 2, "shareWithCircleIds": [first, second]}}, as_="alice"
    )
    check_in = made["checkIn"]["checkIn"]["id"]
    [in_first] = await _shared_ids(gql, first, "carol")
    [in_second] = await _shared_ids(gql, second, "dave")
    await block_alice(gql, alice)

    async with watching(base, first, second) as (carol, dave, erin):
        # alice takes the first circle off: only the first circle hears it
        edited = await gql.data(
            EDIT, {"input": {"checkInId": check_in, "shareWithCircleIds": [second]}}, as_="alice"
        )
        assert edited["editCheckIn"]["userErrors"] == []
        assert await _shared_ids(gql, first, "carol") == []
        # then she deletes it: only the second circle hears it
        deleted = await gql.data(DELETE, {"input": {"checkInId": check_in}}, as_="alice")
        assert deleted["deleteCheckIn"]["userErrors"] == []
        # a post in each circle closes the sequence
        await post(gql, "carol", first, "after, in the first")
        await post(gql, "dave", second, "after, in the second")

        carol_events = [(await carol.next_data())["data"]["circleActivity"] for _ in range(2)]
        dave_events = [(await dave.next_data())["data"]["circleActivity"] for _ in range(2)]
        erin_event = (await erin.next_data())["data"]["circleActivity"]

    assert carol_events[0] == {
        "__typename": "CheckInShareWithdrawn",
        "circleId": first,
        "sharedCheckInId": in_first,
    }
    assert carol_events[1]["post"]["body"] == "after, in the first"
    assert dave_events[0] == {
        "__typename": "CheckInShareWithdrawn",
        "circleId": second,
        "sharedCheckInId": in_second,
    }
    assert dave_events[1]["post"]["body"] == "after, in the second"
    # erin blocked alice: she never saw the share, and hears nothing of its end
    assert erin_event["__typename"] == "PostCreated"
    assert erin_event["post"]["body"] == "after, in the first"
