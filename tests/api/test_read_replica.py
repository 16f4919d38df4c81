"""With DATABASE_READ_URL, queries read from the replica while mutations, their
payloads included, read from the primary (tested with the same database named twice)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import running_app
from tests.conftest import DATABASE_URL, test_settings
from tests.support.circles import FEED, create_circle, post
from tests.support.graphql import GraphQLClient


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
