"""A PostgreSQL restart under load: errors only while it is down, each a clear
SERVICE_UNAVAILABLE; the pool recovers by itself; every acknowledged post is kept."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.api.conftest import running_app
from tests.conftest import run_migrations, test_settings
from tests.support.circles import create_circle, join
from tests.support.graphql import GraphQLClient
from tests.support.private_postgres import private_postgres

CREATE = (
    "mutation($input: CreatePostInput!) { createPost(input: $input) "
    "{ post { id } userErrors { code } } }"
)


async def test_a_postgres_restart_under_load_loses_no_acknowledged_post(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hearth_log = logging.getLogger("hearth")  # the app's loggers do not propagate
    hearth_log.addHandler(caplog.handler)
    with private_postgres() as cluster:
        await asyncio.to_thread(run_migrations, cluster.url)
        settings = test_settings(
            database_url=cluster.url, redis_url=None, hearth_limit_posts_per_hour=100_000
        )
        async with running_app(settings) as (_app, http):
            gql = GraphQLClient(http)
            await gql.onboard("owner", "Owner")
            await gql.onboard("bob", "Bob")
            circle_id = await create_circle(gql, "owner")
            await join(gql, "bob", circle_id)
            acknowledged: list[str] = []
            refused: list[dict[str, Any]] = []
            outcomes: list[tuple[float, bool]] = []
            stop = asyncio.Event()

            async def writer(n: int) -> None:
                i = 0
                while not stop.is_set():
                    body = f"writer {n} post {i}"
                    i += 1
                    response = await gql.post(
                        CREATE, {"input": {"circleId": circle_id, "body": body}}, as_="bob"
                    )
                    assert response.status_code == 200, response.text
                    result = response.json()
                    ok = not result.get("errors")
                    outcomes.append((time.monotonic(), ok))
                    if ok:
                        assert result["data"]["createPost"]["userErrors"] == []
                        acknowledged.append(body)
                    else:
                        refused.extend(result["errors"])
                        await asyncio.sleep(0.05)

            writers = [asyncio.create_task(writer(n)) for n in range(3)]
            await asyncio.sleep(1.0)
            # when PostgreSQL restarts (fast shutdown, then start) under load
            down_at = time.monotonic()  # errors may start as soon as the shutdown does
            await asyncio.to_thread(cluster.stop, "fast")
            ready_while_down = await http.get("/readyz")
            await asyncio.sleep(1.0)
            await asyncio.to_thread(cluster.start)
            up_at = time.monotonic()
            await asyncio.sleep(3.0)
            ready_after = await http.get("/readyz")
            stop.set()
            await asyncio.gather(*writers)
        hearth_log.removeHandler(caplog.handler)
        # then errors came only while it was down, each typed and without SQL
        assert refused, "the restart was not noticed: the test proves nothing"
        for error in refused:
            assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryAfter": 2}, error
            assert (
                error["message"]
                == "Hearth can't reach its database right now. Please try again shortly."
            )
        assert all(ok for at, ok in outcomes if at < down_at)
        # and readiness said so while it was down, and is back
        assert ready_while_down.status_code == 503, ready_while_down.text
        assert ready_while_down.json()["checks"]["database"] != "ok"
        assert ready_after.status_code == 200, ready_after.text
        # and the pool recovered by itself, soon after the server was back
        first_ok_after = min(at for at, ok in outcomes if ok and at > up_at)
        assert first_ok_after - up_at < 2.0
        assert all(ok for at, ok in outcomes if at > first_ok_after)
        # and every acknowledged post is in the database
        engine = create_async_engine(cluster.url)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT body FROM post"))
            stored = {r[0] for r in rows}
        await engine.dispose()
        downtime = first_ok_after - down_at
        print(
            f"\nfault postgres-restart: acknowledged {len(acknowledged)}, found "
            f"{len(set(acknowledged) & stored)}, refused {len(refused)} (all SERVICE_UNAVAILABLE), "
            f"writes failing for {downtime:.1f} s, recovered {first_ok_after - up_at:.2f} s after "
            "the server was back"
        )
        assert set(acknowledged) <= stored
        assert len(acknowledged) > 20
        # and the log says when it went and when it came back, without a traceback each
        noisy = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name != "httpx"]
        assert [r.getMessage()[:40] for r in noisy if r.exc_info] == []
        assert len(noisy) <= 6, [r.getMessage() for r in noisy]
        assert any("reachable again" in r.getMessage() for r in noisy)
