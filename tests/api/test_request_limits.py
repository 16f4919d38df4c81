"""Every refused request says why in `extensions.code`, and an operation that could
touch too much is refused before it runs, with its computed cost."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_guards import ONBOARD_LITERAL, as_
from tests.support.circles import FEED, create_circle, post
from tests.support.graphql import GraphQLClient

NESTED = """query($id: ID!) { node(id: $id) { ... on Circle {
  posts(first: 50) { edges { node { id body
    replies(first: 50) { edges { node { id body createdAt isMine author { id displayName } } } }
  } } } } } }"""


async def _refusal(http: httpx.AsyncClient, query: str, **kw: Any) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, **kw}, headers=as_("alice"))
    assert response.status_code == 400, response.text
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("settings", "query", "code"),
    [
        ({"hearth_max_query_depth": 1}, ONBOARD_LITERAL, "DEPTH_LIMIT_EXCEEDED"),
        ({"hearth_max_aliases": 1}, "{ a: me { id } b: me { id } }", "ALIAS_LIMIT_EXCEEDED"),
        ({"hearth_max_query_tokens": 5}, ONBOARD_LITERAL, "TOKEN_LIMIT_EXCEEDED"),
        ({}, "{ me { id ", "GRAPHQL_PARSE_FAILED"),
        ({}, "{ me { noSuchField } }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_each_refused_request_carries_its_code(
    app_with: Any, settings: dict[str, Any], query: str, code: str
) -> None:
    async with app_with(**settings) as (_, http):
        error = await _refusal(http, query)
    assert error["extensions"]["code"] == code, error


async def test_an_operation_over_the_cost_limit_is_refused_with_its_cost(app_with: Any) -> None:
    # posts(first: 50) x replies(first: 50) x 7 fields: far more than a screen needs
    async with app_with() as (_, http):
        error = await _refusal(http, NESTED, variables={"id": "Q2lyY2xlOng="})
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == 5000
    assert str(error["extensions"]["cost"]) in error["message"]


async def test_the_apps_own_feed_page_is_within_the_default_cost(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Alice")
    circle_id = await create_circle(gql, "alice")
    await post(gql, "alice", circle_id, "Hello")
    data = await gql.data(FEED, {"id": circle_id, "first": 50}, as_="alice")
    assert len(data["node"]["posts"]["edges"]) == 1


async def test_a_body_over_the_size_limit_gets_413_with_a_code(app_with: Any) -> None:
    async with app_with(hearth_max_body_bytes=100) as (_, http):
        response = await http.post(
            "/graphql", json={"query": ONBOARD_LITERAL}, headers=as_("alice")
        )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "REQUEST_TOO_LARGE"}


PAGE = """query($id: ID!, $after: String) { node(id: $id) { ... on Circle {
  posts(first: 2, after: $after) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { body } } } } } }"""


async def test_page_info_follows_the_relay_connection_spec(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Alice")
    circle_id = await create_circle(gql, "alice")
    for n in range(3):
        await post(gql, "alice", circle_id, f"post {n}")
    first = (await gql.data(PAGE, {"id": circle_id}, as_="alice"))["node"]["posts"]
    info = first["pageInfo"]
    assert info["hasNextPage"] is True
    assert info["hasPreviousPage"] is False
    assert info["startCursor"] == first["edges"][0]["cursor"]
    assert info["endCursor"] == first["edges"][-1]["cursor"]
    second = (await gql.data(PAGE, {"id": circle_id, "after": info["endCursor"]}, as_="alice"))[
        "node"
    ]["posts"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert [e["node"]["body"] for e in second["edges"]] == ["post 0"]
    assert second["pageInfo"]["startCursor"] == second["pageInfo"]["endCursor"]


async def test_a_page_size_beyond_any_integer_is_a_request_error_not_a_crash(
    app_with: Any,
) -> None:
    # found by the schema fuzzer: the cost estimate once grew past what JSON can hold
    async with app_with() as (_, http):
        error = await _refusal(http, "{ circles(first: 9223372036854775808) { edges { cursor } } }")
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
