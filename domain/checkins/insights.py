"""What a member's own check-ins say over the last 7, 30 or 90 days.

Everything is counted by the member's *local* day in their current timezone:
a check-in at 23:30 in Sydney belongs to that Sydney date, whatever the UTC
date. The window is the last ``days`` local dates, today included, so a window
that spans a DST change still has exactly ``days`` dates (one of them 23 or 25
hours long).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.checkins.model import CheckIn, Emotion
from domain.checkins.reminders import local_day
from domain.errors import DomainError, ErrorCode, ValidationError

INSIGHT_PERIODS = (7, 30, 90)
"""The windows a member can ask about, in days."""
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DayMood:
    """The average mood of one local date that has check-ins."""

    day: date
    average_mood: float
    count: int


@dataclass(frozen=True, slots=True)
class EmotionCount:
    emotion: Emotion
    count: int


@dataclass(frozen=True, slots=True)
class Insights:
    """A summary of the check-ins of local dates ``first_day`` .. ``last_day``."""

    days: int
    timezone: str
    first_day: date
    last_day: date
    count: int
    average_mood: float | None
    mood_by_day: tuple[DayMood, ...]
    emotion_counts: tuple[EmotionCount, ...]
    current_streak: int
    longest_streak: int


def check_period(days: int) -> int:
    if days not in INSIGHT_PERIODS:
        raise ValidationError(
            [DomainError(ErrorCode.INVALID, "Choose 7, 30 or 90 days.", ("days",))]
        )
    return days


def window(days: int, timezone: str, now: datetime) -> tuple[date, date, datetime, datetime]:
    """The local dates of the window and a UTC range that surely covers them.

    The UTC range is padded by a day on each side; callers filter by local date.
    """
    last = local_day(now, timezone)
    first = last - timedelta(days=days - 1)
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC) - _ONE_DAY
    end = datetime.combine(last + _ONE_DAY, time(0), tzinfo=zone).astimezone(UTC) + _ONE_DAY
    return first, last, start, end


def _round(value: float) -> float:
    return round(value, 2)


def _streaks(days_with: set[date], first: date, last: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive dates with a check-in.

    The current streak ends today, or yesterday when the member has not checked
    in yet today: a streak is only broken once a whole day passes without one.
    """
    longest = run = 0
    day = first
    while day <= last:
        run = run + 1 if day in days_with else 0
        longest = max(longest, run)
        day += _ONE_DAY
    end = last if last in days_with else last - _ONE_DAY
    current = 0
    while end >= first and end in days_with:
        current += 1
        end -= _ONE_DAY
    return current, longest


def compute_insights(
    check_ins: Iterable[CheckIn], timezone: str, days: int, now: datetime
) -> Insights:
    """Summarise ``check_ins`` (any superset of the window) for the last ``days``."""
    check_period(days)
    first, last, _, _ = window(days, timezone, now)
    by_day: dict[date, list[int]] = defaultdict(list)
    emotions: Counter[Emotion] = Counter()
    for check_in in check_ins:
        day = local_day(check_in.created_at, timezone)
        if first <= day <= last:
            by_day[day].append(check_in.mood)
            emotions.update(check_in.emotions)
    moods = [mood for day_moods in by_day.values() for mood in day_moods]
    order = list(Emotion)
    current, longest = _streaks(set(by_day), first, last)
    return Insights(
        days=days,
        timezone=timezone,
        first_day=first,
        last_day=last,
        count=len(moods),
        average_mood=_round(sum(moods) / len(moods)) if moods else None,
        mood_by_day=tuple(
            DayMood(day, _round(sum(m) / len(m)), len(m)) for day, m in sorted(by_day.items())
        ),
        emotion_counts=tuple(
            EmotionCount(e, n)
            for e, n in sorted(emotions.items(), key=lambda item: (-item[1], order.index(item[0])))
        ),
        current_streak=current,
        longest_streak=longest,
    )
