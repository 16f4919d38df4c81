"""Websocket sessions: sign-in in ``connection_init``, limits, and token expiry.

* The client sends ``{"authToken": "<Firebase ID token>"}`` as the
  ``connection_init`` payload. A missing or bad token closes with 4403.
* At most ``HEARTH_WS_MAX_CONNECTIONS_PER_MEMBER`` (5) sockets per member per
  server instance; one more closes with 4403 too.
* When the token expires the server closes with ``4401`` ("token expired"):
  the client should get a fresh token and reconnect, then refetch.
* When the member deletes their account, every socket of theirs (on every
  instance: the event goes through the bus) closes with ``4410`` ("account
  deleted"): the client must not reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError

from api.context import Context
from domain.events import Event, EventKind, member_channel

MAX_SUBSCRIPTIONS_PER_CONNECTION = 20
TOKEN_EXPIRED = 4401
ACCOUNT_DELETED = 4410


def _counts(context: Context) -> Counter[str]:
    counts: Counter[str] | None = context.services.extras.get("ws_connections")
    if counts is None:
        counts = context.services.extras["ws_connections"] = Counter()
    return counts


async def _close_when_expired(websocket: WebSocket, expires_at: float) -> None:
    await asyncio.sleep(max(0.0, expires_at - time.time()))
    with contextlib.suppress(Exception):
        await websocket.close(code=TOKEN_EXPIRED, reason="Token expired")


async def _close_when_deleted(websocket: WebSocket, context: Context, member_id: Any) -> None:
    subscription = context.services.bus.subscribe(member_channel(member_id))
    try:
        async for item in subscription:
            if isinstance(item, Event) and item.kind is EventKind.ACCOUNT_DELETED:
                with contextlib.suppress(Exception):
                    await websocket.close(code=ACCOUNT_DELETED, reason="Account deleted")
                return
    finally:
        subscription.close()


async def connect(context: Context) -> dict[str, Any]:
    """Check the ``connection_init`` token; returns the ack payload."""
    params = context.connection_params or {}
    token = params.get("authToken")
    if not isinstance(token, str) or not token.strip():
        raise ConnectionRejectionError({"reason": "authToken is missing"})
    context.token = token.strip()
    try:
        identity = await context.identity()
    except GraphQLError as exc:
        raise ConnectionRejectionError({"reason": exc.message}) from exc
    counts = _counts(context)
    if counts[identity.uid] >= context.services.settings.hearth_ws_max_connections_per_member:
        raise ConnectionRejectionError({"reason": "too many connections"})
    counts[identity.uid] += 1
    websocket: WebSocket = context.request
    websocket.state.hearth_uid = identity.uid
    expires_at = identity.claims.get("exp")
    if isinstance(expires_at, int | float):
        task = asyncio.create_task(_close_when_expired(websocket, float(expires_at)))
        websocket.state.hearth_expiry = task
    member = await context.loaders.member_by_uid.load(identity.uid)  # not cached on the socket
    if member is not None:
        watcher = asyncio.create_task(_close_when_deleted(websocket, context, member.id))
        websocket.state.hearth_deletion = watcher
    return {"expiresAt": expires_at}


def disconnect(websocket: WebSocket, context: Context | None) -> None:
    """Release the member's connection slot and the expiry timer."""
    uid = getattr(websocket.state, "hearth_uid", None)
    if uid is not None and context is not None:
        counts = _counts(context)
        counts[uid] -= 1
        if counts[uid] <= 0:
            del counts[uid]
    for name in ("hearth_expiry", "hearth_deletion"):
        task = getattr(websocket.state, name, None)
        if task is not None:
            task.cancel()
