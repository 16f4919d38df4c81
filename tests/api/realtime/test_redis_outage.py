"""When Redis drops, writes still succeed, /readyz reports it, the bus reconnects
with backoff, subscribers are told to refetch, and events flow again."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import test_settings
from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient
from tests.support.live import WsClient, live_server, ws_client
from tests.support.waiting import eventually

ACTIVITY = """subscription($id: ID!) { circleActivity(circleId: $id) {
  __typename ... on PostCreated { post { body } } } }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis(port: int) -> subprocess.Popen[bytes]:
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def private_redis() -> Iterator[tuple[int, list[subprocess.Popen[bytes]]]]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for this test (it runs on every Hearth machine)")
    port = _free_port()
    processes = [_redis(port)]
    yield port, processes
    for process in processes:
        process.kill()
        process.wait(5)


async def _readiness(http: httpx.AsyncClient, want: int) -> dict[str, str]:
    async def answered() -> dict[str, str] | None:
        response = await http.get("/readyz")
        return response.json()["checks"] if response.status_code == want else None

    return await eventually(answered, f"/readyz answering {want}")


def _accepts(port: int) -> bool:
    """Whether something listens on the loopback port yet."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


async def test_a_redis_outage_is_reported_and_recovered_from(
    clean_database: str, private_redis: tuple[int, list[subprocess.Popen[bytes]]]
) -> None:
    port, processes = private_redis
    await eventually(lambda: _accepts(port), f"redis-server listening on {port}")
    settings = test_settings(redis_url=f"redis://127.0.0.1:{port}/0")
    async with live_server(settings) as base, httpx.AsyncClient(base_url=f"http://{base}") as http:
        gql = GraphQLClient(http)
        await _readiness(http, 200)
        await gql.onboard("owner", "Owner")
        await gql.onboard("bob", "Bob")
        circle_id = await create_circle(gql, "owner")
        await join(gql, "bob", circle_id)
        async with ws_client(base, "dev:bob") as ws:
            await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
            # when Redis dies
            processes[0].kill()
            processes[0].wait(5)
            checks = await _readiness(http, 503)
            assert checks["events"].startswith("reconnecting")
            # then writes still succeed
            await post(gql, "owner", circle_id, "Written while Redis was down")
            # and when Redis is back, the bus reconnects and tells subscribers to refetch
            processes.append(_redis(port))
            await _readiness(http, 200)
            gap = (await ws.next_data(timeout=10))["data"]["circleActivity"]
            assert gap["__typename"] == "EventsMayHaveBeenMissed"
            await post(gql, "owner", circle_id, "Written after Redis came back")
            # (the post written during the outage and the reconnection each send a notice)
            event = (await ws.next_data(timeout=10))["data"]["circleActivity"]
            while event["__typename"] == "EventsMayHaveBeenMissed":
                event = (await ws.next_data(timeout=10))["data"]["circleActivity"]
    assert event == {"__typename": "PostCreated", "post": {"body": "Written after Redis came back"}}


async def _collect(ws: WsClient, into: list[tuple[float, dict[str, Any]]]) -> None:
    while True:
        event = (await ws.next_data(timeout=60))["data"]["circleActivity"]
        into.append((time.monotonic(), event))


async def test_every_event_is_delivered_or_covered_by_a_notice_across_a_redis_restart(
    clean_database: str,
    private_redis: tuple[int, list[subprocess.Popen[bytes]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    port, processes = private_redis
    await asyncio.sleep(0.3)
    settings = test_settings(redis_url=f"redis://127.0.0.1:{port}/0")
    hearth_log = logging.getLogger("hearth")  # the app's loggers do not propagate
    hearth_log.addHandler(caplog.handler)
    async with live_server(settings) as base, httpx.AsyncClient(base_url=f"http://{base}") as http:
        gql = GraphQLClient(http)
        await _readiness(http, 200)
        await gql.onboard("owner", "Owner")
        await gql.onboard("bob", "Bob")
        circle_id = await create_circle(gql, "owner")
        await join(gql, "bob", circle_id)
        async with ws_client(base, "dev:bob") as ws:
            await ws.subscribe(ACTIVITY, {"id": circle_id})
            await _readiness(http, 200)
            received: list[tuple[float, dict[str, Any]]] = []
            collector = asyncio.create_task(_collect(ws, received))
            sent: list[tuple[float, str]] = []

            async def write(body: str) -> None:
                sent.append((time.monotonic(), body))
                await post(gql, "owner", circle_id, body)

            # Events flow (and the pool holds connections that Redis will forget).
            for n in range(3):
                await write(f"before {n}")
            # when Redis restarts, while members keep writing
            processes[0].kill()
            processes[0].wait(5)
            for n in range(5):
                await write(f"during {n}")
            processes.append(_redis(port))
            await _readiness(http, 200)
            # then the writes right after it come back meet stale pooled connections
            for n in range(10):
                await write(f"after {n}")
            await write("last")
            for _ in range(100):
                if any(e.get("post", {}).get("body") == "last" for _, e in received):
                    break
                await asyncio.sleep(0.05)
            collector.cancel()
    hearth_log.removeHandler(caplog.handler)
    delivered = {e["post"]["body"] for _, e in received if e["__typename"] == "PostCreated"}
    notices = [at for at, e in received if e["__typename"] == "EventsMayHaveBeenMissed"]
    assert {f"before {n}" for n in range(3)} | {"last"} <= delivered
    uncovered = [
        body
        for at, body in sent
        if body not in delivered and not any(notice >= at for notice in notices)
    ]
    assert uncovered == [], f"lost without notice: {uncovered}"
    assert {f"after {n}" for n in range(10)} <= delivered  # retried on a fresh connection
    # One log line per transition (down, up) and part, not a traceback per failed publish:
    # the event bus (its stream and its publishing), the rate limiter and, when the app's
    # operations are persisted (HEARTH_TEST_PERSISTED=1), the persisted-query store.
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    per_logger = Counter(r.name for r in lines)
    budget = {"hearth.events": 4}
    assert all(n <= budget.get(name, 2) for name, n in per_logger.items()), [
        r.getMessage() for r in lines
    ]
    assert [r.getMessage() for r in lines if r.exc_info] == []
