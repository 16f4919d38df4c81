"""Trusted information over GraphQL: public, sourced, paged by keyset, and a Node."""

from __future__ import annotations

import base64
from typing import Any

from tests.support.circles import create_circle
from tests.support.graphql import GraphQLClient, error_codes

FIELDS = "id title publisher url language regions summary topics reviewedOn"
RESOURCES = f"""
query($topic: Topic, $first: Int, $after: String) {{
  resources(topic: $topic, first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ {FIELDS} }} }}
  }}
}}
"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ __typename ... on Resource {{ {FIELDS} }} }} }}"
CIRCLE_RESOURCES = f"""
query($id: ID!, $first: Int, $after: String) {{ node(id: $id) {{ ... on Circle {{
  topics
  resources(first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {FIELDS} }} }}
  }}
}} }} }}
"""


async def all_pages(
    gql: GraphQLClient, query: str, variables: dict[str, Any], path: list[str], **kw: Any
) -> list[dict[str, Any]]:
    """Every node of a connection, following endCursor until hasNextPage is false."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = await gql.data(query, {**variables, "after": after}, **kw)
        for key in path:
            data = data[key]
        nodes.extend(edge["node"] for edge in data["edges"])
        if not data["pageInfo"]["hasNextPage"]:
            return nodes
        after = data["pageInfo"]["endCursor"]
        assert after is not None


async def test_resources_need_no_sign_in_and_each_carries_its_source_and_review_date(
    gql: GraphQLClient,
) -> None:
    data = await gql.data(RESOURCES, {"topic": "ANXIETY", "first": 50})
    nodes = [e["node"] for e in data["resources"]["edges"]]
    assert len(nodes) >= 3
    for node in nodes:
        assert "ANXIETY" in node["topics"]
        assert node["url"].startswith("https://")
        assert all(node[k] for k in ("title", "publisher", "summary"))
        assert node["reviewedOn"] == "2026-12-05"
        assert node["language"] == "en"
        assert all(len(r) == 2 and r.isupper() for r in node["regions"])


async def test_the_description_says_hearth_is_not_a_crisis_service(gql: GraphQLClient) -> None:
    data = await gql.data('{ __type(name: "Query") { fields { name description } } }')
    fields = {f["name"]: f["description"] for f in data["__type"]["fields"]}
    assert "not a crisis or emergency service" in fields["resources"]
    assert "No sign-in needed" in fields["resources"]


async def test_every_topic_lists_only_its_own_resources(gql: GraphQLClient) -> None:
    topics = await gql.data('{ __type(name: "Topic") { enumValues { name } } }')
    for value in topics["__type"]["enumValues"]:
        nodes = await all_pages(
            gql, RESOURCES, {"topic": value["name"], "first": 50}, ["resources"]
        )
        assert all(value["name"] in n["topics"] for n in nodes), value["name"]


async def test_pages_follow_the_keyset_without_gaps_or_repeats(gql: GraphQLClient) -> None:
    everything = await all_pages(gql, RESOURCES, {"first": 50}, ["resources"])
    paged = await all_pages(gql, RESOURCES, {"first": 2}, ["resources"])
    assert [n["id"] for n in paged] == [n["id"] for n in everything]
    assert len({n["id"] for n in paged}) == len(paged)
    titles = [n["title"].casefold() for n in everything]
    assert titles == sorted(titles)


async def test_a_page_reports_whether_more_follow(gql: GraphQLClient) -> None:
    first = (await gql.data(RESOURCES, {"topic": "ANXIETY", "first": 1}))["resources"]
    assert len(first["edges"]) == 1
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["endCursor"] == first["edges"][0]["cursor"]
    after_all = (await gql.data(RESOURCES, {"topic": "ANXIETY", "first": 50}))["resources"]
    assert after_all["pageInfo"]["hasNextPage"] is False
    last = after_all["pageInfo"]["endCursor"]
    empty = (await gql.data(RESOURCES, {"topic": "ANXIETY", "after": last}))["resources"]
    assert empty == {"pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}


async def test_bad_cursors_and_page_sizes_are_refused_as_bad_input(gql: GraphQLClient) -> None:
    for variables in (
        {"after": "not-a-cursor"},
        {"after": "eyJ4Ijox"},
        {"first": 0},
        {"first": 51},
    ):
        result = await gql(RESOURCES, variables)
        assert error_codes(result) == ["BAD_USER_INPUT"], variables
    await gql.onboard("ana")
    await create_circle(gql, "ana")
    circles = await gql.data("{ circles(first: 1) { pageInfo { endCursor } } }", as_="ana")
    foreign = circles["circles"]["pageInfo"]["endCursor"]
    assert error_codes(await gql(RESOURCES, {"after": foreign})) == ["BAD_USER_INPUT"]


async def test_a_resource_is_a_node_fetchable_by_its_global_id(gql: GraphQLClient) -> None:
    await gql.onboard("ana")
    listed = (await gql.data(RESOURCES, {"topic": "GRIEF", "first": 1}))["resources"]
    resource = listed["edges"][0]["node"]
    fetched = await gql.data(NODE, {"id": resource["id"]}, as_="ana")
    assert fetched["node"] == {"__typename": "Resource", **resource}
    again = await gql.data(RESOURCES, {"topic": "GRIEF", "first": 1})
    assert again["resources"]["edges"][0]["node"]["id"] == resource["id"]  # stable


async def test_node_fetch_follows_the_node_rule_and_unknown_resources_are_null(
    gql: GraphQLClient,
) -> None:
    listed = (await gql.data(RESOURCES, {"first": 1}))["resources"]
    resource_id = listed["edges"][0]["node"]["id"]
    assert error_codes(await gql(NODE, {"id": resource_id})) == ["UNAUTHENTICATED"]
    await gql.onboard("ana")
    unknown = base64.urlsafe_b64encode(b"Resource:00000000-0000-0000-0000-000000000000").decode()
    assert (await gql.data(NODE, {"id": unknown}, as_="ana"))["node"] is None


async def test_a_circle_lists_the_resources_for_its_topics(gql: GraphQLClient) -> None:
    await gql.onboard("ana")
    circle_id = await create_circle(gql, "ana", topics=["GRIEF", "ANXIETY"])
    nodes = await all_pages(
        gql, CIRCLE_RESOURCES, {"id": circle_id, "first": 2}, ["node", "resources"], as_="ana"
    )
    expected = [
        n["id"]
        for n in await all_pages(gql, RESOURCES, {"first": 50}, ["resources"])
        if {"GRIEF", "ANXIETY"} & set(n["topics"])
    ]
    assert [n["id"] for n in nodes] == expected
    assert expected  # the per-topic minimum is checked on the data file itself
