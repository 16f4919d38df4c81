"""A client that stops reading slows no one else down, and does not stay forever.

A real uvicorn server on a loopback port, real websockets: one client subscribes to a
circle's activity and then never reads again (its receive buffer is small, so the
server's buffers fill after a few dozen large posts). The other subscribers must get
every post, in order, and the server must drop the stalled socket once a send to it
has waited ``HEARTH_WS_SEND_TIMEOUT_SECONDS``, releasing its subscription and the
member's connection slot. Counted, not timed (``bench/realtime.py --stalled`` measures
the others' delays)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import subprocess
import sys
from base64 import b64encode
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
import websockets

from bench.realtime import stalled_subscriber
from tests.conftest import DATABASE_URL, test_settings
from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server, subscriptions_reach, ws_client
from tests.support.waiting import eventually

ACTIVITY = (
    "subscription($id: ID!) { circleActivity(circleId: $id) { __typename "
    "... on PostCreated { post { body } } } }"
)
READERS = 4
ROOT = Path(__file__).resolve().parents[3]
MOST_POSTS = 120  # 600 KB of post bodies: far more than a stalled socket's buffers hold


async def stalled_metric(base: str) -> float:
    async with httpx.AsyncClient(base_url=f"http://{base}") as http:
        text = (await http.get("/metrics")).text
    found = re.search(r"^hearth_websocket_stalled_total (\S+)$", text, re.MULTILINE)
    assert found is not None, "no hearth_websocket_stalled_total counter on /metrics"
    return float(found[1])


async def read_to_the_end(ws: websockets.ClientConnection) -> None:
    while True:
        await ws.recv()


def body(n: int) -> str:
    """A post of 5,000 characters that compression cannot shrink much."""
    return f"{n:04d} " + b64encode(os.urandom(3_747)).decode()[:4_995]


BUSY_CIRCLE = {"hearth_limit_posts_per_hour": 1_000, "hearth_ws_send_timeout_seconds": 1.0}


def _start(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HEARTH_ENV": "test",
        "DATABASE_URL": DATABASE_URL,
        "HEARTH_SIGN_IN": "dev",
        "HEARTH_LOG_LEVEL": "WARNING",
        "HEARTH_EMBEDDED_WORKER": "false",
        **{name.upper(): str(value) for name, value in BUSY_CIRCLE.items()},
    }
    command = [
        *(sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"),
        *("--port", str(port), "--loop", "uvloop", "--http", "httptools"),
        *("--ws", "websockets-sansio", "--ws-per-message-deflate", "false"),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)


@asynccontextmanager
async def uvicorn_process() -> AsyncIterator[str]:
    """The app as production serves it: its own uvicorn process, on uvloop (whose
    transports are not asyncio's classes)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = _start(port)
    base = f"127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=f"http://{base}") as http:

            async def ready() -> bool:
                with contextlib.suppress(httpx.TransportError):
                    return (await http.get("/readyz")).status_code == 200
                return False

            await eventually(ready, "the uvicorn process serving", 30)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def serving(loop: str) -> AbstractAsyncContextManager[str]:
    if loop == "uvloop":
        return uvicorn_process()
    return live_server(test_settings(**BUSY_CIRCLE))  # in this process, on asyncio


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
async def test_a_client_that_stops_reading_is_dropped_while_the_others_get_every_post(
    clean_database: str, loop: str
) -> None:
    async with (
        serving(loop) as base,
        httpx.AsyncClient(base_url=f"http://{base}", timeout=30) as http,
    ):
        gql = GraphQLClient(http)
        await gql.onboard("alice", "Alice")
        await gql.onboard("sam", "Sam")
        circle_id = await create_circle(gql, "alice")
        await join(gql, "sam", circle_id)
        stalled_before = await stalled_metric(base)

        # given a member whose client subscribes, then stops reading
        stalled = await stalled_subscriber(base, "sam", circle_id, ACTIVITY)
        await subscriptions_reach(base, 1)

        # and members whose clients read
        async with (
            ws_client(base, "dev:alice") as r1,
            ws_client(base, "dev:alice") as r2,
            ws_client(base, "dev:sam") as r3,
            ws_client(base, "dev:sam") as r4,
        ):
            readers = [r1, r2, r3, r4]
            for reader in readers:
                await reader.subscribe_registered(ACTIVITY, {"id": circle_id})
            assert len(readers) == READERS
            received: list[list[str]] = [[] for _ in readers]

            async def read(index: int, count: int) -> None:
                while len(received[index]) < count:
                    payload = await readers[index].next_data(timeout=30)
                    assert not payload.get("errors"), payload
                    activity = payload["data"]["circleActivity"]
                    received[index].append(activity["post"]["body"])

            # when the circle gets many large posts, until the stalled socket is dropped
            sent: list[str] = []
            for n in range(MOST_POSTS):
                text = body(n)
                await post(gql, "alice", circle_id, text)
                sent.append(text)
                await asyncio.gather(*(read(i, len(sent)) for i in range(READERS)))
                if await stalled_metric(base) > stalled_before:
                    break

            # then every reader got every post, in order
            assert all(bodies == sent for bodies in received)
            # and the server dropped the stalled socket, and only it
            assert await stalled_metric(base) == stalled_before + 1, (
                f"the stalled socket was still open after {len(sent)} posts"
            )
            # its subscription ended: only the readers' remain
            await subscriptions_reach(base, READERS, timeout=10)
            # and the readers still hear the circle
            await post(gql, "alice", circle_id, "still here")
            for reader in readers:
                payload = await reader.next_data(timeout=10)
                assert payload["data"]["circleActivity"]["post"]["body"] == "still here"

        # the stalled member's connection slot is free again: five new sockets open
        async def five_open() -> bool:
            try:
                async with (
                    ws_client(base, "dev:sam"),
                    ws_client(base, "dev:sam"),
                    ws_client(base, "dev:sam"),
                    ws_client(base, "dev:sam"),
                    ws_client(base, "dev:sam"),
                ):
                    return True
            except (AssertionError, websockets.ConnectionClosed):
                return False

        await eventually(five_open, "the stalled member's connection slot was released")
        # and the stalled client, reading again, finds its connection reset
        with pytest.raises(websockets.ConnectionClosedError):
            await asyncio.wait_for(read_to_the_end(stalled), 10)
