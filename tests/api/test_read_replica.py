"""With DATABASE_READ_URL, queries read from the replica while mutations, their
payloads included, read from the primary (tested with the same database named twice)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import REGISTRY
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import running_app
from tests.conftest import DATABASE_URL, test_settings
from tests.support.circles import FEED, REACT, create_circle, post
from tests.support.graphql import GraphQLClient, persisted


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_queries_read_the_replica_and_mutations_the_primary(clean_database: str) -> None:
    settings = test_settings(database_read_url=DATABASE_URL)
    async with running_app(settings) as (app, http):
        services = app.state.services
        assert services.replica is not None
        gql = GraphQLClient(http)
        await gql.onboard("alice", "Alice")
        circle_id = await create_circle(gql, "alice")
        with counting(services.engine) as primary, counting(services.replica) as replica:
            created = await post(gql, "alice", circle_id, "Written to the primary")
        assert created["body"] == "Written to the primary"  # the payload, read back
        assert "INSERT" in primary
        assert primary.count("SELECT") >= 1  # the read-back came from the primary
        assert replica == []
        with counting(services.engine) as primary, counting(services.replica) as replica:
            data = await gql.data(FEED, {"id": circle_id, "first": 5}, as_="alice")
        assert [e["node"]["body"] for e in data["node"]["posts"]["edges"]] == [created["body"]]
        assert "SELECT" in replica
        assert primary == []


async def test_without_a_read_url_everything_reads_the_primary(clean_database: str) -> None:
    async with running_app(test_settings()) as (app, _http):
        assert app.state.services.replica is None


async def test_a_known_mutation_on_the_direct_lane_reads_the_primary_too(
    clean_database: str,
) -> None:
    # a mutation sent as a hash alone skips the extension that marks mutations'
    # reads for the primary (api.execution.lane does it instead)
    settings = test_settings(database_read_url=DATABASE_URL)
    async with running_app(settings) as (app, http):
        services = app.state.services
        gql = GraphQLClient(http)
        await gql.onboard("alice", "Alice")
        circle_id = await create_circle(gql, "alice")
        created = await post(gql, "alice", circle_id, "React to me")
        headers = {"Authorization": "Bearer dev:alice"}
        hug = {"input": {"targetId": created["id"], "kind": "HUG"}}
        register = {"query": REACT, "variables": hug, "extensions": persisted(REACT)}
        assert (await http.post("/graphql", json=register, headers=headers)).status_code == 200
        strength = {"input": {"targetId": created["id"], "kind": "STRENGTH"}}
        lane_runs = "hearth_graphql_direct_lane_runs_total"
        runs = REGISTRY.get_sample_value(lane_runs) or 0.0
        with counting(services.engine) as primary, counting(services.replica) as replica:
            response = await http.post(
                "/graphql",
                json={"variables": strength, "extensions": persisted(REACT)},
                headers=headers,
            )
        assert REGISTRY.get_sample_value(lane_runs) == runs + 1  # it took the lane
        target = response.json()["data"]["react"]["target"]
        assert sorted(target["viewerReactions"]) == ["HUG", "STRENGTH"]  # read back
        assert "SELECT" in primary
        assert replica == []
