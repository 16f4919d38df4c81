"""Check-in reminder schedules: validation and fire times across awkward clocks."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.checkins.reminders import (
    ReminderSchedule,
    fires_between,
    local_day,
    make_schedule,
    next_fire_after,
)
from domain.errors import ErrorCode, ValidationError

EVERY_DAY = frozenset(range(1, 8))
ONE_DAY = timedelta(days=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def daily(timezone: str, *times: time, weekdays: frozenset[int] = EVERY_DAY) -> ReminderSchedule:
    """A validated, enabled schedule."""
    return make_schedule(timezone, times, weekdays, True)


def local_wall(instant: datetime, timezone: str) -> datetime:
    """The naive wall time clocks in ``timezone`` show at ``instant``."""
    return instant.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


# --- examples ---------------------------------------------------------------


def test_new_york_time_in_spring_forward_gap_fires_when_clocks_reach_three() -> None:
    # given 02:30 does not exist on 2026-03-08 in New York (02:00 -> 03:00)
    schedule = daily("America/New_York", time(2, 30))
    # when
    fire = next_fire_after(schedule, utc(2026, 3, 8, 5))
    # then it fires at 03:00 EDT
    assert fire == utc(2026, 3, 8, 7)
    assert local_wall(fire, "America/New_York") == datetime(2026, 3, 8, 3, 0)


def test_new_york_ambiguous_fall_back_time_fires_once_on_first_occurrence() -> None:
    # given 01:30 happens twice on 2026-11-01 in New York
    schedule = daily("America/New_York", time(1, 30))
    # when
    fires = fires_between(schedule, utc(2026, 11, 1, 0), utc(2026, 11, 2, 0))
    # then only the first (EDT) occurrence fires
    assert fires == [utc(2026, 11, 1, 5, 30)]
    assert next_fire_after(schedule, utc(2026, 11, 1, 4)) == utc(2026, 11, 1, 5, 30)
    assert next_fire_after(schedule, utc(2026, 11, 1, 5, 30)) == utc(2026, 11, 2, 6, 30)


def test_two_times_in_the_same_gap_fire_once_at_the_same_instant() -> None:
    # given 02:15 and 02:45 both fall in New York's 2026-03-08 gap
    schedule = daily("America/New_York", time(2, 15), time(2, 45))
    # when
    fires = fires_between(schedule, utc(2026, 3, 8, 0), utc(2026, 3, 9, 12))
    # then both collapse onto a single 03:00 EDT fire
    assert fires == [utc(2026, 3, 8, 7), utc(2026, 3, 9, 6, 15), utc(2026, 3, 9, 6, 45)]
    assert next_fire_after(schedule, utc(2026, 3, 8, 7)) == utc(2026, 3, 9, 6, 15)


def test_london_follows_gmt_and_bst_and_both_transitions() -> None:
    schedule = daily("Europe/London", time(1, 30))
    assert next_fire_after(schedule, utc(2026, 1, 14, 12)) == utc(2026, 1, 15, 1, 30)
    assert next_fire_after(schedule, utc(2026, 7, 14, 12)) == utc(2026, 7, 15, 0, 30)
    # the gap 01:00 -> 02:00 BST moves 01:30 to 02:00 BST
    assert next_fire_after(schedule, utc(2026, 3, 29, 0)) == utc(2026, 3, 29, 1)
    # the repeated hour fires on the first (BST) 01:30 only
    assert fires_between(schedule, utc(2026, 10, 25), utc(2026, 10, 26)) == [
        utc(2026, 10, 25, 0, 30)
    ]


def test_lord_howe_half_hour_shift_moves_gap_time_and_keeps_first_occurrence() -> None:
    zone = "Australia/Lord_Howe"
    # 02:00 -> 02:30 on 2026-10-04: 02:15 fires at 02:30 (+11)
    gap_fire = next_fire_after(daily(zone, time(2, 15)), utc(2026, 10, 3, 12))
    assert gap_fire == utc(2026, 10, 3, 15, 30)
    assert local_wall(gap_fire, zone) == datetime(2026, 10, 4, 2, 30)
    # 02:00 -> 01:30 on 2026-04-05: 01:45 fires on the first (+11) occurrence
    fold_fires = fires_between(daily(zone, time(1, 45)), utc(2026, 4, 4), utc(2026, 4, 5, 12))
    assert fold_fires == [utc(2026, 4, 4, 14, 45)]


@pytest.mark.parametrize(
    ("zone", "after", "skipped", "next_fire"),
    [
        # Samoa jumped from -10 to +14 and had no 2011-12-30
        ("Pacific/Apia", utc(2011, 12, 29, 19), date(2011, 12, 30), utc(2011, 12, 30, 19)),
        # Kiritimati jumped from -10 to +14 and had no 1994-12-31
        ("Pacific/Kiritimati", utc(1994, 12, 30, 22), date(1994, 12, 31), utc(1994, 12, 31, 22)),
    ],
)
def test_local_date_that_does_not_exist_has_no_fire(
    zone: str, after: datetime, skipped: date, next_fire: datetime
) -> None:
    # given a daily noon-ish reminder that just fired on the day before the skip
    schedule = daily(zone, time(9), time(12))
    # when
    fires = fires_between(schedule, after - timedelta(days=2), after + timedelta(days=3))
    # then no fire belongs to the skipped date, and the days around it still fire
    days = [local_day(fire, zone) for fire in fires]
    assert skipped not in days
    assert skipped - timedelta(days=1) in days
    assert skipped + timedelta(days=1) in days
    assert next_fire in fires


def test_only_weekday_that_a_zone_skipped_waits_for_the_next_week() -> None:
    # given Fridays only; Samoa's Friday 2011-12-30 did not exist
    schedule = daily("Pacific/Apia", time(9), weekdays=frozenset({5}))
    # when
    fire = next_fire_after(schedule, utc(2011, 12, 23, 20))
    # then the next fire is Friday 2012-01-06 09:00 (+14)
    assert fire == utc(2012, 1, 5, 19)


def test_kolkata_half_hour_offset_never_shifts() -> None:
    schedule = daily("Asia/Kolkata", time(9), time(23, 45))
    fires = fires_between(schedule, utc(2026, 3, 28), utc(2026, 3, 29))
    assert fires == [utc(2026, 3, 28, 3, 30), utc(2026, 3, 28, 18, 15)]


def test_troll_two_hour_shift_moves_gap_time_and_keeps_first_occurrence() -> None:
    schedule = daily("Antarctica/Troll", time(2))
    # +00 -> +02 at 01:00Z: 02:00 local does not exist, clocks read 03:00
    assert next_fire_after(schedule, utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1)
    # +02 -> +00 at 01:00Z: 02:00 happens twice, the +02 one fires
    assert fires_between(schedule, utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == [
        utc(2026, 10, 25, 0)
    ]


def test_santiago_reminders_near_midnight_fire_once_on_the_right_local_day() -> None:
    zone = "America/Santiago"
    # 2026-09-06 starts at 01:00: a 00:30 reminder fires at 01:00 (-03)
    assert next_fire_after(daily(zone, time(0, 30)), utc(2026, 9, 5, 12)) == utc(2026, 9, 6, 4)
    # 23:00..24:00 on 2026-04-04 happens twice: 23:30 fires on the -03 one
    fires = fires_between(daily(zone, time(23, 30)), utc(2026, 4, 4, 12), utc(2026, 4, 5, 12))
    assert fires == [utc(2026, 4, 5, 2, 30)]
    assert local_day(fires[0], zone) == date(2026, 4, 4)


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        ("America/Havana", utc(2026, 3, 7, 12), utc(2026, 3, 8, 5)),
        ("Asia/Beirut", utc(2026, 3, 28, 12), utc(2026, 3, 28, 22)),
    ],
)
def test_reminder_in_gap_at_midnight_moves_to_one_in_the_morning(
    zone: str, after: datetime, expected: datetime
) -> None:
    # given clocks jump from 00:00 to 01:00
    fire = next_fire_after(daily(zone, time(0, 30)), after)
    # then 00:30 fires at 01:00 on the same local date
    assert fire == expected
    assert local_wall(fire, zone).time() == time(1, 0)
    assert local_day(fire, zone) == local_day(after, zone) + timedelta(days=1)


def test_offset_with_seconds_fires_on_first_whole_minute_after_gap() -> None:
    # Monrovia went from -00:44:30 to +00:00 on 1972-01-07; 00:44:30 is the gap's end
    fire = next_fire_after(daily("Africa/Monrovia", time(0, 10)), utc(1972, 1, 6, 12))
    assert fire == utc(1972, 1, 7, 0, 45)


def test_weekdays_filter_which_local_dates_fire() -> None:
    # given Mondays and Thursdays in Tokyo; 2026-06-10 is a Wednesday
    schedule = daily("Asia/Tokyo", time(8), weekdays=frozenset({1, 4}))
    # when
    fires = fires_between(schedule, utc(2026, 6, 10), utc(2026, 6, 20))
    # then
    assert [local_day(f, "Asia/Tokyo").isoweekday() for f in fires] == [4, 1, 4]
    assert fires[0] == utc(2026, 6, 10, 23)


def test_weekday_is_the_members_local_weekday_not_utcs() -> None:
    # given Sunday 08:00 in Kiritimati (+14) is Saturday 18:00 UTC
    schedule = daily("Pacific/Kiritimati", time(8), weekdays=frozenset({7}))
    fire = next_fire_after(schedule, utc(2026, 6, 1))
    assert fire == utc(2026, 6, 6, 18)
    assert fire.isoweekday() == 6
    assert local_day(fire, "Pacific/Kiritimati") == date(2026, 6, 7)


def test_fire_is_strictly_after_the_given_instant_and_accepts_any_timezone() -> None:
    schedule = daily("Europe/London", time(9))
    at_fire = datetime(2026, 1, 15, 4, tzinfo=ZoneInfo("America/New_York"))
    assert next_fire_after(schedule, at_fire) == utc(2026, 1, 16, 9)
    assert next_fire_after(schedule, at_fire - timedelta(microseconds=1)) == utc(2026, 1, 15, 9)


def test_fires_between_includes_start_and_excludes_end() -> None:
    schedule = daily("Europe/London", time(9))
    assert fires_between(schedule, utc(2026, 1, 15, 9), utc(2026, 1, 16, 9)) == [
        utc(2026, 1, 15, 9)
    ]
    assert fires_between(schedule, utc(2026, 1, 16), utc(2026, 1, 15)) == []


def test_disabled_schedule_never_fires() -> None:
    schedule = make_schedule("Europe/London", [time(9)], frozenset({1}), enabled=False)
    assert next_fire_after(schedule, utc(2026, 1, 1)) is None
    assert fires_between(schedule, utc(2026, 1, 1), utc(2026, 2, 1)) == []


def test_fire_times_are_utc() -> None:
    fire = next_fire_after(daily("Asia/Kolkata", time(9)), utc(2026, 1, 1))
    assert fire is not None
    assert fire.utcoffset() == timedelta(0)
    assert fire.tzinfo is UTC


def test_naive_datetimes_are_rejected() -> None:
    schedule = daily("Europe/London", time(9))
    with pytest.raises(ValueError, match="aware"):
        next_fire_after(schedule, datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        fires_between(schedule, utc(2026, 1, 1), datetime(2026, 1, 2))


# --- validation -------------------------------------------------------------


def test_schedule_times_are_sorted() -> None:
    schedule = make_schedule("Europe/London", [time(21), time(8), time(12, 30)], {1, 2})
    assert schedule.local_times == (time(8), time(12, 30), time(21))
    assert schedule.weekdays == frozenset({1, 2})


def test_disabled_schedule_may_be_empty() -> None:
    schedule = make_schedule("Europe/London", [], frozenset(), enabled=False)
    assert schedule.local_times == ()
    assert not schedule.enabled


def test_directly_built_schedule_sorts_and_dedupes_times() -> None:
    schedule = ReminderSchedule("Europe/London", (time(9), time(8), time(9)), frozenset({1}))
    assert schedule.local_times == (time(8), time(9))


def _codes(error: ValidationError) -> list[tuple[ErrorCode, tuple[str, ...]]]:
    return [(e.code, e.field) for e in error.errors]


@pytest.mark.parametrize(
    ("timezone", "times", "weekdays", "enabled", "expected"),
    [
        ("Mars/Olympus", [time(9)], {1}, True, (ErrorCode.UNKNOWN_TIMEZONE, "timezone")),
        ("", [time(9)], {1}, True, (ErrorCode.UNKNOWN_TIMEZONE, "timezone")),
        ("../etc/passwd", [time(9)], {1}, True, (ErrorCode.UNKNOWN_TIMEZONE, "timezone")),
        ("europe/london", [time(9)], {1}, True, (ErrorCode.UNKNOWN_TIMEZONE, "timezone")),
        ("localtime", [time(9)], {1}, True, (ErrorCode.UNKNOWN_TIMEZONE, "timezone")),
        ("UTC", [time(h) for h in (1, 2, 3, 4)], {1}, True, (ErrorCode.TOO_LONG, "localTimes")),
        ("UTC", [time(9), time(9)], {1}, True, (ErrorCode.INVALID, "localTimes")),
        ("UTC", [time(9, 0, 30)], {1}, True, (ErrorCode.INVALID, "localTimes")),
        ("UTC", [time(9, 0, 0, 1)], {1}, True, (ErrorCode.INVALID, "localTimes")),
        ("UTC", [time(9, tzinfo=UTC)], {1}, True, (ErrorCode.INVALID, "localTimes")),
        ("UTC", [], {1}, True, (ErrorCode.INVALID, "localTimes")),
        ("UTC", [time(9)], {0}, True, (ErrorCode.INVALID, "weekdays")),
        ("UTC", [time(9)], {8}, True, (ErrorCode.INVALID, "weekdays")),
        ("UTC", [time(9)], set(), True, (ErrorCode.INVALID, "weekdays")),
    ],
)
def test_invalid_input_is_rejected_with_code_and_field(
    timezone: str,
    times: list[time],
    weekdays: set[int],
    enabled: bool,
    expected: tuple[ErrorCode, str],
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_schedule(timezone, times, weekdays, enabled)
    code, field = expected
    assert _codes(caught.value) == [(code, ("input", field))]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        make_schedule("Nowhere/Land", [time(9, 0, 1)] * 4, {9}, True)
    assert _codes(caught.value) == [
        (ErrorCode.UNKNOWN_TIMEZONE, ("input", "timezone")),
        (ErrorCode.TOO_LONG, ("input", "localTimes")),
        (ErrorCode.INVALID, ("input", "localTimes")),
        (ErrorCode.INVALID, ("input", "localTimes")),
        (ErrorCode.INVALID, ("input", "weekdays")),
    ]


# --- properties -------------------------------------------------------------

# "localtime" is the host's alias and "Factory" a placeholder: both are rejected.
ALL_ZONES = tuple(z for z in sorted(available_timezones()) if z not in {"localtime", "Factory"})
AWKWARD_ZONES = (
    "Africa/Casablanca",
    "Africa/Monrovia",
    "America/Havana",
    "America/New_York",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Antarctica/Troll",
    "Asia/Beirut",
    "Asia/Gaza",
    "Asia/Kolkata",
    "Asia/Tehran",
    "Australia/Lord_Howe",
    "Europe/Dublin",
    "Europe/London",
    "Europe/Moscow",
    "Pacific/Apia",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Kwajalein",
)
WINDOW_DAYS = 21
PROPERTY_SETTINGS = settings(
    max_examples=15 if os.environ.get("HEARTH_MUTATION_RUN") else 120,  # make mutate
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@cache
def transitions(timezone: str) -> tuple[datetime, ...]:
    """UTC instants in 1970..2037 where the zone's offset changes.

    Scans weekly and bisects to the second, so an offset that changes and
    changes back within a week may be missed; that only loses a start point.
    """
    zone = ZoneInfo(timezone)
    found: list[datetime] = []
    probe, stop = utc(1970, 1, 1), utc(2037, 12, 1)
    while probe < stop:
        later = probe + timedelta(days=7)
        if probe.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            low, high = probe, later
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high.replace(microsecond=0))
        probe = later
    return tuple(found)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[ReminderSchedule, datetime]:
    """A schedule and a start instant, often with times right at a transition."""
    timezone = draw(st.one_of(st.sampled_from(ALL_ZONES), st.sampled_from(AWKWARD_ZONES)))
    changes = transitions(timezone)
    minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
    near_a_change = draw(st.booleans())
    if changes and near_a_change:
        change = draw(st.sampled_from(changes))
        start = change - timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        before = local_wall(change - timedelta(seconds=1), timezone).replace(second=0)
        # gaps start a minute after ``before``; repeated hours end at it
        near = st.integers(-70, 70).map(lambda k: (before + timedelta(minutes=k)).time())
        mostly_near = st.one_of(near, near, minute_times)
        times = draw(st.lists(mostly_near, min_size=1, max_size=3, unique=True))
    else:
        naive = draw(st.datetimes(datetime(1970, 1, 1), datetime(2037, 11, 1)))
        start = naive.replace(tzinfo=UTC)
        times = draw(st.lists(minute_times, min_size=1, max_size=3, unique=True))
    weekdays = draw(st.frozensets(st.integers(1, 7), min_size=1))
    return make_schedule(timezone, times, weekdays, True), start


def iterate_fires(schedule: ReminderSchedule, start: datetime) -> list[datetime]:
    """Fires in ``[start, start + window)``, by repeatedly asking for the next one."""
    fires: list[datetime] = []
    fire = next_fire_after(schedule, start - timedelta(microseconds=1))
    while fire is not None and fire < start + timedelta(days=WINDOW_DAYS):
        fires.append(fire)
        fire = next_fire_after(schedule, fire)
    return fires


def interior_days(schedule: ReminderSchedule, start: datetime) -> list[date]:
    """Local dates well inside the window, away from its edges."""
    first = local_day(start, schedule.timezone) + timedelta(days=2)
    last = local_day(start + timedelta(days=WINDOW_DAYS), schedule.timezone) - timedelta(days=2)
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def shows(wall: datetime, zone: ZoneInfo, fold: int) -> datetime | None:
    """The instant ``wall`` with ``fold`` maps to, if clocks really show ``wall`` then."""
    instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
    return instant if instant.astimezone(zone).replace(tzinfo=None) == wall else None


def date_exists(day: date, zone: ZoneInfo) -> bool:
    """Whether clocks in ``zone`` show ``day`` at some point (checked every 15 min)."""
    probes = (
        utc(day.year, day.month, day.day) + timedelta(minutes=15 * k) for k in range(-64, 160)
    )
    return any(probe.astimezone(zone).date() == day for probe in probes)


@PROPERTY_SETTINGS
@given(scenarios())
def test_iterated_fires_increase_and_never_repeat_an_instant_or_slot(
    scenario: tuple[ReminderSchedule, datetime],
) -> None:
    schedule, start = scenario
    # when
    fires = iterate_fires(schedule, start)
    # then
    assert all(a < b for a, b in pairwise(fires))
    listed = fires_between(schedule, start, start + timedelta(days=WINDOW_DAYS))
    assert len(set(listed)) == len(listed)
    assert listed == fires
    per_day: dict[date, int] = {}
    for fire in fires:
        day = local_day(fire, schedule.timezone)
        per_day[day] = per_day.get(day, 0) + 1
    assert all(count <= len(schedule.local_times) for count in per_day.values())
    assert all(day.isoweekday() in schedule.weekdays for day in per_day)


@PROPERTY_SETTINGS
@given(scenarios())
def test_no_existing_enabled_local_day_is_skipped(
    scenario: tuple[ReminderSchedule, datetime],
) -> None:
    schedule, start = scenario
    zone = ZoneInfo(schedule.timezone)
    # when
    fired_days = {local_day(fire, schedule.timezone) for fire in iterate_fires(schedule, start)}
    # then
    for day in interior_days(schedule, start):
        if day.isoweekday() in schedule.weekdays and date_exists(day, zone):
            assert day in fired_days, day


@PROPERTY_SETTINGS
@given(scenarios())
def test_each_slot_fires_at_its_wall_time_first_occurrence_or_gap_end(
    scenario: tuple[ReminderSchedule, datetime],
) -> None:
    schedule, start = scenario
    zone = ZoneInfo(schedule.timezone)
    fires = set(fires_between(schedule, start, start + timedelta(days=WINDOW_DAYS)))
    for day in interior_days(schedule, start):
        if day.isoweekday() not in schedule.weekdays:
            continue
        day_fires = {f for f in fires if local_day(f, schedule.timezone) == day}
        expected = {expected_fire(day, at, zone) for at in schedule.local_times}
        assert day_fires == expected - {None}


def expected_fire(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The slot's fire by the rules, checking each case's claims on the way."""
    wall = datetime.combine(day, at)
    first, second = shows(wall, zone, fold=0), shows(wall, zone, fold=1)
    if first is not None and second is not None:
        # exists once or twice: the wall time exactly, on its first occurrence
        earliest = min(first, second)
        assert earliest.astimezone(zone).fold == 0
        return earliest
    # a wall time clocks show does so for both folds, so this one is in a gap
    assert first is None
    assert second is None
    # in a gap: the first later minute of the same date that clocks show
    candidate = wall + timedelta(minutes=1)
    while candidate.date() == day:
        shown = shows(candidate, zone, fold=0)
        if shown is not None:
            assert local_wall(shown, str(zone)) == candidate
            return shown
        candidate += timedelta(minutes=1)
    return None


