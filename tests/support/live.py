"""A real uvicorn server on a loopback port, and a graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
import websockets

from api.app import create_app
from infra.settings import Settings
from tests.support.waiting import eventually


@asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[str]:
    """Serve the app with uvicorn (real sockets, real websockets); yields the base URL."""
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="on",
        ws="websockets-sansio",  # as production serves (README)
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def active_subscriptions(base: str) -> int:
    """The server's ``hearth_subscriptions_active`` gauge, read from its /metrics."""
    async with httpx.AsyncClient(base_url=f"http://{base}") as http:
        text = (await http.get("/metrics")).text
    found = re.search(r"^hearth_subscriptions_active (\S+)$", text, re.MULTILINE)
    assert found is not None, "no hearth_subscriptions_active gauge on /metrics"
    return int(float(found[1]))


async def subscriptions_reach(base: str, count: int, timeout: float = 5.0) -> None:
    """Wait until the server at ``base`` streams exactly ``count`` subscriptions (so a
    subscription is registered on the event bus before a test writes); fails the
    test when it never does."""

    async def reached() -> bool:
        return await active_subscriptions(base) == count

    await eventually(reached, f"{count} active subscriptions on {base}", timeout)


class WsClient:
    """Speaks graphql-transport-ws (or legacy graphql-ws) to the server at ``base``."""

    def __init__(self, connection: Any, protocol: str, base: str = "") -> None:
        self.connection = connection
        self.protocol = protocol
        self.base = base
        self._next_id = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        while True:
            raw = await asyncio.wait_for(self.connection.recv(), timeout)
            message: dict[str, Any] = json.loads(raw)
            if message.get("type") not in ("ping", "pong", "ka"):
                return message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        op_id = str(self._next_id)
        kind = "subscribe" if self.protocol == "graphql-transport-ws" else "start"
        await self.send(
            {"id": op_id, "type": kind, "payload": {"query": query, "variables": variables or {}}}
        )
        return op_id

    async def subscribe_registered(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> str:
        """Subscribe, then wait until the server counts one more active subscription:
        from then on the subscription hears every event published."""
        before = await active_subscriptions(self.base)
        op_id = await self.subscribe(query, variables)
        await subscriptions_reach(self.base, before + 1)
        return op_id

    async def next_data(self, timeout: float = 5.0) -> dict[str, Any]:
        message = await self.receive(timeout)
        assert message["type"] in ("next", "data"), message
        payload: dict[str, Any] = message["payload"]
        return payload


@asynccontextmanager
async def ws_client(
    base: str, token: str | None, protocol: str = "graphql-transport-ws"
) -> AsyncIterator[WsClient]:
    async with websockets.connect(f"ws://{base}/graphql", subprotocols=[protocol]) as connection:
        client = WsClient(connection, protocol, base)
        payload = {"authToken": token} if token is not None else {}
        await client.send({"type": "connection_init", "payload": payload})
        ack = await client.receive()
        assert ack["type"] == "connection_ack", ack
        yield client
