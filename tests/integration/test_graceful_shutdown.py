"""SIGTERM to a real uvicorn serving Hearth: it stops accepting, finishes the request
in flight, closes websockets with 1012 so that clients reconnect elsewhere, and ends
as documented (uvicorn re-raises SIGTERM after its graceful shutdown)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import run_migrations
from tests.support.circles import CREATE_CIRCLE, CREATE_POST, JOIN
from tests.support.graphql import ONBOARD

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _gql(http: httpx.AsyncClient, uid: str, query: str, variables: dict) -> dict:  # type: ignore[type-arg]
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer dev:{uid}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]  # type: ignore[no-any-return]


async def _read_until_closed(ws: websockets.ClientConnection) -> None:
    while True:
        await asyncio.wait_for(ws.recv(), 5)


def _onboarding(name: str) -> dict[str, object]:
    return {
        "input": {
            "displayName": name,
            "timezone": "Europe/London",
            "region": "GB",
            "confirmsAdult": True,
            "acceptedGuidelinesVersion": "2026-11",
        }
    }


async def test_sigterm_finishes_the_request_in_flight_and_closes_sockets_with_1012() -> None:
    folder = Path(tempfile.mkdtemp(prefix="hearth-shutdown-"))
    database = folder / "hearth.sqlite3"
    url = f"sqlite+aiosqlite:///{database}"
    await asyncio.to_thread(run_migrations, url)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARTH_", "REDIS_"))}
    env.update(
        DATABASE_URL=url,
        HEARTH_ENV="development",
        HEARTH_SIGN_IN="dev",
        HEARTH_EMBEDDED_WORKER="false",
        HEARTH_LOG_LEVEL="WARNING",
    )
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, then only signalled
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--timeout-graceful-shutdown",
            "10",
            "--ws",
            "websockets-sansio",  # as production serves (README)
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lock = None
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            deadline = time.monotonic() + 60  # a busy machine starts slowly
            while True:
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start"
                    await asyncio.sleep(0.1)
            await _gql(http, "alice", ONBOARD, _onboarding("Alice"))
            await _gql(http, "bob", ONBOARD, _onboarding("Bob"))
            circle = await _gql(
                http,
                "alice",
                CREATE_CIRCLE,
                {
                    "input": {
                        "name": "Late",
                        "description": "x",
                        "topics": ["LONELINESS"],
                        "visibility": "PUBLIC",
                    }
                },
            )
            circle_id = circle["createCircle"]["circle"]["id"]
            await _gql(http, "bob", JOIN, {"input": {"circleId": circle_id}})
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]
            ) as ws:
                await ws.send(
                    json.dumps({"type": "connection_init", "payload": {"authToken": "dev:bob"}})
                )
                assert json.loads(await ws.recv())["type"] == "connection_ack"
                # given a write in flight: it waits for the database's write lock
                lock = sqlite3.connect(database, timeout=1)
                lock.execute("BEGIN IMMEDIATE")
                in_flight = asyncio.create_task(
                    http.post(
                        "/graphql",
                        json={
                            "query": CREATE_POST,
                            "variables": {"input": {"circleId": circle_id, "body": "Mid-deploy"}},
                        },
                        headers={"Authorization": "Bearer dev:alice"},
                    )
                )
                await asyncio.sleep(0.5)
                assert not in_flight.done()
                # when the process is told to stop
                started = time.monotonic()
                server.send_signal(signal.SIGTERM)
                # then websockets close at once with 1012 (service restart: reconnect)
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await _read_until_closed(ws)
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 1012
                assert time.monotonic() - started < 3
            # and new connections are no longer accepted
            await asyncio.sleep(0.3)
            try:
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as fresh:
                    await fresh.get("/healthz")
                accepted = True
            except httpx.TransportError:
                accepted = False
            assert not accepted
            # and the request in flight still completes once it can
            lock.rollback()
            response = await asyncio.wait_for(in_flight, 15)
            assert response.status_code == 200
            payload = response.json()["data"]["createPost"]
            assert payload["userErrors"] == []
            assert payload["post"]["body"] == "Mid-deploy"
        # and the process ends by re-raising SIGTERM after the graceful shutdown
        assert server.wait(timeout=15) == -signal.SIGTERM
        with sqlite3.connect(database) as check:
            assert check.execute(
                "SELECT count(*) FROM post WHERE body = 'Mid-deploy'"
            ).fetchone() == (1,)
    finally:
        if lock is not None:
            lock.close()
        if server.poll() is None:
            server.kill()
            server.wait()
