"""The rate-limit policy: defaults, the refusal it raises, and its top-level form."""

from __future__ import annotations

from uuid import uuid4

import pytest

from api.errors import rate_limited, user_errors
from domain.errors import ErrorCode
from domain.ratelimits.policy import (
    DAY,
    DEFAULT_LIMITS,
    HOUR,
    Action,
    Limit,
    RateLimited,
    ensure_slot_left,
    take_slot,
)
from tests.unit.fakes import FakeRateLimiter


def test_the_default_limits_are_the_ones_issue_11_asks_for() -> None:
    assert {a: (lim.count, lim.period_seconds) for a, lim in DEFAULT_LIMITS.items()} == {
        Action.POST: (30, HOUR),
        Action.REPLY: (120, HOUR),
        Action.REACTION: (300, HOUR),
        Action.REPORT: (10, HOUR),
        Action.CIRCLE_CREATION: (5, DAY),
        Action.INVITE: (20, DAY),
        Action.FAILED_INVITE_CODE: (20, HOUR),
        Action.PROFILE_RENAME: (5, DAY),
    }


def test_a_limit_needs_a_positive_count_and_period() -> None:
    with pytest.raises(ValueError, match="positive"):
        Limit(0, HOUR)


async def test_take_slot_counts_until_the_limit_then_raises_with_retry_after() -> None:
    limiter, member = FakeRateLimiter({Action.REPORT: 2}, retry_after=125), uuid4()
    await take_slot(limiter, member, Action.REPORT)
    await take_slot(limiter, member, Action.REPORT)
    with pytest.raises(RateLimited) as refused:
        await take_slot(limiter, member, Action.REPORT)
    assert refused.value.code is ErrorCode.RATE_LIMITED
    assert refused.value.retry_after == 125
    assert refused.value.message.endswith("Try again in 3 minutes.")
    assert limiter.hits[member, Action.REPORT] == 2


async def test_ensure_slot_left_takes_no_slot() -> None:
    limiter, member = FakeRateLimiter({Action.FAILED_INVITE_CODE: 1}), uuid4()
    await ensure_slot_left(limiter, member, Action.FAILED_INVITE_CODE)
    await ensure_slot_left(limiter, member, Action.FAILED_INVITE_CODE)
    assert limiter.hits == {}


def test_the_user_error_and_the_top_level_error_carry_retry_after() -> None:
    error = RateLimited(Action.POST, 1800)
    [user_error] = user_errors(error)
    assert (user_error.code, user_error.field, user_error.retry_after) == (
        ErrorCode.RATE_LIMITED,
        None,
        1800,
    )
    top = rate_limited(error)
    assert top.extensions == {"code": "RATE_LIMITED", "retryAfter": 1800}
    assert top.message == error.message
