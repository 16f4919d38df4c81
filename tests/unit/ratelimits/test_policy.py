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


@pytest.mark.parametrize(
    ("seconds", "wait"),
    [
        (1, "a minute"),
        (59, "a minute"),
        (60, "a minute"),
        (61, "2 minutes"),
        (3599, "60 minutes"),
        (3600, "an hour"),
        (3601, "2 hours"),
        (7200, "2 hours"),
        (86_400, "24 hours"),
    ],
)
def test_the_wait_is_told_in_whole_minutes_under_an_hour_rounded_up_never_1_minutes(
    seconds: int, wait: str
) -> None:
    error = RateLimited(Action.POST, seconds)
    assert error.message == f"You have posted a lot in the last hour. Try again in {wait}."
    assert (error.action, error.retry_after) == (Action.POST, seconds)


@pytest.mark.parametrize(("count", "period"), [(1, 0), (0, 1), (-1, HOUR)])
def test_a_limit_of_nothing_is_refused(count: int, period: int) -> None:
    with pytest.raises(ValueError, match="a limit needs a positive count and period"):
        Limit(count, period)
    assert Limit(1, 1) == Limit(1, 1)


def test_each_action_says_what_was_limited() -> None:
    said = {action: RateLimited(action, 30).message for action in Action}
    assert said == {
        Action.POST: "You have posted a lot in the last hour. Try again in a minute.",
        Action.REPLY: "You have replied a lot in the last hour. Try again in a minute.",
        Action.REACTION: "You have reacted a lot in the last hour. Try again in a minute.",
        Action.REPORT: "You have sent many reports in the last hour. Try again in a minute.",
        Action.CIRCLE_CREATION: "You have created several circles today. Try again in a minute.",
        Action.INVITE: "You have created many invites today. Try again in a minute.",
        Action.FAILED_INVITE_CODE: "Too many invite codes did not work. Try again in a minute.",
        Action.PROFILE_RENAME: (
            "You have changed your display name several times today. Try again in a minute."
        ),
    }
