"""Event fan-out: an in-process bus by default, Redis pub/sub across instances.

Each subscriber has a bounded queue, so a slow client never delays the others:
when its queue is full the subscription is marked overflowed and ends, telling
the client to refetch. Redis pub/sub has no replay, so after a Redis outage
every local subscriber is told that events may have been missed.

A publish that fails is retried once on a fresh connection (pooled connections go
stale when Redis restarts). If it still fails, the event's subscribers on this
instance are told at once, and the others as soon as Redis answers again, through a
small "gap" message on the same channel. Either way, every event is delivered or
covered by an ``EventsMayHaveBeenMissed`` notice. Outages are logged once when they
start and once when they end, never per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from redis.exceptions import RedisError

from domain.events import Event, EventKind, Gap
from domain.queues import BoundedQueue
from infra.metrics import EVENT_LAG, EVENTS_UNPUBLISHED

log = logging.getLogger("hearth.events")
REDIS_CHANNEL = "hearth:events"
DEFAULT_QUEUE = 100


class Subscription(BoundedQueue[Event | Gap]):
    """One subscriber's bounded queue of events for one channel
    (``domain.queues.BoundedQueue``: overflow ends the iteration)."""

    __slots__ = ("_fanout", "channel")

    def __init__(self, fanout: LocalFanout, channel: str, maxsize: int) -> None:
        super().__init__(maxsize)
        self._fanout = fanout
        self.channel = channel

    def close(self) -> None:
        self._fanout.unsubscribe(self)


class Listener:
    """A callback on a channel's items, called as each is delivered: no queue and no
    task (a socket's account-deletion watch costs a set entry)."""

    __slots__ = ("_fanout", "_heard", "channel")

    def __init__(self, fanout: LocalFanout, channel: str, heard: Callable[[Event | Gap], None]):
        self._fanout = fanout
        self.channel = channel
        self._heard = heard

    def offer(self, item: Event | Gap) -> None:
        self._heard(item)

    def close(self) -> None:
        self._fanout.unsubscribe(self)


class LocalFanout:
    """Delivers events to this process's subscribers, by channel."""

    def __init__(self) -> None:
        self._channels: dict[str, set[Subscription | Listener]] = {}

    def subscribe(self, channel: str, maxsize: int = DEFAULT_QUEUE) -> Subscription:
        subscription = Subscription(self, channel, maxsize)
        self._channels.setdefault(channel, set()).add(subscription)
        return subscription

    def listen(self, channel: str, heard: Callable[[Event | Gap], None]) -> Listener:
        """Call ``heard`` with each item of ``channel`` as it is delivered, until the
        listener is closed. ``heard`` runs inside the delivery: it must not block."""
        listener = Listener(self, channel, heard)
        self._channels.setdefault(channel, set()).add(listener)
        return listener

    def unsubscribe(self, subscription: Subscription | Listener) -> None:
        subscribers = self._channels.get(subscription.channel)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._channels[subscription.channel]

    def deliver(self, event: Event) -> None:
        if event.committed_at is not None:
            EVENT_LAG.observe(max(0.0, time.time() - event.committed_at))
        for subscription in tuple(self._channels.get(event.channel(), ())):
            subscription.offer(event)

    def gap(self, channel: str | None = None) -> None:
        """Tell the subscribers of ``channel`` (of every channel when None) that events
        may have been missed."""
        groups = self._channels.values() if channel is None else [self._channels.get(channel, ())]
        for subscribers in tuple(groups):
            for subscription in tuple(subscribers):
                subscription.offer(Gap())

    @property
    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._channels.values())


class InProcessBus:
    """The embedded default: publish straight to this process's subscribers."""

    def __init__(self) -> None:
        self.fanout = LocalFanout()

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            self.fanout.deliver(event)

    def subscribe(self, channel: str, maxsize: int = DEFAULT_QUEUE) -> Subscription:
        return self.fanout.subscribe(channel, maxsize)

    def listen(self, channel: str, heard: Callable[[Event | Gap], None]) -> Listener:
        return self.fanout.listen(channel, heard)

    def status(self) -> str:
        return "ok"

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


def encode(event: Event) -> str:
    return json.dumps(
        {
            "kind": event.kind.value,
            "id": str(event.id),
            **{
                name: str(value)
                for name in ("circle_id", "member_id", "subject_id", "parent_id")
                if (value := getattr(event, name)) is not None
            },
            "committed_at": event.committed_at,
            **({"apart": sorted(str(m) for m in event.apart)} if event.apart else {}),
        }
    )


