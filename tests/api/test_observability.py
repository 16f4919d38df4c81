"""What operators see: operations by name and type (a bounded label set), the outbox
backlog, the pool, event lag; and access log lines naming the operation and a
pseudonym of the member, never the member's id."""

from __future__ import annotations

import asyncio
import logging
import re
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from infra.metrics import MAX_OPERATION_NAMES, operation_label
from tests.api.conftest import running_app
from tests.conftest import IS_POSTGRES, run_migrations, test_settings
from tests.support.circles import create_circle, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.private_postgres import private_postgres
from tests.support.waiting import eventually


def _metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + ("{" if labels else " ")):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} {labels} not in the metrics")


async def test_operations_are_measured_by_name_and_type(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    await gql.onboard("alice", "Alice")
    before = (await http.get("/metrics")).text
    name = "hearth_graphql_operation_duration_seconds_count"
    try:
        count_before = _metric(before, name, operation="MyProfile", type="query")
    except AssertionError:
        count_before = 0.0
    for _ in range(3):
        await gql.data("query MyProfile { me { id } }", as_="alice")
    after = (await http.get("/metrics")).text
    assert _metric(after, name, operation="MyProfile", type="query") == count_before + 3


def test_operation_names_fold_into_other_past_the_bound_or_when_odd() -> None:
    assert operation_label(None) == "anonymous"
    assert operation_label("drop table;") == "other"
    for n in range(MAX_OPERATION_NAMES + 5):
        operation_label(f"Generated{n}")
    assert operation_label("NeverSeenBefore") == "other"


async def test_the_outbox_backlog_and_the_pool_are_read_at_scrape_time(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    await gql.onboard("alice", "Alice")
    await gql.onboard("bob", "Bob")
    circle_id = await create_circle(gql, "alice")
    await gql.data(
        "mutation($id: ID!) { joinCircle(input: {circleId: $id}) { userErrors { code } } }",
        {"id": circle_id},
        as_="bob",
    )
    created = await post(gql, "alice", circle_id, "Hello")
    await reply(gql, "bob", created["id"], "Hi")  # alice's reply notification: pending
    text = (await http.get("/metrics")).text
    assert _metric(text, "hearth_outbox_backlog") >= 1
    assert _metric(text, "hearth_outbox_oldest_pending_seconds") >= 0
    assert _metric(text, "hearth_db_pool_in_use") >= 0
    assert "hearth_event_delivery_lag_seconds_bucket" in text


async def test_a_request_waiting_for_a_database_connection_shows_on_the_pool_waiting_gauge(
    clean_database: str,
) -> None:
    async with AsyncExitStack() as stack:
        url = clean_database
        if not IS_POSTGRES:  # the pool's size applies to PostgreSQL
            cluster = stack.enter_context(private_postgres())
            await asyncio.to_thread(run_migrations, cluster.url)
            url = cluster.url
        settings = test_settings(
            database_url=url, redis_url=None, hearth_db_pool_size=1, hearth_db_max_overflow=0
        )
        app, http = await stack.enter_async_context(running_app(settings))
        gql = GraphQLClient(http)
        await gql.onboard("alice", "Alice")

        async def waiting() -> float:
            return _metric((await http.get("/metrics")).text, "hearth_db_pool_waiting")

        before = await waiting()
        # given the pool's only connection checked out
        async with app.state.services.engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            # when a request needs the database
            request = asyncio.create_task(gql.data("query { me { id } }", as_="alice"))

            # then the gauge counts it while it waits
            async def counted() -> float | None:
                during = await waiting()
                return during if during - before >= 1 else None

            during = await eventually(counted, "the waiting request on the gauge", 20, 0.1)
            assert not request.done()
        # and once the connection is back, the request is answered and nothing waits
        answered = await asyncio.wait_for(request, 10)
        assert answered["me"]["id"]
        assert await waiting() == before
    assert during - before == 1


async def test_access_log_lines_name_the_operation_and_a_pseudonym_of_the_member(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    member_id = await gql.onboard("alice", "Alice")
    access = logging.getLogger("hearth.access")
    access.addHandler(caplog.handler)
    try:
        await gql.data("query MyProfile { me { id } }", as_="alice")
    finally:
        access.removeHandler(caplog.handler)
    lines = [r for r in caplog.records if getattr(r, "operation", None) == "MyProfile"]
    assert lines  # (the record may reach the capture twice through propagation)
    line = lines[0]
    pseudonym: Any = line.member  # type: ignore[attr-defined]
    assert re.fullmatch(r"[0-9a-f]{16}", pseudonym)
    assert pseudonym not in member_id
