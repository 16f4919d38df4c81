"""Lists of circles and members as members see them: pages of rows made at the same
instant hold each row once, in one stable order; search ignores case and reads its
words literally; a member's entry shows their public profile."""

from __future__ import annotations

from typing import Any

from api.node import from_pair_id
from domain.clock import FixedClock
from tests.support.circles import CIRCLES, create_circle, join
from tests.support.graphql import GraphQLClient
from tests.support.ids import uuid_of

MEMBERS = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on Circle {
    members(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id circleId since member { id displayName pronouns bio memberSince } }
    }
  } }
}
"""


async def pages(
    gql: GraphQLClient, query: str, field: Any, size: int, as_: str, **variables: Any
) -> tuple[list[dict[str, Any]], list[bool]]:
    """Every node of a connection, read ``size`` at a time, and each page's hasNextPage."""
    nodes: list[dict[str, Any]] = []
    more: list[bool] = []
    after = None
    while True:
        data = await gql.data(query, {**variables, "first": size, "after": after}, as_=as_)
        page = field(data)
        nodes += page["nodes"] if "nodes" in page else [e["node"] for e in page["edges"]]
        more.append(page["pageInfo"]["hasNextPage"])
        if not more[-1]:
            return nodes, more
        after = page["pageInfo"]["endCursor"]


async def test_members_who_joined_at_the_same_instant_page_once_each_in_a_stable_order(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    # given a circle whose owner and six members all joined at one instant
    await gql.onboard("owner", "Kind Otter")
    circle_id = await create_circle(gql, "owner")
    for n in range(6):
        await gql.onboard(f"m{n}", f"Member {n}")
        await join(gql, f"m{n}", circle_id)

    # when a member reads them three at a time
    nodes, more = await pages(
        gql, MEMBERS, lambda d: d["node"]["members"], 3, as_="m0", id=circle_id
    )

    # then each of the seven comes once, in the order of one page (ties by member id)
    whole = (await gql.data(MEMBERS, {"id": circle_id, "first": 50}, as_="m0"))["node"]
    assert [n["id"] for n in nodes] == [n["id"] for n in whole["members"]["nodes"]]
    assert len({n["id"] for n in nodes}) == 7
    assert more == [True, True, False]
    ids = [uuid_of(n["member"]["id"]) for n in nodes]
    assert ids == sorted(ids)


async def test_a_members_entry_shows_their_public_profile_and_their_circle(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("owner", "Kind Otter")
    circle_id = await create_circle(gql, "owner")
    await gql.onboard("bob", "Brave Owl")
    await gql.set_profile("bob", pronouns="he/him", bio="Night shifts, early walks.")
    await join(gql, "bob", circle_id)

    data = await gql.data(MEMBERS, {"id": circle_id}, as_="owner")

    [bob] = [
        n for n in data["node"]["members"]["nodes"] if n["member"]["displayName"] == "Brave Owl"
    ]
    assert bob["circleId"] == circle_id
    assert (bob["member"]["pronouns"], bob["member"]["bio"]) == (
        "he/him",
        "Night shifts, early walks.",
    )
    assert bob["member"]["memberSince"] is not None
    assert bob["since"] is not None
    pair = from_pair_id(bob["id"])
    assert pair is not None
    assert uuid_of(circle_id) in pair[1]


async def test_circles_made_at_the_same_instant_page_once_each_newest_id_first(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await gql.onboard("reader", "Quiet Fox")
    made = set()
    for n in range(7):  # one owner each: creating circles is rate limited per member
        await gql.onboard(f"owner{n}", f"Owner {n}")
        made.add(await create_circle(gql, f"owner{n}", name=f"Circle {n}"))

    nodes, more = await pages(gql, CIRCLES, lambda d: d["circles"], 3, as_="reader")

    assert {n["id"] for n in nodes} == made
    assert len(nodes) == 7
    assert more == [True, True, False]
    ids = [uuid_of(n["id"]) for n in nodes]
    assert ids == sorted(ids, reverse=True)


async def test_search_ignores_case_reads_names_and_descriptions_and_takes_its_words_literally(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("owner", "Kind Otter")
    await gql.onboard("reader", "Quiet Fox")
    await create_circle(gql, "owner", name="Evening Calm", description="For anxious evenings.")
    await create_circle(gql, "owner", name="Night Owls", description="Calm company at 3 am.")
    await create_circle(gql, "owner", name="New Parents", description="Sleep, feeds and doubt.")

    async def found(search: str) -> list[str]:
        data = await gql.data(CIRCLES, {"search": search}, as_="reader")
        return sorted(e["node"]["name"] for e in data["circles"]["edges"])

    assert await found("calm") == ["Evening Calm", "Night Owls"]
    assert await found("CALM") == ["Evening Calm", "Night Owls"]
    assert await found("  Evening ") == ["Evening Calm"]  # a name only
    assert await found("doubt") == ["New Parents"]  # a description only
    assert await found("%") == []  # a wildcard in the search is a character, not "anything"
    assert await found("N_w") == []