def spring_forwards(timezone: str) -> tuple[datetime, ...]:
    """The transitions where clocks jump forward, leaving a gap."""
    zone = ZoneInfo(timezone)
    second = timedelta(seconds=1)
    return tuple(
        change
        for change in transitions(timezone)
        if offset_at(change - second, zone) < offset_at(change, zone)
    )


def offset_at(instant: datetime, zone: ZoneInfo) -> timedelta:
    """The zone's UTC offset at ``instant``."""
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def first_whole_minute(wall: datetime) -> datetime:
    """``wall`` rounded up to a whole minute."""
    return wall + (-wall.second % 60) * timedelta(seconds=1)


@st.composite
def shared_gaps(draw: st.DrawFn) -> tuple[ReminderSchedule, datetime, date]:
    """Two or three times inside one spring-forward gap, the change and its date."""
    zones = st.one_of(st.sampled_from(ALL_ZONES), st.sampled_from(AWKWARD_ZONES))
    timezone = draw(zones.filter(lambda name: bool(spring_forwards(name))))
    change = draw(st.sampled_from(spring_forwards(timezone)))
    # the gap is [gap_start, gap_end) in wall time; keep the times on one date
    gap_start = local_wall(change - timedelta(seconds=1), timezone) + timedelta(seconds=1)
    first = first_whole_minute(gap_start)
    midnight = datetime.combine(first.date(), time()) + ONE_DAY
    minutes = int((min(local_wall(change, timezone), midnight) - first) / timedelta(minutes=1))
    assume(minutes >= 2)
    chosen = draw(st.lists(st.integers(0, minutes - 1), min_size=2, max_size=3, unique=True))
    times = [(first + timedelta(minutes=k)).time() for k in chosen]
    schedule = make_schedule(timezone, times, frozenset({first.isoweekday()}), True)
    return schedule, change, first.date()


@PROPERTY_SETTINGS
@given(shared_gaps())
def test_times_sharing_a_gap_fire_once_at_the_first_minute_after_it(
    scenario: tuple[ReminderSchedule, datetime, date],
) -> None:
    # given several times inside one gap on date ``day``, the only enabled weekday
    schedule, change, day = scenario
    after_gap = first_whole_minute(local_wall(change, schedule.timezone))
    # when
    fires = fires_between(schedule, change - 2 * ONE_DAY, change + 2 * ONE_DAY)
    # then one fire at the first whole minute after the gap, if ``day`` has one left
    if after_gap.date() != day:
        assert fires == []
    else:
        assert fires == [shows(after_gap, ZoneInfo(schedule.timezone), fold=0)]
        assert next_fire_after(schedule, change - ONE_DAY) == fires[0]
