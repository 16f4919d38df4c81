"""A bounded queue with one consumer, for live deliveries: a subscriber that falls
behind is ended (it must refetch), never waited for.

A list and at most one waiting future, not an ``asyncio.Queue`` (three deques of 64
slots and an event) nor a deque (64 slots at once): every live subscription holds
one, so they count in what an idle connection costs; the queue is short
(``maxsize``), so taking from the front of a list is cheap. Used by the event bus's
per-subscriber queues (``infra.events.bus``) and the circle fan-out's
(``api.realtime.fanout``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedQueue(Generic[T]):
    """Items offered in order and taken by iterating; when ``maxsize`` are waiting and
    another is offered, the queue overflows: it is emptied and the iteration ends."""

    __slots__ = ("_items", "_maxsize", "_waiter", "overflowed")

    def __init__(self, maxsize: int) -> None:
        self._items: list[T] = []
        self._maxsize = maxsize
        self._waiter: asyncio.Future[None] | None = None
        self.overflowed = False

    @property
    def pending(self) -> int:
        """Items offered and not yet taken."""
        return len(self._items)

    @property
    def consumer_waiting(self) -> bool:
        """True while the consumer waits for the next item: nothing offered is waiting,
        and it has finished with every item it took (it asks for the next one only then)."""
        waiter = self._waiter
        return waiter is not None and not waiter.done() and not self._items

    def offer(self, item: T) -> None:
        if self.overflowed:
            return
        if len(self._items) >= self._maxsize:
            self.overflow()
            return
        self._items.append(item)
        self._wake()

    def overflow(self) -> None:
        """End the iteration: the consumer fell behind and must refetch."""
        self.overflowed = True
        self._items.clear()
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _wait(self) -> None:
        """Until an item is waiting, or the queue has overflowed."""
        while not self._items and not self.overflowed:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    async def _iterate(self) -> AsyncIterator[T]:
        while True:
            await self._wait()
            if not self._items:
                return  # overflowed
            yield self._items.pop(0)
