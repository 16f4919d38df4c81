"""Limits: connections per member, and a slow subscriber's bounded queue."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from uuid import uuid4

import pytest
import websockets
from prometheus_client import REGISTRY
from starlette.applications import Starlette

import api.realtime.subscriptions as subscriptions
from api.context import Context
from api.node import from_global_id
from domain.events import Event, EventKind
from tests.support.circles import create_circle
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client
from tests.support.waiting import eventually


async def test_a_sixth_connection_for_one_member_is_refused(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    await gql.onboard("alice", "Alice")
    async with AsyncExitStack() as stack:
        for _ in range(5):
            await stack.enter_async_context(ws_client(base, "dev:alice"))
        async with websockets.connect(
            f"ws://{base}/graphql", subprotocols=["graphql-transport-ws"]
        ) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"authToken": "dev:alice"}})
            )
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4430
    # and once the others are closed, alice can connect again
    async with ws_client(base, "dev:alice"):
        pass


def active_here() -> float:
    """This process's ``hearth_subscriptions_active`` gauge."""
    return REGISTRY.get_sample_value("hearth_subscriptions_active") or 0.0


async def test_a_subscriber_that_falls_behind_is_told_to_refetch(
    gql: GraphQLClient, app_and_http: tuple[Starlette, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a subscription whose queue holds a single event
    app = app_and_http[0]
    monkeypatch.setattr(subscriptions, "QUEUE_SIZE", 1)
    await gql.onboard("alice", "Alice")
    circle_id = await create_circle(gql, "alice")
    services = app.state.services
    context = Context.from_authorization(services, "Bearer dev:alice")
    schema = app.routes[0].endpoint.schema  # the GraphQL view's schema
    before = active_here()
    stream = await schema.subscribe(
        "subscription($id: ID!) { circleActivity(circleId: $id) { __typename } }",
        variable_values={"id": circle_id},
        context_value=context,
    )
    first = asyncio.ensure_future(stream.__anext__())
    await eventually(lambda: active_here() == before + 1, "the subscription registered")
    # when three events arrive at once
    parsed = from_global_id(circle_id)
    assert parsed is not None
    someone = uuid4()
    await services.bus.publish([Event(EventKind.MEMBER_LEFT, parsed[1], subject_id=someone)] * 3)
    result = await asyncio.wait_for(first, 5)
    # then the stream ends with an error telling the client to refetch
    codes = [e.extensions["code"] for e in result.errors or []]
    if not codes:  # the first event may have been delivered before the overflow
        result = await asyncio.wait_for(stream.__anext__(), 5)
        codes = [e.extensions["code"] for e in result.errors or []]
    assert codes == ["SUBSCRIPTION_OVERFLOW"]
