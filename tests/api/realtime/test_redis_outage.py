"""When Redis drops, writes still succeed, /readyz reports it, the bus reconnects
with backoff, subscribers are told to refetch, and events flow again."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import test_settings
from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server, ws_client
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
            event = (await ws.next_data(timeout=10))["data"]["circleActivity"]
    assert event == {"__typename": "PostCreated", "post": {"body": "Written after Redis came back"}}
