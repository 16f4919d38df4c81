"""DateTime goes over the wire as RFC 3339 in UTC with `Z`, and comes back in."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.circles import create_circle, post
from tests.support.graphql import GraphQLClient


async def test_times_are_sent_as_rfc3339_utc_with_z(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Alice")
    circle_id = await create_circle(gql, "alice")
    await post(gql, "alice", circle_id, "Hello")
    data = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Circle { createdAt "
        "posts(first: 1) { edges { node { createdAt } } } } } }",
        {"id": circle_id},
        as_="alice",
    )
    for value in (
        data["node"]["createdAt"],
        data["node"]["posts"]["edges"][0]["node"]["createdAt"],
    ):
        assert value.endswith("Z"), value
        assert "+00:00" not in value
        parsed = datetime.fromisoformat(value)
        assert parsed.tzinfo is not None
        assert abs((datetime.now(UTC) - parsed).total_seconds()) < 60


async def test_times_with_an_offset_are_accepted_as_input(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Alice")
    query = "query($from: DateTime) { me { checkIns(first: 5, from: $from) { edges { cursor } } } }"
    for value in ("2026-12-05T09:00:00+01:00", "2026-12-05T08:00:00Z"):
        data = await gql.data(query, {"from": value}, as_="alice")
        assert data["me"]["checkIns"]["edges"] == []
