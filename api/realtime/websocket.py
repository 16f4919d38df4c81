"""Websocket sessions: sign-in in ``connection_init``, limits, and token expiry.

* The client sends ``{"authToken": "<Firebase ID token>"}`` as the
  ``connection_init`` payload. A missing or bad token closes with 4403.
* At most ``HEARTH_WS_MAX_CONNECTIONS_PER_MEMBER`` (5) sockets per member per
  server instance; one more closes with 4403 too.
* When the token expires the server closes with ``4401`` ("token expired"):
  the client should get a fresh token and reconnect, then refetch.
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

MAX_SUBSCRIPTIONS_PER_CONNECTION = 20
TOKEN_EXPIRED = 4401


def _counts(context: Context) -> Counter[str]:
    counts: Counter[str] | None = context.services.extras.get("ws_connections")
    if counts is None:
        counts = context.services.extras["ws_connections"] = Counter()
    return counts


async def _close_when_expired(websocket: WebSocket, expires_at: float) -> None:
    await asyncio.sleep(max(0.0, expires_at - time.time()))
    with contextlib.suppress(Exception):
        await websocket.close(code=TOKEN_EXPIRED, reason="Token expired")


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
    return {"expiresAt": expires_at}


def disconnect(websocket: WebSocket, context: Context | None) -> None:
    """Release the member's connection slot and the expiry timer."""
    uid = getattr(websocket.state, "hearth_uid", None)
    if uid is not None and context is not None:
        counts = _counts(context)
        counts[uid] -= 1
        if counts[uid] <= 0:
            del counts[uid]
    task = getattr(websocket.state, "hearth_expiry", None)
    if task is not None:
        task.cancel()
