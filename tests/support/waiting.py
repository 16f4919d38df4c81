"""Waiting for a condition in tests: poll until it holds, and fail loudly when it
never does (a wait that gives up silently lets the test pass for the wrong reason)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T | None] | T | None],
    what: str,
    timeout: float = 10.0,
    interval: float = 0.02,
) -> T:
    """The first truthy result of ``check()`` (sync or async), polled every
    ``interval`` seconds; fails the test naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        last = result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")
        await asyncio.sleep(interval)
