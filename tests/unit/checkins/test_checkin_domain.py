"""Check-in rules, insights and reminder queries, against a hand-made unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.checkins import services
from domain.checkins.insights import compute_insights
from domain.checkins.model import CheckIn, CheckInReminder, Emotion
from domain.checkins.reminders import make_schedule
from domain.circles.model import Membership, MembershipStatus, Role
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, NotFound, ValidationError
from tests.unit.fakes import FakeConsents

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


@dataclass
class FakeCheckIns:
    rows: dict[UUID, CheckIn] = field(default_factory=dict)

    async def get(self, check_in_id: UUID) -> CheckIn | None:
        return self.rows.get(check_in_id)

    async def add(self, check_in: CheckIn) -> None:
        self.rows[check_in.id] = check_in

    async def update(self, check_in: CheckIn) -> None:
        self.rows[check_in.id] = check_in

    async def delete(self, check_in_id: UUID) -> None:
        del self.rows[check_in_id]

    async def created_between(
        self, member_id: UUID, start: datetime, end: datetime
    ) -> list[CheckIn]:
        return [
            c
            for c in self.rows.values()
            if c.member_id == member_id and start <= c.created_at < end
        ]

    async def latest_times(self, member_ids: Any) -> dict[UUID, datetime]:
        latest: dict[UUID, datetime] = {}
        for c in self.rows.values():
            if c.member_id in member_ids:
                latest[c.member_id] = max(latest.get(c.member_id, c.created_at), c.created_at)
        return latest


@dataclass
class FakeReminders:
    rows: dict[UUID, CheckInReminder] = field(default_factory=dict)

    async def get(self, member_id: UUID) -> CheckInReminder | None:
        return self.rows.get(member_id)

    async def save(self, reminder: CheckInReminder) -> None:
        self.rows[reminder.member_id] = reminder

    async def due(self, start: datetime, end: datetime) -> list[CheckInReminder]:
        return [
            r
            for r in self.rows.values()
            if r.next_fire_at and start <= r.next_fire_at < end and not r.paused
        ]


@dataclass
class FakeMemberships:
    active: set[tuple[UUID, UUID]] = field(default_factory=set)

    async def get(self, circle_id: UUID, member_id: UUID) -> Membership | None:
        if (circle_id, member_id) not in self.active:
            return None
        return Membership(circle_id, member_id, Role.MEMBER, MembershipStatus.ACTIVE, NOW, NOW)


class FakeUoW:
    def __init__(self) -> None:
        self.check_ins = FakeCheckIns()
        self.reminders = FakeReminders()
        self.memberships = FakeMemberships()
        self.consents = FakeConsents(everyone_consents=True)
        self.committed = 0
        self.events: list[object] = []

    async def __aenter__(self) -> FakeUoW:
        return self

    async def __aexit__(self, *args: object) -> None:
        return None

    def record(self, event: object) -> None:
        self.events.append(event)

    async def commit(self) -> None:
        self.committed += 1


def _check_in(member: UUID, at: datetime, mood: int = 3, *emotions: Emotion) -> CheckIn:
    return CheckIn(uuid4(), member, mood, tuple(emotions), None, at)


async def test_check_in_validates_everything_at_once() -> None:
    uow, member = FakeUoW(), uuid4()
    command = services.CheckInCommand(member, 0, list(Emotion)[:11], "x" * 2001)
    with pytest.raises(ValidationError) as caught:
        await services.check_in(command, uow, FixedClock(NOW))  # type: ignore[arg-type]
    assert [(e.code, e.field[-1]) for e in caught.value.errors] == [
        (ErrorCode.INVALID, "mood"),
        (ErrorCode.TOO_LONG, "emotions"),
        (ErrorCode.TOO_LONG, "note"),
    ]
    assert uow.committed == 0


async def test_sharing_needs_an_active_membership_in_every_circle() -> None:
    uow, member, mine, other = FakeUoW(), uuid4(), uuid4(), uuid4()
    uow.memberships.active.add((mine, member))
    clock = FixedClock(NOW)
    with pytest.raises(NotFound) as caught:
        await services.check_in(
            services.CheckInCommand(member, 3, share_with_circle_ids=[mine, other]), uow, clock
        )  # type: ignore[arg-type]
    assert caught.value.field == ("input", "shareWithCircleIds")
    made = await services.check_in(
        services.CheckInCommand(member, 3, [Emotion.SAD, Emotion.SAD], " hi ", [mine, mine]),
        uow,
        clock,
    )  # type: ignore[arg-type]
    assert made.emotions == (Emotion.SAD,)
    assert made.note == "hi"
    assert made.shared_circle_ids == (mine,)


async def test_edits_close_24_hours_after_checking_in() -> None:
    uow, member = FakeUoW(), uuid4()
    clock = FixedClock(NOW)
    made = await services.check_in(services.CheckInCommand(member, 3, note="keep"), uow, clock)  # type: ignore[arg-type]
    clock.set(NOW + timedelta(hours=24) - timedelta(seconds=1))
    edited = await services.edit_check_in(services.EditCheckIn(member, made.id, mood=5), uow, clock)  # type: ignore[arg-type]
    assert (edited.mood, edited.note, edited.edited_at) == (5, "keep", clock.now())
    with pytest.raises(NotFound):
        await services.edit_check_in(services.EditCheckIn(uuid4(), made.id, mood=1), uow, clock)  # type: ignore[arg-type]
    clock.set(NOW + timedelta(hours=24))
    with pytest.raises(DomainError) as caught:
        await services.edit_check_in(services.EditCheckIn(member, made.id, mood=1), uow, clock)  # type: ignore[arg-type]
    assert caught.value.code is ErrorCode.EDIT_WINDOW_CLOSED


def test_streaks_and_averages_use_local_days_across_spring_forward() -> None:
    # Sydney springs forward on 2026-10-04 (AEST +10 -> AEDT +11)
    member = uuid4()
    tz = "Australia/Sydney"
    local = [(10, 2, 23, 30), (10, 3, 23, 30), (10, 4, 23, 30), (10, 6, 7, 0)]
    check_ins = [
        _check_in(
            member, datetime(2026, m, d, h, mi).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC), 2 + i
        )
        for i, (m, d, h, mi) in enumerate(local)
    ]
    now = datetime(2026, 10, 6, 1, tzinfo=UTC)  # Oct 6 12:00 AEDT
    insights = compute_insights(check_ins, tz, 7, now)
    assert [d.day.day for d in insights.mood_by_day] == [2, 3, 4, 6]
    assert insights.longest_streak == 3
    assert insights.current_streak == 1
    assert insights.average_mood == 3.5
    empty = compute_insights([], tz, 90, now)
    assert (empty.count, empty.average_mood, empty.current_streak) == (0, None, 0)
    with pytest.raises(ValidationError):
        compute_insights([], tz, 14, now)


async def test_a_new_timezone_moves_the_next_reminder() -> None:
    uow, member = FakeUoW(), uuid4()
    schedule = make_schedule("Europe/London", [time(8)], range(1, 8))
    await uow.reminders.save(CheckInReminder(member, schedule, None, NOW))
    await services.follow_timezone(uow, member, "Asia/Tokyo", NOW)  # type: ignore[arg-type]
    moved = uow.reminders.rows[member]
    assert moved.schedule == replace(schedule, timezone="Asia/Tokyo")
    assert moved.next_fire_at == datetime(2026, 11, 2, 23, tzinfo=UTC)  # Nov 3 08:00 JST


def test_local_times_must_be_hh_mm() -> None:
    assert services.parse_local_times(["07:05", "23:59"]) == [time(7, 5), time(23, 59)]
    for bad in ("7:05", "24:00", "12:60", "noon", "12:00:00"):
        with pytest.raises(ValidationError):
            services.parse_local_times([bad])
