"""Check-in use cases over the shared in-memory fakes: a check-in needs the health-data
consent, its note is rated (never queued), deleting one ends its shares, insights
read the member's own window, and reminder settings are saved in their timezone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from uuid import UUID, uuid4

import pytest

from domain.checkins.insights import compute_insights, window
from domain.checkins.model import CheckIn, Emotion
from domain.checkins.reminders import (
    ReminderSchedule,
    fires_between,
    local_day,
    make_schedule,
    next_fire_after,
)
from domain.checkins.services import (
    CheckInCommand,
    EditCheckIn,
    SetCheckInReminder,
    check_in,
    check_in_insights,
    delete_check_in,
    edit_check_in,
    set_check_in_reminder,
)
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import EventKind
from domain.privacy.model import CURRENT_HEALTH_DATA_CONSENT_VERSION, Consent, ConsentKind
from domain.safety.model import RiskAssessment, RiskLevel
from domain.safety.team import TargetKind
from tests.unit.fakes import CircleWithMembers

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)  # a Monday
CLOCK = FixedClock(NOW)


def _consent(c: CircleWithMembers, member: UUID) -> None:
    c.store.consents.append(
        Consent(uuid4(), member, ConsentKind.HEALTH_DATA, CURRENT_HEALTH_DATA_CONSENT_VERSION, NOW)
    )


class _Urgent:
    version = "test-2"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        self.texts.append(text)
        return RiskAssessment(RiskLevel.URGENT, ("rule.y",), self.version)


async def test_a_check_in_needs_the_health_data_consent() -> None:
    c = CircleWithMembers()
    with pytest.raises(DomainError) as raised:
        await check_in(CheckInCommand(c.ada, 3), c.uow(), CLOCK)
    assert raised.value.code is ErrorCode.HEALTH_CONSENT_REQUIRED
    assert c.store.check_ins == {}


async def test_a_check_in_is_kept_with_its_time_and_shared_circles_hear_of_it() -> None:
    c = CircleWithMembers()
    _consent(c, c.ada)
    made = await check_in(
        CheckInCommand(c.ada, 4, [Emotion.CALM], None, [c.circle.id]), c.uow(), CLOCK
    )
    assert (made.member_id, made.mood, made.emotions, made.created_at) == (
        c.ada,
        4,
        (Emotion.CALM,),
        NOW,
    )
    assert c.store.check_ins[made.id] == made
    assert [(e.kind, e.circle_id, e.subject_id) for e in c.store.published] == [
        (EventKind.CHECK_IN_SHARED, c.circle.id, made.id)
    ]


async def test_a_notes_rating_is_kept_but_opens_no_queue_item() -> None:
    c = CircleWithMembers()
    _consent(c, c.ada)
    detector = _Urgent()
    made = await check_in(
        CheckInCommand(c.ada, 1, note=" going tonight "), c.uow(), CLOCK, detector
    )
    assert made.risk_level is RiskLevel.URGENT
    assert detector.texts == ["going tonight"]
    (rating,) = c.store.risk_ratings
    assert (rating.target_kind, rating.target_id, rating.level) == (
        TargetKind.CHECK_IN,
        made.id,
        RiskLevel.URGENT,
    )
    assert c.store.safety_items == {}


async def test_a_check_in_without_a_note_is_not_rated() -> None:
    c = CircleWithMembers()
    _consent(c, c.ada)
    detector = _Urgent()
    made = await check_in(CheckInCommand(c.ada, 1), c.uow(), CLOCK, detector)
    assert made.risk_level is RiskLevel.NONE
    assert detector.texts == []
    assert c.store.risk_ratings == []


async def test_deleting_a_check_in_ends_each_of_its_shares() -> None:
    c = CircleWithMembers()
    mine = CheckIn(uuid4(), c.ada, 3, (), None, NOW, shared_circle_ids=(c.circle.id,))
    c.store.check_ins[mine.id] = mine
    assert await delete_check_in(c.ada, mine.id, c.uow()) == mine.id
    assert c.store.check_ins == {}
    assert [(e.kind, e.circle_id, e.member_id, e.subject_id) for e in c.store.published] == [
        (EventKind.CHECK_IN_SHARE_WITHDRAWN, c.circle.id, c.ada, mine.id)
    ]


async def test_only_the_owner_deletes_a_check_in() -> None:
    c = CircleWithMembers()
    mine = CheckIn(uuid4(), c.ada, 3, (), None, NOW)
    c.store.check_ins[mine.id] = mine
    for who, which in ((c.bo, mine.id), (c.ada, uuid4())):
        with pytest.raises(DomainError) as raised:
            await delete_check_in(who, which, c.uow())
        assert (raised.value.code, raised.value.message, raised.value.field) == (
            ErrorCode.NOT_FOUND,
            "Check-in was not found.",
            ("input", "checkInId"),
        )
    assert list(c.store.check_ins) == [mine.id]


async def test_insights_read_the_members_own_check_ins_of_the_last_days() -> None:
    c = CircleWithMembers()
    ada = c.store.members[c.ada]
    ada.timezone = "Asia/Tokyo"
    for days_ago, mood in ((0, 5), (1, 3), (7, 1)):
        made = CheckIn(uuid4(), c.ada, mood, (Emotion.CALM,), None, NOW - timedelta(days=days_ago))
        c.store.check_ins[made.id] = made
    others = CheckIn(uuid4(), c.bo, 1, (), None, NOW)
    c.store.check_ins[others.id] = others
    insights = await check_in_insights(ada, 7, c.uow(), CLOCK)
    assert (insights.days, insights.timezone, insights.count) == (7, "Asia/Tokyo", 2)
    assert insights.average_mood == 4.0
    assert (insights.first_day.isoformat(), insights.last_day.isoformat()) == (
        "2026-12-01",
        "2026-12-07",
    )
    assert insights.current_streak == 2
    wider = await check_in_insights(ada, 30, c.uow(), CLOCK)
    assert wider.count == 3
    with pytest.raises(ValidationError) as raised:
        await check_in_insights(ada, 14, c.uow(), CLOCK)
    (error,) = raised.value.errors
    assert (error.code, error.message, error.field) == (
        ErrorCode.INVALID,
        "Choose 7, 30 or 90 days.",
        ("days",),
    )


async def test_reminder_settings_are_saved_in_the_members_timezone() -> None:
    c = CircleWithMembers()
    _consent(c, c.ada)
    c.store.members[c.ada].timezone = "Europe/Paris"
    cmd = SetCheckInReminder(c.ada, True, ["08:30", "20:00"], [1, 2, 3, 4, 5])
    reminder = await set_check_in_reminder(cmd, c.uow(), CLOCK)
    assert reminder.schedule == make_schedule(
        "Europe/Paris", [time(8, 30), time(20)], [1, 2, 3, 4, 5]
    )
    assert (reminder.member_id, reminder.updated_at) == (c.ada, NOW)
    assert reminder.next_fire_at == datetime(2026, 12, 7, 19, tzinfo=UTC)  # 20:00 in Paris
    assert c.store.reminders[c.ada] == reminder


async def test_turning_reminders_off_needs_no_consent_but_on_does() -> None:
    c = CircleWithMembers()
    off = await set_check_in_reminder(SetCheckInReminder(c.ada, False), c.uow(), CLOCK)
    assert off.schedule.enabled is False
    assert off.next_fire_at is None
    with pytest.raises(DomainError) as raised:
        await set_check_in_reminder(SetCheckInReminder(c.ada, True, ["08:00"], [1]), c.uow(), CLOCK)
    assert raised.value.code is ErrorCode.HEALTH_CONSENT_REQUIRED


async def test_reminder_settings_need_a_profile_and_hh_mm_times() -> None:
    c = CircleWithMembers()
    with pytest.raises(DomainError) as raised:
        await set_check_in_reminder(SetCheckInReminder(uuid4(), False), c.uow(), CLOCK)
    assert (raised.value.code, raised.value.message) == (
        ErrorCode.NOT_ONBOARDED,
        "Set up your profile first.",
    )
    with pytest.raises(ValidationError) as invalid:
        await set_check_in_reminder(SetCheckInReminder(c.ada, True, ["8am"], [1]), c.uow(), CLOCK)
    (error,) = invalid.value.errors
    assert (error.code, error.field) == (ErrorCode.INVALID, ("input", "localTimes"))
    assert error.message == 'Reminder times are 24-hour "HH:MM" local times, e.g. "08:30".'


def _at(days_ago: int, mood: int, *emotions: Emotion, hour: int = 12) -> CheckIn:
    day = NOW.replace(hour=hour) - timedelta(days=days_ago)
    return CheckIn(uuid4(), uuid4(), mood, emotions, None, day)


def test_insights_average_each_day_to_two_places_and_rank_emotions() -> None:
    check_ins = [
        _at(0, 1, Emotion.SAD),
        _at(0, 2, Emotion.CALM, Emotion.SAD),
        _at(0, 2, Emotion.ANXIOUS),
        _at(2, 4, Emotion.CALM),
        _at(6, 5),  # the first day of the window
        _at(7, 1, Emotion.ANGRY),  # the day before: left out
    ]
    insights = compute_insights(check_ins, "UTC", 7, NOW)
    assert insights.count == 5
    assert insights.average_mood == 2.8
    assert [(d.day.isoformat(), d.average_mood, d.count) for d in insights.mood_by_day] == [
        ("2026-12-01", 5.0, 1),
        ("2026-12-05", 4.0, 1),
        ("2026-12-07", 1.67, 3),
    ]
    assert [(e.emotion, e.count) for e in insights.emotion_counts] == [
        (Emotion.CALM, 2),  # ties keep the display order: CALM before SAD
        (Emotion.SAD, 2),
        (Emotion.ANXIOUS, 1),
    ]
    assert (insights.first_day.isoformat(), insights.last_day.isoformat()) == (
        "2026-12-01",
        "2026-12-07",
    )


def test_a_streak_holds_until_a_whole_day_passes_without_a_check_in() -> None:
    yesterday_run = [_at(1, 3), _at(2, 3), _at(3, 3), _at(5, 3), _at(6, 3)]
    insights = compute_insights(yesterday_run, "UTC", 7, NOW)
    assert (insights.current_streak, insights.longest_streak) == (3, 3)
    every_day = [_at(n, 3) for n in range(7)]
    full = compute_insights(every_day, "UTC", 7, NOW)
    assert (full.current_streak, full.longest_streak) == (7, 7)
    broken = compute_insights([_at(2, 3), _at(3, 3)], "UTC", 7, NOW)
    assert (broken.current_streak, broken.longest_streak) == (0, 2)
    only_today = compute_insights([_at(0, 3)], "UTC", 7, NOW)
    assert (only_today.current_streak, only_today.longest_streak) == (1, 1)


def test_insight_days_are_the_members_local_days() -> None:
    late = CheckIn(uuid4(), uuid4(), 3, (), None, datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    tokyo = compute_insights([late], "Asia/Tokyo", 7, NOW)
    assert [d.day.isoformat() for d in tokyo.mood_by_day] == ["2026-12-07"]
    assert tokyo.current_streak == 1
    early = CheckIn(uuid4(), uuid4(), 3, (), None, datetime(2026, 12, 1, 9, tzinfo=UTC))
    honolulu = compute_insights([early], "Pacific/Honolulu", 7, NOW)  # Nov 30 there
    assert (honolulu.first_day.isoformat(), honolulu.count) == ("2026-12-01", 0)


def test_the_insight_window_covers_the_local_days_with_a_day_to_spare() -> None:
    first, last, start, end = window(7, "Asia/Tokyo", NOW)
    assert (first.isoformat(), last.isoformat()) == ("2026-12-01", "2026-12-07")
    assert start == datetime(2026, 11, 29, 15, tzinfo=UTC)  # Dec 1 00:00 JST, less a day
    assert end == datetime(2026, 12, 8, 15, tzinfo=UTC)  # Dec 8 00:00 JST, plus a day


# -- reminder settings: the messages and the schedule's arithmetic --------------------


def _problems(timezone: str, times: list[object], days: list[object], enabled: bool = True):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        make_schedule(timezone, times, days, enabled)  # type: ignore[arg-type]
    return [(e.code, e.message, e.field) for e in raised.value.errors]


def test_every_problem_with_reminder_settings_is_told_at_once() -> None:
    times = [time(8), time(8), time(9, 0, 30), time(10)]
    assert _problems("Mars/Olympus", times, [0, True, 8]) == [
        (
            ErrorCode.UNKNOWN_TIMEZONE,
            "Choose a timezone from the IANA list, for example Europe/London.",
            ("input", "timezone"),
        ),
        (ErrorCode.TOO_LONG, "Choose at most 3 reminder times.", ("input", "localTimes")),
        (ErrorCode.INVALID, "Each reminder time can only be chosen once.", ("input", "localTimes")),
        (
            ErrorCode.INVALID,
            "Reminder times are local times to the minute, without seconds.",
            ("input", "localTimes"),
        ),
        (
            ErrorCode.INVALID,
            "Weekdays are numbered 1 (Monday) to 7 (Sunday).",
            ("input", "weekdays"),
        ),
    ]
    assert _problems("UTC", [], []) == [
        (ErrorCode.INVALID, "Choose at least one reminder time.", ("input", "localTimes")),
        (ErrorCode.INVALID, "Choose at least one weekday.", ("input", "weekdays")),
    ]
    assert _problems("UTC", ["08:00", time(9), time(9), time(9)], [1]) == [
        (ErrorCode.TOO_LONG, "Choose at most 3 reminder times.", ("input", "localTimes")),
        (ErrorCode.INVALID, "Reminder times must be times of day.", ("input", "localTimes")),
    ]
    off = make_schedule("UTC", [], [], enabled=False)
    assert (off.local_times, off.weekdays, off.enabled) == ((), frozenset(), False)


def test_a_schedule_keeps_its_weekdays_as_a_set() -> None:
    schedule = ReminderSchedule("UTC", (time(9), time(8), time(9)), [3, 1, 3])  # type: ignore[arg-type]
    assert schedule.weekdays == frozenset({1, 3})
    assert schedule.local_times == (time(8), time(9))


def test_reminders_fire_on_local_days_in_a_window_that_ends_before_its_end() -> None:
    schedule = make_schedule("Asia/Tokyo", [time(8)], [1, 2, 3, 4, 5, 6, 7])
    start = datetime(2026, 12, 6, 23, tzinfo=UTC)  # Dec 7 08:00 JST
    fires = fires_between(schedule, start, start + timedelta(days=2))
    assert fires == [start, start + timedelta(days=1)]
    assert fires_between(schedule, start, start) == []
    assert fires_between(schedule, start + timedelta(seconds=1), start + timedelta(days=1)) == []
    week = fires_between(schedule, start, start + timedelta(days=7, seconds=1))
    assert len(week) == 8
    assert next_fire_after(schedule, start) == start + timedelta(days=1)
    assert next_fire_after(schedule, start - timedelta(seconds=1)) == start
    assert local_day(start, "Asia/Tokyo").isoformat() == "2026-12-07"
    assert local_day(start, "UTC").isoformat() == "2026-12-06"


def test_a_weekly_reminder_is_found_a_week_ahead() -> None:
    schedule = make_schedule("UTC", [time(9)], [1])  # Mondays
    monday = datetime(2026, 12, 7, 9, tzinfo=UTC)
    assert next_fire_after(schedule, monday) == monday + timedelta(days=7)
    assert next_fire_after(make_schedule("UTC", [], [], enabled=False), monday) is None


def test_naive_times_are_refused_by_the_schedule_arithmetic() -> None:
    schedule = make_schedule("UTC", [time(9)], [1])
    naive = datetime(2026, 12, 7, 9)
    for call, name in (
        (lambda: next_fire_after(schedule, naive), "after"),
        (lambda: fires_between(schedule, naive, NOW), "start"),
        (lambda: fires_between(schedule, NOW, naive), "end"),
        (lambda: local_day(naive, "UTC"), "instant"),
    ):
        with pytest.raises(ValueError, match=rf"^{name} must be an aware datetime$"):
            call()


async def test_the_limits_of_a_check_in_are_inclusive() -> None:
    c = CircleWithMembers()
    _consent(c, c.ada)
    circles = [c.circle.id]
    for _ in range(9):
        other = CircleWithMembers()
        c.store.circles[other.circle.id] = other.circle
        c.store.memberships[other.circle.id, c.ada] = replace(
            other.store.memberships[other.circle.id, other.ada], member_id=c.ada
        )
        circles.append(other.circle.id)
    made = await check_in(
        CheckInCommand(c.ada, 5, list(Emotion)[:10], "x" * 2000, circles), c.uow(), CLOCK
    )
    assert (made.mood, len(made.emotions), len(made.note or ""), len(made.shared_circle_ids)) == (
        5,
        10,
        2000,
        10,
    )
    low = await check_in(CheckInCommand(c.ada, 1), c.uow(), CLOCK)
    assert low.mood == 1
    with pytest.raises(ValidationError) as raised:
        await check_in(CheckInCommand(c.ada, True), c.uow(), CLOCK)  # type: ignore[arg-type]
    assert [e.field for e in raised.value.errors] == [("input", "mood")]


async def test_sharing_with_a_circle_one_is_not_in_names_the_circle() -> None:
    c = CircleWithMembers()
    _consent(c, c.ada)
    with pytest.raises(DomainError) as raised:
        await check_in(CheckInCommand(c.ada, 3, share_with_circle_ids=[uuid4()]), c.uow(), CLOCK)
    assert (raised.value.code, raised.value.message, raised.value.field) == (
        ErrorCode.NOT_FOUND,
        "Circle was not found.",
        ("input", "shareWithCircleIds"),
    )


async def test_an_edit_needs_the_consent_and_reports_every_problem() -> None:
    c = CircleWithMembers()
    _consent(c, c.ada)
    made = await check_in(CheckInCommand(c.ada, 3, note="keep"), c.uow(), CLOCK)
    with pytest.raises(ValidationError) as raised:
        await edit_check_in(
            EditCheckIn(c.ada, made.id, mood=0, emotions=list(Emotion)[:11]), c.uow(), CLOCK
        )
    assert [e.field for e in raised.value.errors] == [("input", "mood"), ("input", "emotions")]
    moved = await edit_check_in(EditCheckIn(c.ada, made.id, mood=4), c.uow(), CLOCK, _Urgent())
    assert (moved.mood, moved.note, moved.risk_level) == (
        4,
        "keep",
        RiskLevel.NONE,
    )  # note untouched: not rated
    c.store.consents.clear()
    with pytest.raises(DomainError) as refused:
        await edit_check_in(EditCheckIn(c.ada, made.id, mood=2), c.uow(), CLOCK)
    assert refused.value.code is ErrorCode.HEALTH_CONSENT_REQUIRED
