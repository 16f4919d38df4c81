"""A websocket whose client stopped reading is dropped, not kept forever.

A phone that froze, or a client that subscribed and never reads, fills its socket's
buffers; uvicorn then holds every further send to that socket (``send`` waits for the
transport to drain). Each live subscription has a bounded queue, so the others never
wait for it (its queue overflows and is emptied), but the socket itself would stay:
its buffers, its subscriptions' tasks and one of the member's connection slots. Worse,
uvicorn's own ways out (a keepalive ping that gets no pong, a close) call
``transport.close()``, which waits for the unsent bytes to drain: for a socket whose
client does not read, they never do.

:class:`SendDeadline` wraps the ASGI ``send`` of every websocket: a message that cannot
be handed to the socket within ``HEARTH_WS_SEND_TIMEOUT_SECONDS`` means the client is
not reading, and the connection is aborted with a TCP reset (``SO_LINGER`` 0: the
kernel drops its unsent bytes at once rather than keeping an orphaned socket). uvicorn
then reports the disconnect as for any lost connection, and
Strawberry ends the socket's subscriptions: their ``finally`` blocks release the event
bus queues, the member's connection slot and the timers. Counted in
``hearth_websocket_stalled_total``.

A send only waits while the transport is paused (above its high-water mark, 64 KiB),
which it is only once the kernel's send buffer is full; a client that reads, however
slowly, keeps both below their marks and never meets the deadline. Linux grows a
socket's send buffer on its own up to ``net.ipv4.tcp_wmem``'s maximum (4 MiB here), so
a client that stopped reading could hold megabytes of kernel memory before anything
waited: the send buffer of every websocket is therefore fixed at
``HEARTH_WS_SEND_BUFFER_BYTES`` (128 KiB; the kernel doubles it for its bookkeeping;
0 leaves the kernel's tuning), far more than a burst of live events needs.

Once a socket is accepted, :func:`slim_accepted` also drops what uvicorn's
``websockets-sansio`` protocol keeps for the connection's life but never reads again
(the handshake's request and response) and swaps its ``asyncio.Queue`` of received
messages for a :class:`ReceiveQueue`: about 5 KiB less per idle socket
(``docs/performance.md``, "What an idle websocket costs").

This relies on uvicorn internals, which is why it is all in this module: the ASGI
``send`` that uvicorn's websocket protocols (``websockets-sansio``, ``websockets``)
hand the application is a bound method of the protocol object, whose ``transport`` is
the event loop's transport (asyncio's or uvloop's: ``abort`` and ``get_extra_info``),
and cancelling a ``send`` that waits for the transport to drain writes nothing
(``tests/api/realtime/test_stalled_socket.py`` runs on both loops). uvicorn is pinned
exactly (``pyproject.toml``); ``tests/unit/test_library_pins.py`` fails loudly on
another version, and ``HEARTH_WS_SEND_TIMEOUT_SECONDS=0`` turns the deadline and the
slimming off. Behind another ASGI server (no such transport) the deadline only logs,
once, and sends wait as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import sys
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from api.observability import WEBSOCKETS_STALLED
from domain.queues import BoundedQueue

UVICORN_VERSION = "0.54.0"  # the version these internals were checked against

log = logging.getLogger("hearth.realtime")


WRITABLE = "hearth.writable"
"""The scope key of the socket's :func:`writable_of` event (None behind another server):
while it is set, a send on the socket completes without waiting (``api.http``'s
frames written in the fan-out's pass rely on it)."""


def transport_of(send: Send) -> Any | None:
    """The transport behind uvicorn's websocket ``send`` (asyncio's, or uvloop's, which
    is no ``asyncio.BaseTransport`` subclass), or None."""
    protocol: Any = getattr(send, "__self__", None)
    transport = getattr(protocol, "transport", None)
    if callable(getattr(transport, "abort", None)) and callable(
        getattr(transport, "get_extra_info", None)
    ):
        return transport
    return None


def writable_of(send: Send) -> asyncio.Event | None:
    """The event uvicorn's ``websockets-sansio`` send waits for (set while the
    transport takes more data), or None behind another server."""
    protocol: Any = getattr(send, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        return None
    return protocol.writable


def limit_send_buffer(send: Send, size: int) -> None:
    """Fix the kernel send buffer of the socket behind ``send`` at ``size`` bytes."""
    transport = transport_of(send)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None and size > 0:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)


class ReceiveQueue(BoundedQueue[Any]):
    """What uvicorn's ``websockets-sansio`` protocol uses of its ``asyncio.Queue`` of
    received messages (``put_nowait``, ``get``, ``empty``; one consumer, unbounded): a
    ``domain.queues.BoundedQueue`` that never fills, instead of three deques and an
    event (2.5 KiB per socket)."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(sys.maxsize)

    def put_nowait(self, item: Any) -> None:
        self.offer(item)

    async def get(self) -> Any:
        await self._wait()
        return self._items.pop(0)

    def empty(self) -> bool:
        return self.pending == 0


def slim_accepted(send: Send) -> None:
    """Once the socket is accepted, drop what uvicorn's ``websockets-sansio`` protocol
    keeps for the connection's whole life but never reads again (the handshake's
    request and response, with their headers), and give it a :class:`ReceiveQueue`
    holding the messages already received: about 5 KiB less per idle socket."""
    protocol: Any = getattr(send, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        return
    protocol.request = None  # type: ignore[assignment]
    protocol.response = None  # type: ignore[assignment]
    queued, slim = protocol.queue, ReceiveQueue()
    while not queued.empty():
        slim.put_nowait(queued.get_nowait())
    protocol.queue = slim  # type: ignore[assignment]


def reset(transport: Any) -> None:
    """Abort the connection with a TCP reset: the kernel drops its unsent bytes now,
    instead of keeping the orphaned socket until they drain or it gives up."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


class SendDeadline:
    """ASGI middleware: abort a websocket whose send waits longer than ``seconds``, and
    bound its kernel send buffer at ``buffer_bytes``."""

    _warned = False

    def __init__(self, app: ASGIApp, seconds: float, buffer_bytes: int) -> None:
        self.app = app
        self.seconds = seconds
        self.buffer_bytes = buffer_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        limit_send_buffer(send, self.buffer_bytes)
        scope[WRITABLE] = writable_of(send)
        if self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        seconds = self.seconds
        writable = writable_of(send)

        async def guarded(message: Message) -> None:
            if writable is not None and writable.is_set() and message["type"] != "websocket.accept":
                # uvicorn's send waits for nothing but ``writable``: it cannot stall now,
                # so no timer is armed (most sends, and the fan-out's hot path)
                await send(message)
                return
            try:
                async with asyncio.timeout(seconds):
                    await send(message)
                if message["type"] == "websocket.accept":
                    slim_accepted(send)
                return
            except TimeoutError:
                pass
            transport = transport_of(send)
            if transport is None:
                if not SendDeadline._warned:
                    SendDeadline._warned = True
                    log.warning(
                        "a websocket send waited over %.0f s, but this server's transport "
                        "cannot be aborted: HEARTH_WS_SEND_TIMEOUT_SECONDS has no effect",
                        seconds,
                    )
                await send(message)
                return
            WEBSOCKETS_STALLED.inc()
            log.info("websocket dropped: its client read nothing for %.0f s", seconds)
            # uvicorn now reports the disconnect, and Strawberry's receive loop ends the
            # socket's operations; this message goes nowhere.
            reset(transport)

        await self.app(scope, receive, guarded)
