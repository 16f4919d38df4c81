"""Websocket sessions: sign-in in ``connection_init``, limits, and token expiry.

The client sends ``{"authToken": "<Firebase ID token>"}`` as the ``connection_init``
payload. Close codes (docs/realtime.md says what the app should do with each) are
chosen so that the standard ``graphql-ws`` client does the right thing by itself: it
gives up on 4401 and retries, calling ``connectionParams`` again, on the others.

When the member deletes their account, every socket of theirs (on every instance: the
event goes through the bus) closes with 4410 ("account deleted"): the app must not
reconnect (graphql-ws would retry it; its ``shouldRetry`` should say no to 4410).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from enum import IntEnum
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocket

from api.context import Context
from api.errors import TopLevelCode
from domain.events import Closable, Event, EventKind, member_channel

MAX_SUBSCRIPTIONS_PER_CONNECTION = 20


class CloseCode(IntEnum):
    """Why the server closed a websocket."""

    UNAUTHORIZED = 4401  # no valid token: sign in again (graphql-ws does not retry)
    TOKEN_EXPIRED = 4419  # reconnect with a fresh token (graphql-ws retries)
    TOO_MANY_CONNECTIONS = 4430  # this member has HEARTH_WS_MAX_CONNECTIONS_PER_MEMBER open
    SIGN_IN_UNAVAILABLE = 4503  # the token could not be checked now (key fetch failed)
    ACCOUNT_DELETED = 4410  # the member deleted their account: do not reconnect


class SocketRejected(Exception):
    """``connection_init`` refused: the socket closes with ``code``."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _counts(context: Context) -> Counter[str]:
    counts: Counter[str] = context.services.ws_connections
    return counts


async def _close(websocket: WebSocket, code: CloseCode, reason: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code=code, reason=reason)


def _close_soon(websocket: WebSocket, code: CloseCode, reason: str) -> None:
    """Start closing the socket; the task is kept on the socket until it is done."""
    websocket.state.hearth_closing = asyncio.ensure_future(_close(websocket, code, reason))


def _close_when_expired(websocket: WebSocket, expires_at: float) -> asyncio.TimerHandle:
    """A timer (not a task: a socket waits for it all its life) that closes the socket
    with 4419 when its token expires."""
    loop = asyncio.get_running_loop()
    delay = max(0.0, expires_at - time.time())
    return loop.call_later(delay, _close_soon, websocket, CloseCode.TOKEN_EXPIRED, "Token expired")


def _close_when_deleted(websocket: WebSocket, context: Context, member_id: Any) -> Closable:
    """Listens on the member's channel (no task, no queue) and closes the socket with
    4410 when the member deletes their account."""

    def heard(item: object) -> None:
        if isinstance(item, Event) and item.kind is EventKind.ACCOUNT_DELETED:
            _close_soon(websocket, CloseCode.ACCOUNT_DELETED, "Account deleted")

    return context.services.bus.listen(member_channel(member_id), heard)


async def connect(context: Context) -> dict[str, Any]:
    """Check the ``connection_init`` token; returns the ack payload."""
    params = context.connection_params or {}
    token = params.get("authToken")
    if not isinstance(token, str) or not token.strip():
        raise SocketRejected(CloseCode.UNAUTHORIZED, "authToken is missing")
    context.token = token.strip()
    try:
        identity = await context.identity()
    except GraphQLError as exc:
        unavailable = (exc.extensions or {}).get("code") == TopLevelCode.AUTH_UNAVAILABLE
        code = CloseCode.SIGN_IN_UNAVAILABLE if unavailable else CloseCode.UNAUTHORIZED
        raise SocketRejected(code, exc.message) from exc
    counts = _counts(context)
    if counts[identity.uid] >= context.services.settings.hearth_ws_max_connections_per_member:
        raise SocketRejected(CloseCode.TOO_MANY_CONNECTIONS, "too many connections")
    counts[identity.uid] += 1
    websocket: WebSocket = context.request
    websocket.state.hearth_uid = identity.uid
    expires_at = identity.claims.get("exp")
    if isinstance(expires_at, int | float):
        websocket.state.hearth_expiry = _close_when_expired(websocket, float(expires_at))
    viewer = await context.loaders.member_by_uid.load(identity.uid)
    context.release_loaders()  # not cached on the socket
    if viewer is not None:
        member, _filters = viewer
        websocket.state.hearth_deletion = _close_when_deleted(websocket, context, member.id)
    return {"expiresAt": expires_at}


def disconnect(websocket: WebSocket, context: Context | None) -> None:
    """Release the member's connection slot, the expiry timer and the deletion watch."""
    uid = getattr(websocket.state, "hearth_uid", None)
    if uid is not None and context is not None:
        counts = _counts(context)
        counts[uid] -= 1
        if counts[uid] <= 0:
            del counts[uid]
    expiry = getattr(websocket.state, "hearth_expiry", None)
    if expiry is not None:
        expiry.cancel()
    deletion = getattr(websocket.state, "hearth_deletion", None)
    if deletion is not None:
        deletion.close()
