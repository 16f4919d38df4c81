"""Check-ins shared with a circle as its members see them: pages of shares made at the
same instant hold each once, in one stable order; a share shows its sharer's public
profile and its circle; a share outlives nobody's membership in the list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import update
from starlette.applications import Starlette

from api.node import from_pair_id, to_pair_id
from domain.clock import FixedClock
from infra.db.tables.circles import membership_table
from tests.api.checkins.conftest import check_in
from tests.support.circles import create_circle, join
from tests.support.graphql import GraphQLClient
from tests.support.ids import uuid_of

SHARED = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on Circle {
    sharedCheckIns(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id circleId mood sharer { id displayName pronouns bio memberSince } }
    }
  } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on SharedCheckIn { id circleId mood } } }"


def check_in_uuid(shared_id: str) -> UUID:
    """The check-in's own id inside a SharedCheckIn's global id (check-in, circle)."""
    pair = from_pair_id(shared_id)
    assert pair is not None
    return pair[1][0]


async def shared(gql: GraphQLClient, circle_id: str, as_: str, **page: Any) -> dict[str, Any]:
    data = await gql.data(SHARED, {"id": circle_id, **page}, as_=as_)
    result: dict[str, Any] = data["node"]["sharedCheckIns"]
    return result


async def test_shares_made_at_one_instant_page_once_each_in_a_stable_order_and_are_found_by_id(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    # given seven check-ins shared with one circle at one instant, by two members
    await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    await gql.onboard("carol", "Calm Heron")
    circle_id = await create_circle(gql, "alice")
    for uid in ("bob", "carol"):
        await join(gql, uid, circle_id)
    for n in range(7):
        await check_in(gql, ("alice", "bob")[n % 2], mood=1 + n % 5, shareWithCircleIds=[circle_id])

    # when carol reads them three at a time
    nodes: list[dict[str, Any]] = []
    more: list[bool] = []
    after = None
    while not more or more[-1]:
        page = await shared(gql, circle_id, "carol", first=3, after=after)
        nodes += page["nodes"]
        more.append(page["pageInfo"]["hasNextPage"])
        after = page["pageInfo"]["endCursor"]

    # then each comes once, in the order of one page: ties by check-in, highest id first
    whole = await shared(gql, circle_id, "carol", first=50)
    assert [n["id"] for n in nodes] == [n["id"] for n in whole["nodes"]]
    assert len({n["id"] for n in nodes}) == 7
    assert more == [True, True, False]
    ids = [check_in_uuid(n["id"]) for n in nodes]
    assert ids == sorted(ids, reverse=True)
    # and each is found by its own id, not as another share of the circle
    for n in nodes:
        found = (await gql.data(NODE, {"id": n["id"]}, as_="carol"))["node"]
        assert found == {"id": n["id"], "circleId": circle_id, "mood": n["mood"]}


async def test_a_share_shows_its_sharer_and_circle_and_is_found_only_in_that_circle(
    gql: GraphQLClient,
) -> None:
    alice = await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    await gql.set_profile("alice", pronouns="she/her", bio="Walking it off.")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    made = await check_in(gql, "alice", mood=2, shareWithCircleIds=[circle_id])

    [seen] = (await shared(gql, circle_id, "bob"))["nodes"]

    assert seen["circleId"] == circle_id
    assert seen["mood"] == 2
    sharer = seen["sharer"]
    assert (sharer["displayName"], sharer["pronouns"], sharer["bio"]) == (
        "Quiet Fox",
        "she/her",
        "Walking it off.",
    )
    assert sharer["memberSince"] is not None
    assert sharer["id"] == alice
    assert check_in_uuid(seen["id"]) == uuid_of(made["id"])
    by_node = (await gql.data(NODE, {"id": seen["id"]}, as_="bob"))["node"]
    assert by_node == {"id": seen["id"], "circleId": circle_id, "mood": 2}
    assert to_pair_id("SharedCheckIn", uuid_of(made["id"]), uuid_of(circle_id)) == seen["id"]
    # the same check-in paired with another circle of bob's, where it was never shared
    other = await create_circle(gql, "bob", name="Night Owls")
    elsewhere = to_pair_id("SharedCheckIn", uuid_of(made["id"]), uuid_of(other))
    assert (await gql.data(NODE, {"id": elsewhere}, as_="bob"))["node"] is None


async def test_a_share_whose_sharer_is_no_longer_an_active_member_is_neither_listed_nor_found(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    # given alice shares in two circles, and a share that outlived her membership of one
    # (the use cases end shares on a ban; this is the read's own guard behind them)
    alice = await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    here = await create_circle(gql, "bob", name="Evening Calm")
    elsewhere = await create_circle(gql, "bob", name="Night Owls")
    for circle_id in (here, elsewhere):
        await join(gql, "alice", circle_id)
    await check_in(gql, "alice", mood=3, shareWithCircleIds=[here, elsewhere])
    [share] = (await shared(gql, here, "bob"))["nodes"]
    [share_elsewhere] = (await shared(gql, elsewhere, "bob"))["nodes"]
    m = membership_table
    async with app_and_http[0].state.services.engine.begin() as conn:
        await conn.execute(
            update(m)
            .where(m.c.circle_id == uuid_of(here), m.c.member_id == uuid_of(alice))
            .values(status="BANNED")
        )

    # then it is gone from that circle's list and its node, and still there where she is
    # active
    assert (await shared(gql, here, "bob"))["nodes"] == []
    assert (await gql.data(NODE, {"id": share["id"]}, as_="bob"))["node"] is None
    assert (await shared(gql, elsewhere, "bob"))["nodes"] == [share_elsewhere]
    node = (await gql.data(NODE, {"id": share_elsewhere["id"]}, as_="bob"))["node"]
    assert node == {"id": share_elsewhere["id"], "circleId": elsewhere, "mood": 3}
