"""One pass per live event and circle: the process's fan-out to its subscribers.

Every ``circleActivity`` subscription used to hold its own queue on the event bus:
an event to a circle of 1,000 subscribers woke 1,000 tasks, each of which read the
event's snapshot (shared, but each waited for it), worked out its own view, and sent
what it rendered through graphql-core's response stream and Strawberry's handler.

Here a process listens once per circle (``EventBus.listen``: a callback, no queue). An
event is handed to one short-lived drain task per circle, which goes through the
circle's subscriptions in one pass: it decides what each subscriber may see
(``api.realtime.subscriptions.deliver``: the same per-viewer rules as before), and
offers each subscription what to send, in order, on its bounded queue (:class:`Sink`):

- a :class:`Frame`: the audience's data, serialised once
  (``api.execution.audience.shared_render``), written to the socket as a
  graphql-transport-ws ``next`` message, with no GraphQL execution and no per-result
  work in graphql-core or Strawberry (:data:`DIRECT`). When the subscription's own task
  is idle (waiting for its next item, with nothing queued) and the socket takes bytes
  now, the pass writes it itself (:meth:`Writer.now`), so the first subscribers have
  their frame before the pass reaches the last, and no task wakes per subscriber;
  otherwise the frame is queued, and the subscription's task writes it in its turn;
- anything else (an event object for a document that must run for this viewer, a
  ``SharedEvent`` on a connection that cannot take frames, a missed-events notice),
  which the subscription's generator yields exactly as before.

A queue that fills ends its subscription (``SUBSCRIPTION_OVERFLOW``) and only it; the
drain never waits for a socket. The circle's backlog is bounded as well: a drain that
falls :data:`BACKLOG` events behind ends every subscription of the circle in this
process the same way (they refetch).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from domain.events import Closable, Event, Gap
from domain.queues import BoundedQueue

log = logging.getLogger("hearth.realtime")

BACKLOG = 1000  # events a circle's drain may fall behind before its subscriptions end


class Writer(Protocol):
    """Writes the current operation's ``next`` messages whose data is serialised (an
    ``orjson.Fragment``) to its socket (``api.http``)."""

    async def __call__(self, data: Any) -> None:
        """Send one, waiting for the socket if it must."""

    def now(self, data: Any) -> bool:
        """Send one at once, without waiting, if the socket takes it now; False (nothing
        sent) if it would have to wait."""


# Set by the websocket handler for each operation's task (api.http): how the
# operation's ``next`` messages are written. None outside a graphql-transport-ws
# operation (the legacy protocol, a subscription run in-process): frames are not used.
DIRECT: ContextVar[Writer | None] = ContextVar("hearth_live_direct", default=None)


@dataclass(frozen=True, slots=True)
class Frame:
    """The serialised ``data`` of one ``next`` message (an ``orjson.Fragment``)."""

    data: Any


@dataclass(frozen=True, slots=True)
class Ended:
    """The subscription ends (the viewer left or was banned, the circle closed), or
    fails with ``error``."""

    error: Exception | None = None


class Sink(BoundedQueue[Any]):
    """One subscription's bounded queue on its circle's fan-out
    (``domain.queues.BoundedQueue``: overflow ends the iteration), with who it is for:
    ``state`` is what the deliverer keeps for the subscription (its viewer and how its
    document renders). Its consumer stops at an :class:`Ended` (:func:`finished`)."""

    __slots__ = ("state",)

    def __init__(self, state: Any, maxsize: int) -> None:
        super().__init__(maxsize)
        self.state = state


def finished(item: Any) -> bool:
    """True when ``item`` ends its subscription; raises the error it ends with."""
    if not isinstance(item, Ended):
        return False
    if item.error is not None:
        raise item.error
    return True


class Listens(Protocol):
    """The event bus, as the fan-out uses it."""

    def listen(self, channel: str, heard: Callable[[Event | Gap], None]) -> Closable: ...


Deliver = Callable[[Event | Gap, list[Sink]], Awaitable[None]]


class _Circle:
    __slots__ = ("backlog", "draining", "listener", "sinks")

    def __init__(self) -> None:
        self.sinks: dict[Sink, None] = {}  # in the order they joined
        self.backlog: list[Event | Gap] = []
        self.draining: asyncio.Task[None] | None = None
        self.listener: Closable | None = None


class LiveFanout:
    """The process's circle channels and their subscriptions (``Services.live``)."""

    def __init__(self, backlog: int = BACKLOG) -> None:
        self._circles: dict[str, _Circle] = {}
        self._backlog = backlog

    def join(self, bus: Listens, channel: str, sink: Sink, deliver: Deliver) -> Callable[[], None]:
        """Offer ``sink`` what ``deliver`` makes of each item of ``channel`` from now
        on; returns what leaves (the channel's listener closes with its last sink)."""
        circle = self._circles.get(channel)
        if circle is None:
            circle = self._circles[channel] = _Circle()
            circle.listener = bus.listen(channel, lambda item: self._heard(circle, item, deliver))
        circle.sinks[sink] = None

        def leave() -> None:
            circle.sinks.pop(sink, None)
            if not circle.sinks and self._circles.get(channel) is circle:
                del self._circles[channel]
                if circle.listener is not None:
                    circle.listener.close()

        return leave

    def _heard(self, circle: _Circle, item: Event | Gap, deliver: Deliver) -> None:
        if len(circle.backlog) >= self._backlog:
            log.warning("a circle's live events fell %d behind; they end", self._backlog)
            circle.backlog.clear()
            for sink in list(circle.sinks):
                sink.overflow()
            return
        circle.backlog.append(item)
        if circle.draining is None:
            circle.draining = asyncio.ensure_future(self._drain(circle, deliver))

    async def _drain(self, circle: _Circle, deliver: Deliver) -> None:
        try:
            while circle.backlog:
                item = circle.backlog.pop(0)
                sinks = list(circle.sinks)
                if sinks:
                    await deliver(item, sinks)
        finally:
            circle.draining = None

    @property
    def subscriptions(self) -> int:
        """Subscriptions joined in this process."""
        return sum(len(c.sinks) for c in self._circles.values())
