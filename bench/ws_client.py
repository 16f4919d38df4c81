"""A lean graphql-transport-ws subscriber for the realtime benchmarks.

The benchmarks' first client (``websockets.connect``: a task, a queue and an
asyncio stream per socket, ``json`` parsing, a wake-up per message) needed about
0.08-0.1 ms of CPU per delivery: a post to 1,000 subscribers kept it busy for
80-100 ms, on the same two cores as the server, and a message's receipt was stamped
only once the client got round to it. Phones each have their own CPU; what the
benchmark should measure is when the server's bytes arrive.

This client speaks the same protocol with websockets' own sans-I/O implementation
(``websockets.client.ClientProtocol``: the handshake, masking, frames, close) on a
bare asyncio transport: no task and no queue per socket, and each message is stamped
with the time its bytes were handed to the process (``data_received``), before it is
parsed. ``--client websockets`` keeps the first client, for comparison.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import orjson
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

OnNext = Callable[[dict[str, Any], float], None]
"""Called with a ``next`` message's ``data`` and the time its bytes arrived."""


class Subscriber(asyncio.Protocol):
    """One socket with one subscription: signs in with ``dev:<uid>``, subscribes once
    acknowledged, and calls ``on_next`` for each ``next`` message. ``subscribed`` is
    done once the subscribe message is sent; ``ended`` when the server ends the
    subscription or the connection (with an exception unless :meth:`close` did)."""

    def __init__(self, url: str, uid: str, query: str, variables: dict[str, Any], on_next: OnNext):
        self._ws = ClientProtocol(
            parse_uri(url), subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        self._uid = uid
        self._subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
        self._on_next = on_next
        self._transport: asyncio.Transport | None = None
        self._closing = False
        loop = asyncio.get_running_loop()
        self.subscribed: asyncio.Future[None] = loop.create_future()
        self.ended: asyncio.Future[None] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        self._ws.send_request(self._ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        arrived = time.time()
        self._ws.receive_data(data)
        for event in self._ws.events_received():
            if isinstance(event, Response):
                if event.status_code != 101:
                    self._fail(f"handshake answered {event.status_code}")
                    return
                self._send(
                    {"type": "connection_init", "payload": {"authToken": f"dev:{self._uid}"}}
                )
            elif not isinstance(event, Frame):
                continue
            elif event.opcode is Opcode.TEXT:
                self._message(orjson.loads(event.data), arrived)
            elif event.opcode is Opcode.CLOSE and not self._closing:
                self._fail(f"closed by the server: {bytes(event.data)[2:]!r}")
        self._flush()

    def _message(self, message: dict[str, Any], arrived: float) -> None:
        kind = message.get("type")
        if kind == "next":
            payload = message["payload"]
            if payload.get("errors"):
                self._fail(f"subscription error: {payload['errors']}")
            else:
                self._on_next(payload["data"], arrived)
        elif kind == "connection_ack":
            self._send(self._subscribe)
            if not self.subscribed.done():
                self.subscribed.set_result(None)
        elif kind == "ping":
            self._send({"type": "pong"})
        elif kind in ("error", "complete"):
            self._fail(f"subscription ended: {message}")

    def _send(self, message: dict[str, Any]) -> None:
        self._ws.send_text(orjson.dumps(message))

    def _flush(self) -> None:
        if self._transport is not None:
            for chunk in self._ws.data_to_send():
                if chunk:
                    self._transport.write(chunk)

    def _fail(self, why: str) -> None:
        if not self.subscribed.done():
            self.subscribed.set_exception(RuntimeError(f"{self._uid}: {why}"))
        if not self.ended.done():
            self.ended.set_exception(RuntimeError(f"{self._uid}: {why}"))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._closing:
            if not self.ended.done():
                self.ended.set_result(None)
        else:
            self._fail(f"connection lost: {exc!r}")

    def close(self) -> None:
        """Drop the connection (the end of a run)."""
        self._closing = True
        if self._transport is not None:
            self._transport.abort()


async def subscribe(
    host: str, port: int, uid: str, query: str, variables: dict[str, Any], on_next: OnNext
) -> Subscriber:
    """A connected subscriber whose subscribe message is sent."""
    loop = asyncio.get_running_loop()
    url = f"ws://{host}:{port}/graphql"
    _, subscriber = await loop.create_connection(
        lambda: Subscriber(url, uid, query, variables, on_next), host, port
    )
    await asyncio.wait_for(subscriber.subscribed, 120)
    return subscriber
