"""Fan-out across server instances through Redis: two uvicorn processes share the
database and Redis; a subscriber on one sees a write made on the other."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATABASE_URL
from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HEARTH_ENV": "test",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "HEARTH_SIGN_IN": "dev",
        "HEARTH_LOG_LEVEL": "WARNING",
        "HEARTH_EMBEDDED_WORKER": "false",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:create_app",
        "--factory",
        "--port",
        str(port),
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@pytest.fixture
def two_servers(clean_database: str) -> Iterator[tuple[int, int]]:
    ports = (_free_port(), _free_port())
    processes = [_start(port) for port in ports]
    try:
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)


async def test_a_subscriber_on_one_instance_sees_a_post_made_on_the_other(
    two_servers: tuple[int, int],
) -> None:
    a, b = two_servers
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{a}") as http_a:
        for port in (a, b):

            async def ready(port: int = port) -> bool:
                try:
                    response = await http_a.get(f"http://127.0.0.1:{port}/readyz")
                except httpx.TransportError:
                    return False
                return response.status_code == 200

            await eventually(ready, f"instance on {port} ready", timeout=90)
        gql_a = GraphQLClient(http_a)
        await gql_a.onboard("owner", "Owner")
        await gql_a.onboard("bob", "Bob")
        circle_id = await create_circle(gql_a, "owner")
        await join(gql_a, "bob", circle_id)
        async with ws_client(f"127.0.0.1:{b}", "dev:bob") as ws:
            await ws.subscribe_registered(
                "subscription($id: ID!) { circleActivity(circleId: $id) { __typename ... on PostCreated { post { body } } } }",
                {"id": circle_id},
            )
            await post(gql_a, "owner", circle_id, "Written on instance A")
            event = (await ws.next_data(timeout=10))["data"]["circleActivity"]
    assert event == {"__typename": "PostCreated", "post": {"body": "Written on instance A"}}
