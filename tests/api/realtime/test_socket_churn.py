"""Per-socket state is released on disconnect: a member whose app reconnects all day
(mobile networks) leaves nothing behind on the server. Counted, not timed: after many
sockets have come and gone, the event bus has no subscriptions left, the
connection counter has no entry (the account-deletion watch is a bus listener), and
no token-expiry timer or closing task is left on the loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from starlette.applications import Starlette

from api.app import create_app
from api.realtime import websocket as realtime
from tests.conftest import test_settings
from tests.support.circles import create_circle
from tests.support.graphql import GraphQLClient
from tests.support.live import subscriptions_reach, ws_client
from tests.support.waiting import eventually

ACTIVITY = "subscription($id: ID!) { circleActivity(circleId: $id) { __typename } }"
SOCKETS = 40


@asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def socket_timers() -> list[asyncio.TimerHandle]:
    """Token-expiry timers still scheduled on the loop (asyncio keeps them in
    ``_scheduled``), and sockets still closing."""
    loop = asyncio.get_running_loop()
    scheduled: list[asyncio.TimerHandle] = loop._scheduled  # type: ignore[attr-defined]
    timers = [h for h in scheduled if not h.cancelled() and h._callback is realtime._close_soon]  # type: ignore[attr-defined]
    closing = [
        t
        for t in asyncio.all_tasks()
        if not t.done() and getattr(t.get_coro(), "cr_code", None) is realtime._close.__code__
    ]
    return [*timers, *closing]


async def test_sockets_that_come_and_go_leave_no_state_behind(clean_database: str) -> None:
    app = create_app(test_settings())
    async with served(app) as base, httpx.AsyncClient(base_url=f"http://{base}") as http:
        gql = GraphQLClient(http)
        await gql.onboard("alice", "Alice")
        circle_id = await create_circle(gql, "alice")
        services = app.state.services

        # while sockets are open, each holds its deletion watch and its subscriptions
        # (a dev token has no expiry: no timer)
        async with ws_client(base, "dev:alice") as ws:
            await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
            assert services.bus.fanout.subscriber_count == 2  # the circle, the member

        # when a member's app reconnects many times, subscribing each time
        for _ in range(SOCKETS):
            async with ws_client(base, "dev:alice") as ws:
                await ws.subscribe_registered(ACTIVITY, {"id": circle_id})

        # then nothing of those sockets is left once they are closed
        await subscriptions_reach(base, 0)

        def released() -> bool:
            return (
                services.bus.fanout.subscriber_count == 0
                and not services.ws_connections
                and socket_timers() == []
            )

        await eventually(released, "every socket's state released", 10)