def encode_gap(channel: str, origin: str) -> str:
    return json.dumps({"gap": channel, "origin": origin})


def decode(raw: str | bytes) -> Event:
    return _event(json.loads(raw))


def _event(data: dict[str, Any]) -> Event:
    ids = {k: UUID(v) for k, v in data.items() if k not in ("kind", "committed_at", "apart")}
    apart = frozenset(UUID(m) for m in data.get("apart", ()))
    return Event(
        kind=EventKind(data["kind"]), committed_at=data.get("committed_at"), apart=apart, **ids
    )


class RedisBus:
    """Publishes to Redis; one reader per process fans events out locally.

    The reader reconnects with exponential backoff and jitter; while it is down,
    ``status()`` is not "ok" (``/readyz`` reports it) and, once back, local
    subscribers get a Gap so clients refetch.
    """

    def __init__(self, redis: Any, *, max_backoff: float = 5.0) -> None:
        self.redis = redis
        self.fanout = LocalFanout()
        self.max_backoff = max_backoff
        self._state = "starting"
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self.origin = uuid4().hex  # this instance, so that it skips its own gap messages
        self._unsent_gaps: set[str] = set()  # channels whose other instances must be told
        self._failing_since: int | None = None  # unpublished events in the current outage

    async def publish(self, events: list[Event]) -> None:
        """Never raises: an event that cannot be published becomes a gap notice."""
        if self._unsent_gaps:
            await self._send_gaps()
        for event in events:
            if not await self._send(encode(event)):
                EVENTS_UNPUBLISHED.inc()
                self._failing_since = (self._failing_since or 0) + 1
                self.fanout.gap(event.channel())
                self._unsent_gaps.add(event.channel())

    async def _send(self, message: str) -> bool:
        for attempt in (1, 2):
            try:
                await self.redis.publish(REDIS_CHANNEL, message)
            except (RedisError, OSError) as exc:
                if attempt == 1:
                    # After a Redis restart the pool's idle connections are all stale:
                    # drop them so that the retry runs on a fresh one.
                    with contextlib.suppress(Exception):
                        await self.redis.connection_pool.disconnect(inuse_connections=False)
                    continue
                if self._failing_since is None:
                    log.warning(
                        "Redis publish failing (%s): subscribers of the affected circles are "
                        "told that events may have been missed",
                        type(exc).__name__,
                    )
                return False
            else:
                if self._failing_since is not None:
                    log.warning(
                        "Redis publish recovered; %d events were covered by gap notices",
                        self._failing_since,
                    )
                    self._failing_since = None
                return True
        return False  # pragma: no cover - the loop always returns

    async def _send_gaps(self) -> None:
        for channel in tuple(self._unsent_gaps):
            if not await self._send(encode_gap(channel, self.origin)):
                return
            self._unsent_gaps.discard(channel)

    def subscribe(self, channel: str, maxsize: int = DEFAULT_QUEUE) -> Subscription:
        return self.fanout.subscribe(channel, maxsize)

    def listen(self, channel: str, heard: Callable[[Event | Gap], None]) -> Listener:
        return self.fanout.listen(channel, heard)

    def status(self) -> str:
        return "ok" if self._state == "ok" else self._state

    async def start(self, wait: float = 2.0) -> None:
        self._task = asyncio.create_task(self._run(), name="hearth-redis-events")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), wait)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        backoff, had_connection = 0.1, False
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(REDIS_CHANNEL)
                    if had_connection:
                        self.fanout.gap()
                        log.warning("Redis event stream restored")
                    self._state, backoff, had_connection = "ok", 0.1, True
                    if self._unsent_gaps:
                        await self._send_gaps()
                    self._ready.set()
                    await self._read(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._state == "ok" or self._state == "starting":
                    log.warning(
                        "Redis event stream lost (%s); reconnecting with backoff",
                        type(exc).__name__,
                    )
                self._state = f"reconnecting: {type(exc).__name__}"
                await asyncio.sleep(backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, self.max_backoff)

    async def _read(self, pubsub: Any) -> None:
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            try:
                data: dict[str, Any] = json.loads(message["data"])
                if "gap" in data:  # another instance could not publish to this channel
                    if data.get("origin") != self.origin:
                        self.fanout.gap(str(data["gap"]))
                    continue
                self.fanout.deliver(_event(data))
            except (ValueError, KeyError, TypeError):
                log.warning("ignored a malformed event")
