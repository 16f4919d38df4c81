"""What an event refers to, read once per event and process for all subscribers.

A post event read 1,000 times for 1,000 subscribers would cost 1,000 queries; the
read ports return viewer-independent snapshots (``domain/<area>/reads.py``), this
cache shares one read of each among the subscribers of the event, and each
subscriber's view (``isMine``, ``viewerReactions``, anonymity, blocks) is built
from it in memory by the domain's ``live_*`` functions.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
MISSING: Any = object()  # SnapshotCache.peek: not loaded (yet), or failed


class SnapshotCache:
    """A small LRU of in-flight or finished reads, keyed by (event id, what) (and of
    live renders: ``Services.live_renders``).

    A load that awaits runs in a task of its own, so a subscriber whose task is
    cancelled (its socket closed) while others wait for the same key cancels nothing
    for them."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()

    def peek(self, key: Hashable) -> Any:
        """The value for ``key`` when it is loaded and loaded well, else :data:`MISSING`:
        the common case of :meth:`get` without a coroutine (the fan-out asks it once per
        subscription and event)."""
        future = self._items.get(key)
        loaded = future is not None and future.done() and not future.cancelled()
        if loaded and future.exception() is None:  # type: ignore[union-attr]
            return future.result()  # type: ignore[union-attr]
        return MISSING

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T] | T]) -> T:
        """The value for ``key``, loaded once. A ``load`` that returns a value rather
        than an awaitable (a render that needed no I/O) stores it at once, so the
        subscribers after the first take it without waiting."""
        future = self._items.get(key)
        if future is None:
            loaded = load()
            if inspect.isawaitable(loaded):
                future = asyncio.ensure_future(loaded)
            else:
                future = asyncio.get_running_loop().create_future()
                future.set_result(loaded)
            self._items[key] = future
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        elif future.done() and not future.cancelled() and future.exception() is None:
            done: T = future.result()  # the common case for all but the first subscriber
            return done
        found: T = await asyncio.shield(future)
        return found
