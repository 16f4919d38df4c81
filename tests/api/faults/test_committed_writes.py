"""A write that committed is reported as done, even when the read that builds its
payload loses its database connection; a lost database is a typed, retryable error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from sqlalchemy import event, text
from starlette.applications import Starlette

from tests.api.conftest import running_app
from tests.conftest import IS_POSTGRES, run_migrations, test_settings
from tests.support.circles import REACT, REPLY, create_circle, join, post
from tests.support.graphql import GraphQLClient
from tests.support.private_postgres import private_postgres


class ConnectionKiller:
    """Kills the database connection under the next ``reads`` SELECTs that follow a
    commit: the fault a PostgreSQL restart causes between a write and its read-back."""

    def __init__(self, app: Starlette) -> None:
        self.engine = app.state.services.engine.sync_engine
        self.armed = False
        self.after_commit = False
        self.reads = 0
        self.killed = 0
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "before_cursor_execute", self._execute)

    def arm(self, reads: int = 1) -> None:
        self.armed, self.after_commit, self.reads, self.killed = True, False, reads, 0

    def _commit(self, conn: Any) -> None:
        if self.armed:
            self.after_commit = True

    def _execute(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not (
            self.after_commit and self.reads and statement.lstrip().upper().startswith("SELECT")
        ):
            return
        self.reads -= 1
        self.killed += 1
        if not self.reads:
            self.armed = self.after_commit = False
        conn.connection.dbapi_connection.driver_connection.terminate()

    def remove(self) -> None:
        if not event.contains(self.engine, "commit", self._commit):
            return
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "before_cursor_execute", self._execute)


@pytest.fixture
async def faulty(clean_database: str) -> AsyncIterator[tuple[GraphQLClient, ConnectionKiller]]:
    """The app on PostgreSQL: the suite's database in CI's PostgreSQL pass, a private
    cluster otherwise (the fault kills asyncpg connections)."""
    async with AsyncExitStack() as stack:
        url = clean_database
        if not IS_POSTGRES:
            cluster = stack.enter_context(private_postgres())
            await asyncio.to_thread(run_migrations, cluster.url)
            url = cluster.url
        app, http = await stack.enter_async_context(
            running_app(test_settings(database_url=url, redis_url=None))
        )
        killer = ConnectionKiller(app)
        gql = GraphQLClient(http)
        gql.engine = app.state.services.engine  # type: ignore[attr-defined]
        yield gql, killer
        killer.remove()


async def _count(gql: GraphQLClient, sql: str, **params: Any) -> int:
    async with gql.engine.connect() as conn:  # type: ignore[attr-defined]
        return int((await conn.execute(text(sql), params)).scalar_one())


async def _circle(gql: GraphQLClient) -> str:
    await gql.onboard("owner", "Owner")
    await gql.onboard("bob", "Bob")
    circle_id = await create_circle(gql, "owner")
    await join(gql, "bob", circle_id)
    return circle_id


async def test_a_post_whose_read_back_loses_its_connection_is_reported_created_once(
    faulty: tuple[GraphQLClient, ConnectionKiller],
) -> None:
    gql, killer = faulty
    circle_id = await _circle(gql)
    killer.arm()
    created = await post(gql, "bob", circle_id, "Committed, then the connection died")
    assert killer.killed == 1
    assert created["body"] == "Committed, then the connection died"
    assert created["isMine"] is True
    assert await _count(gql, "SELECT count(*) FROM post WHERE body = :b", b=created["body"]) == 1


@pytest.mark.parametrize("what", ["reply", "reaction"])
async def test_replies_and_reactions_whose_read_back_fails_are_reported_done(
    faulty: tuple[GraphQLClient, ConnectionKiller], what: str
) -> None:
    gql, killer = faulty
    circle_id = await _circle(gql)
    created = await post(gql, "owner", circle_id, "Hard day")
    killer.arm()
    if what == "reply":
        data = await gql.data(
            REPLY, {"input": {"postId": created["id"], "body": "Here for you"}}, as_="bob"
        )
        payload = data["replyToPost"]
        assert payload["reply"]["body"] == "Here for you"
        table = "reply"
    else:
        data = await gql.data(
            REACT, {"input": {"targetId": created["id"], "kind": "HUG"}}, as_="bob"
        )
        payload = data["react"]
        assert payload["target"]["id"] == created["id"]
        table = "reaction"
    assert killer.killed == 1
    assert payload["userErrors"] == []
    assert await _count(gql, f"SELECT count(*) FROM {table}") == 1


async def test_a_committed_post_whose_read_back_keeps_failing_still_says_it_succeeded(
    faulty: tuple[GraphQLClient, ConnectionKiller],
) -> None:
    gql, killer = faulty
    circle_id = await _circle(gql)
    killer.arm(reads=50)  # every read-back try dies
    response = await gql(
        "mutation($input: CreatePostInput!) { createPost(input: $input) "
        "{ post { id } userErrors { code } } }",
        {"input": {"circleId": circle_id, "body": "Saved, not readable right now"}},
        as_="bob",
    )
    killer.remove()
    assert "errors" not in response, response
    assert response["data"]["createPost"] == {"post": None, "userErrors": []}
    assert (
        await _count(gql, "SELECT count(*) FROM post WHERE body = 'Saved, not readable right now'")
        == 1
    )


async def test_a_lost_database_is_a_retryable_error_without_sql(
    faulty: tuple[GraphQLClient, ConnectionKiller],
) -> None:
    gql, killer = faulty
    circle_id = await _circle(gql)
    killer.armed = killer.after_commit = True  # the next read, whatever it is
    killer.reads = 1
    response = await gql(
        "query($id: ID!) { node(id: $id) { ... on Circle { posts(first: 5) { edges { node { id } } } } } }",
        {"id": circle_id},
        as_="bob",
    )
    assert killer.killed == 1
    [error] = response["errors"]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryAfter": 2}
    assert "SELECT" not in error["message"]
    assert "database" in error["message"]
    # and the next request, on a fresh connection, is served
    again = await gql("{ me { displayName } }", as_="bob")
    assert again == {"data": {"me": {"displayName": "Bob"}}}
