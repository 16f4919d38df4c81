"""What an idle websocket costs the server: RSS per authenticated connection with one
live subscription, as the slope over 0, 1,000, 2,000 and 5,000 connections.

    uv run python -m bench.socket_memory [--steps 0,1000,2000,5000] [--deflate]

The server runs as the README serves it (uvicorn, ``--ws websockets-sansio``; uvloop
and httptools, which ``uvicorn[standard]`` brings), with permessage-deflate off unless
``--deflate`` (the client then offers it and the server accepts). Every socket signs in
(``connection_init`` with a dev token) and subscribes to ``circleActivity`` of one
circle; the RSS is read from /proc after the server counts every subscription active
and a second of quiet. The slope is a least-squares fit, in KiB per connection.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import websockets

from bench.servers import wait_ready

ROOT = Path(__file__).resolve().parent.parent
ACTIVITY = (
    "subscription($id: ID!) { circleActivity(circleId: $id) { __typename committedAt "
    "... on PostCreated { post { id body isMine author { displayName } } } } }"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _slope(points: list[tuple[int, int]]) -> float:
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def _start_server(port: int, steps: list[int], deflate: bool) -> subprocess.Popen[bytes]:
    db = Path(tempfile.mkdtemp(prefix="hearth-sockets-")) / "db.sqlite3"
    env = {
        **os.environ,
        "HEARTH_ENV": "development",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{db}",
        "HEARTH_SIGN_IN": "dev",
        "HEARTH_LOG_LEVEL": "WARNING",
        "HEARTH_EMBEDDED_WORKER": "false",
        "HEARTH_WS_MAX_CONNECTIONS_PER_MEMBER": str(max(steps) + 1),
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env=env, check=True
    )
    command = [
        *(sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"),
        *("--port", str(port), "--ws", "websockets-sansio", "--no-access-log"),
        *("--ws-per-message-deflate", str(deflate).lower(), "--log-level", "warning"),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


async def _gql(http: httpx.AsyncClient, query: str, variables: dict) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": "Bearer dev:socket-memory"},
    )
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


async def _active(http: httpx.AsyncClient) -> int:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith("hearth_subscriptions_active "):
            return int(float(line.split()[1]))
    return 0


async def run(steps: list[int], deflate: bool) -> dict:
    port = _free_port()
    server = _start_server(port, steps, deflate)
    base = f"127.0.0.1:{port}"
    sockets: list[websockets.ClientConnection] = []
    points: list[tuple[int, int]] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://{base}", timeout=60) as http:
            await wait_ready(http)
            onboard = (
                "mutation($i: CompleteOnboardingInput!) { completeOnboarding(input: $i) "
                "{ userErrors { code } } }"
            )
            profile = {
                "displayName": "Socket memory",
                "timezone": "Europe/London",
                "region": "GB",
                "confirmsAdult": True,
                "acceptedGuidelinesVersion": "2026-11",
            }
            await _gql(http, onboard, {"i": profile})
            created = await _gql(
                http,
                "mutation($i: CreateCircleInput!) { createCircle(input: $i) { circle { id } } }",
                {
                    "i": {
                        "name": "Socket memory",
                        "description": "",
                        "topics": ["OTHER"],
                        "visibility": "PUBLIC",
                        "capacity": 100,
                    }
                },
            )
            circle_id = created["createCircle"]["circle"]["id"]

            async def open_one() -> None:
                ws = await websockets.connect(
                    f"ws://{base}/graphql",
                    subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
                    compression="deflate" if deflate else None,
                    ping_interval=None,
                    open_timeout=120,
                )
                init = {"type": "connection_init", "payload": {"authToken": "dev:socket-memory"}}
                await ws.send(json.dumps(init))
                await ws.recv()
                payload = {"query": ACTIVITY, "variables": {"id": circle_id}}
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
                sockets.append(ws)

            for step in steps:
                while len(sockets) < step:
                    await asyncio.gather(
                        *(open_one() for _ in range(min(200, step - len(sockets))))
                    )
                while await _active(http) < step:
                    await asyncio.sleep(0.2)
                await asyncio.sleep(1.0)
                points.append((step, _rss_kib(server.pid)))
    finally:
        for ws in sockets:
            ws.transport.abort()
        server.terminate()
        server.wait(20)
    return {
        "rss_kib": dict(points),
        "kib_per_connection": round(_slope(points), 1),
        "per_message_deflate": deflate,
        "ws": "websockets-sansio",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="0,1000,2000,5000")
    parser.add_argument("--deflate", action="store_true", help="permessage-deflate on")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    print(json.dumps(asyncio.run(run(steps, args.deflate)), indent=2))


if __name__ == "__main__":
    main()
