"""Keyset pages that hold check-ins made at the same instant, the owner's own
check-in node with the circles it is shared with, and myCircles pages."""

from __future__ import annotations

from domain.clock import FixedClock
from tests.api.checkins.conftest import check_in
from tests.support.circles import MY_CIRCLES, create_circle, join
from tests.support.graphql import GraphQLClient
from tests.support.ids import uuid_of

MINE = """
query($first: Int, $after: String) {
  me { checkIns(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor } nodes { id mood } } }
}
"""


NODE = "query($id: ID!) { node(id: $id) { ... on CheckIn { mood sharedWith { id name } } } }"


async def test_check_ins_made_at_the_same_instant_page_one_by_one(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await gql.onboard("alice")
    made = [await check_in(gql, "alice", mood=1 + n % 5) for n in range(7)]  # one instant
    seen: list[str] = []
    after = None
    for _ in range(3):
        data = await gql.data(MINE, {"first": 3, "after": after}, as_="alice")
        page = data["me"]["checkIns"]
        seen += [n["id"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(m["id"] for m in made)
    assert len(seen) == 7
    assert page["pageInfo"]["hasNextPage"] is False
    # ties in one stable order: the highest id first
    ids = [uuid_of(i) for i in seen]
    assert ids == sorted(ids, reverse=True)


async def test_the_owner_sees_which_circles_a_check_in_is_shared_with(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("alice")
    circle_id = await create_circle(gql, "alice", name="Evening Calm")
    other = await create_circle(gql, "alice", name="Morning Light")
    shared = await check_in(gql, "alice", mood=4, shareWithCircleIds=[circle_id, other])
    node = (await gql.data(NODE, {"id": shared["id"]}, as_="alice"))["node"]
    assert node["mood"] == 4
    assert sorted(c["name"] for c in node["sharedWith"]) == ["Evening Calm", "Morning Light"]


async def test_my_circles_page_after_a_cursor(gql: GraphQLClient) -> None:
    await gql.onboard("owner")
    await gql.onboard("alice")
    for name in ("Circle One", "Circle Two", "Circle Three"):
        await join(gql, "alice", await create_circle(gql, "owner", name=name))
    first = (await gql.data(MY_CIRCLES, {"first": 2}, as_="alice"))["myCircles"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (
        await gql.data(
            MY_CIRCLES, {"first": 2, "after": first["pageInfo"]["endCursor"]}, as_="alice"
        )
    )["myCircles"]
    assert rest["pageInfo"]["hasNextPage"] is False
    names = [e["node"]["name"] for e in first["edges"] + rest["edges"]]
    assert sorted(names) == ["Circle One", "Circle Three", "Circle Two"]
