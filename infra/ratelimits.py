"""The rate limiter behind ``domain.ratelimits.policy.RateLimiter``: the `limits`
library's moving window, counted in Redis when ``REDIS_URL`` is set (shared by
every API instance) and in process memory otherwise.

If Redis fails, the limiter lets the action through and logs: refusing posts
because a counter is unreachable would hurt members more than a short burst.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from domain.ratelimits.policy import Action, Limit

log = logging.getLogger("hearth.ratelimits")

KEY_PREFIX = "hearth-limits"


class LimitsRateLimiter:
    """Implements ``RateLimiter`` with a moving window per (action, member)."""

    def __init__(self, storage: Storage, limits: Mapping[Action, Limit]) -> None:
        self.storage = storage
        self._failing = False
        self._window = MovingWindowRateLimiter(storage)
        self._items: dict[Action, RateLimitItem] = {
            action: RateLimitItemPerSecond(limit.count, limit.period_seconds)
            for action, limit in limits.items()
        }

    async def hit(self, member_id: UUID, action: Action) -> int | None:
        return await self._ask(member_id, action, take=True)

    async def peek(self, member_id: UUID, action: Action) -> int | None:
        return await self._ask(member_id, action, take=False)

    async def _ask(self, member_id: UUID, action: Action, *, take: bool) -> int | None:
        item, who = self._items[action], str(member_id)
        try:
            allowed = await (self._window.hit if take else self._window.test)(item, action, who)
            if self._failing:
                self._failing = False
                log.warning("rate limiter available again")
            if allowed:
                return None
            reset_at, _ = await self._window.get_window_stats(item, action, who)
        except Exception as exc:
            if not self._failing:  # one line per outage, not one per action
                self._failing = True
                log.warning("rate limiter unavailable (%s); allowing actions", type(exc).__name__)
            return None
        return max(1, math.ceil(reset_at - time.time()))

    async def reset(self) -> None:
        """Forget every count (operators and tests)."""
        await self.storage.reset()

    def close(self) -> None:
        timer = getattr(self.storage, "timer", None)  # MemoryStorage's expiry task
        if timer is not None and not timer.done():
            timer.cancel()


def build_rate_limiter(
    limits: Mapping[Action, Limit], redis_url: str | None, redis: Any = None
) -> LimitsRateLimiter:
    """Redis storage when a URL is given (sharing ``redis``'s connection pool when
    passed), in-process memory otherwise."""
    if redis_url:
        options: dict[str, Any] = {}
        if redis is not None:
            options["connection_pool"] = redis.connection_pool
        storage: Storage = RedisStorage(
            f"async+{redis_url}", implementation="redispy", key_prefix=KEY_PREFIX, **options
        )
    else:
        storage = MemoryStorage()
    return LimitsRateLimiter(storage, limits)
