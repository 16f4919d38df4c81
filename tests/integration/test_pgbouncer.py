"""Behind a real PgBouncer in transaction pooling mode, with HEARTH_DB_STATEMENT_CACHE=0,
the app works: writes, the feed (on the asyncpg read lane, and rendered by PostgreSQL for a
known document), concurrent requests."""

from __future__ import annotations

import asyncio

from api.observability import STORE_RENDERED
from tests.api.conftest import running_app
from tests.conftest import run_migrations, test_settings
from tests.support.circles import FEED, create_circle, join, post, reply
from tests.support.graphql import GraphQLClient, send_persisted
from tests.support.pgbouncer import pgbouncer
from tests.support.private_postgres import private_postgres


async def test_the_app_works_through_pgbouncer_in_transaction_mode() -> None:
    with private_postgres() as cluster:
        await asyncio.to_thread(run_migrations, cluster.url)
        with pgbouncer(cluster) as url:
            settings = test_settings(database_url=url, redis_url=None, hearth_db_statement_cache=0)
            async with running_app(settings) as (_app, http):
                gql = GraphQLClient(http)
                await gql.onboard("owner", "Owner")
                await gql.onboard("bob", "Bob")
                circle_id = await create_circle(gql, "owner")
                await join(gql, "bob", circle_id)
                created = await post(gql, "bob", circle_id, "Through the bouncer")
                await reply(gql, "owner", created["id"], "Heard you")

                async def read() -> int:
                    data = await gql.data(FEED, {"id": circle_id, "first": 20}, as_="owner")
                    return len(data["node"]["posts"]["edges"])

                # many concurrent transactions share PgBouncer's 4 server connections
                counts = await asyncio.gather(*(read() for _ in range(40)))
                assert counts == [1] * 40
                # and as a known document, its page rendered by PostgreSQL (api.posts.rendered)
                rendered = STORE_RENDERED._value.get()
                variables = {"id": circle_id, "first": 20}
                answers = await asyncio.gather(
                    *(send_persisted(http, FEED, variables, "owner") for _ in range(20))
                )
                expected = await gql.data(FEED, variables, as_="owner")
                assert answers == [(200, {"data": expected})] * 20
                assert STORE_RENDERED._value.get() == rendered + 20
                writes = await asyncio.gather(
                    *(post(gql, "bob", circle_id, f"post {n}") for n in range(10))
                )
                assert len({w["id"] for w in writes}) == 10
