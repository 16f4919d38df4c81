"""The rate-limit policy (domain) and the limiter port (counted in infra).

The rule "30 posts per hour" belongs to the domain; counting hits across API
instances is infrastructure behind :class:`RateLimiter`. A use case validates its
input first (a refused input takes no slot), then asks the limiter, then writes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.errors import DomainError, ErrorCode

HOUR = 3_600
DAY = 86_400


class Action(StrEnum):
    """A kind of write that is limited per member."""

    POST = "POST"
    REPLY = "REPLY"
    REACTION = "REACTION"
    REPORT = "REPORT"
    CIRCLE_CREATION = "CIRCLE_CREATION"
    INVITE = "INVITE"
    FAILED_INVITE_CODE = "FAILED_INVITE_CODE"
    PROFILE_RENAME = "PROFILE_RENAME"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` actions in any moving window of ``period_seconds``."""

    count: int
    period_seconds: int

    def __post_init__(self) -> None:
        if self.count < 1 or self.period_seconds < 1:
            raise ValueError("a limit needs a positive count and period")


DEFAULT_LIMITS: Mapping[Action, Limit] = {
    Action.POST: Limit(30, HOUR),
    Action.REPLY: Limit(120, HOUR),
    Action.REACTION: Limit(300, HOUR),
    Action.REPORT: Limit(10, HOUR),
    Action.CIRCLE_CREATION: Limit(5, DAY),
    Action.INVITE: Limit(20, DAY),
    Action.FAILED_INVITE_CODE: Limit(20, HOUR),
    Action.PROFILE_RENAME: Limit(5, DAY),
}

_MESSAGES: Mapping[Action, str] = {
    Action.POST: "You have posted a lot in the last hour.",
    Action.REPLY: "You have replied a lot in the last hour.",
    Action.REACTION: "You have reacted a lot in the last hour.",
    Action.REPORT: "You have sent many reports in the last hour.",
    Action.CIRCLE_CREATION: "You have created several circles today.",
    Action.INVITE: "You have created many invites today.",
    Action.FAILED_INVITE_CODE: "Too many invite codes did not work.",
    Action.PROFILE_RENAME: "You have changed your display name several times today.",
}


class RateLimiter(Protocol):
    """Counts each member's actions in a moving window."""

    async def hit(self, member_id: UUID, action: Action) -> int | None:
        """Take one slot. ``None`` when allowed; otherwise the whole seconds to wait
        before the next one is allowed (at least 1), and no slot is taken."""
        ...

    async def peek(self, member_id: UUID, action: Action) -> int | None:
        """Like :meth:`hit` without taking a slot."""
        ...


class RateLimited(DomainError):
    """Too many actions of one kind; ``retry_after`` seconds until the next is allowed."""

    def __init__(self, action: Action, retry_after: int) -> None:
        wait = _wait(retry_after)
        super().__init__(ErrorCode.RATE_LIMITED, f"{_MESSAGES[action]} Try again in {wait}.")
        self.action = action
        self.retry_after = retry_after


def _wait(seconds: int) -> str:
    if seconds <= 60:  # 60 s is "a minute", never "1 minutes"
        return "a minute"
    if seconds < HOUR:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minutes"
    hours = math.ceil(seconds / HOUR)
    return "an hour" if hours == 1 else f"{hours} hours"


async def take_slot(limiter: RateLimiter, member_id: UUID, action: Action) -> None:
    """Count one action, or raise :class:`RateLimited`."""
    retry_after = await limiter.hit(member_id, action)
    if retry_after is not None:
        raise RateLimited(action, retry_after)


async def ensure_slot_left(limiter: RateLimiter, member_id: UUID, action: Action) -> None:
    """Raise :class:`RateLimited` when the next action would be refused (takes no slot)."""
    retry_after = await limiter.peek(member_id, action)
    if retry_after is not None:
        raise RateLimited(action, retry_after)
