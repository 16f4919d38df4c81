"""ASGI middleware: request body limit and an access log that never logs bodies."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.observability import REQUEST_LOG
from infra.metrics import HTTP_LATENCY, HTTP_REQUESTS, path_label

access_log = logging.getLogger("hearth.access")


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Answers 413 when a request body is larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_413(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _send_413(send)


async def _send_413(send: Send) -> None:
    body = (
        b'{"errors":[{"message":"The request body is too large.",'
        b'"extensions":{"code":"REQUEST_TOO_LARGE"}}]}'
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AccessLogMiddleware:
    """Logs method, path (never the query string), status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: dict[str, Any] = {"code": 500}
        fields: dict[str, str] = {}
        token = REQUEST_LOG.set(fields)

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            elapsed = time.perf_counter() - start
            label = path_label(scope["path"])
            HTTP_REQUESTS.labels(scope["method"], label, str(status["code"])).inc()
            HTTP_LATENCY.labels(label).observe(elapsed)
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status["code"],
                elapsed * 1000,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status["code"],
                    "duration_ms": round(elapsed * 1000, 2),
                    **fields,  # operation, member (a pseudonym): api/observability.py
                },
            )
            REQUEST_LOG.reset(token)


class WebSocketLane:
    """Websockets to ``path`` go straight to ``endpoint`` (the GraphQL view), past the
    middlewares after this one, the exception middleware and the router.

    Those are HTTP-only or pass a websocket through untouched, but each stays on a
    live socket's call stack, with the wrappers it makes, for the socket's whole life:
    with thousands of idle sockets that is memory for nothing
    (``docs/performance.md``). What a websocket needs runs before this one
    (``SendDeadline``, the correlation id)."""

    def __init__(self, app: ASGIApp, path: str, endpoint: ASGIApp) -> None:
        self.app = app
        self.path = path
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and _route_path(scope) == self.path:
            await self.endpoint(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the router would match (without the root path a proxy mounted us at)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
