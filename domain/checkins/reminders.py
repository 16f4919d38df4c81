"""Check-in reminder schedules and the instants they fire at.

A member chooses up to three local times of day and a set of ISO weekdays
(1 = Monday ... 7 = Sunday), stored against their IANA timezone. Each pair of
an enabled local date and a chosen time is a *slot*; the push worker asks for
the UTC instants the slots fire at. Clocks are awkward, so the rules are:

* A slot whose wall time exists exactly once that day fires at that wall time.
* A slot whose wall time happens twice (clocks fall back) fires once, at the
  first occurrence (``fold=0``).
* A slot whose wall time is skipped (clocks spring forward) fires at the first
  valid local minute after it, i.e. the wall time the gap jumps to: 02:30 in a
  02:00 -> 03:00 gap fires at 03:00.
* A slot never leaves its local date. If no minute of the date is left at or
  after the slot's time, there is nothing to fire at and the slot is dropped.
  This is what happens on a local date that does not exist at all (Samoa
  skipped 2011-12-30; Kiritimati skipped 1994-12-31). Every fire therefore
  falls on its slot's local date, which :func:`local_day` tells the worker.
* Slots that land on the same instant (02:15 and 02:45 in one gap both land
  on 03:00) fire once: there are never two fires at the same instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import DomainError, ErrorCode, ValidationError

MAX_LOCAL_TIMES = 3
"""How many reminder times a member may choose."""

# Names the zoneinfo lookup accepts that are not places a member lives in.
_NOT_A_PLACE = frozenset({"localtime", "Factory"})
_ONE_MINUTE = timedelta(minutes=1)
_ONE_DAY = timedelta(days=1)
# Local dates are scanned this many days either side of the instants asked
# about, because a local date and the UTC date can differ by more than a day.
_MARGIN_DAYS = 2
# A week of weekdays, plus room for local dates a zone skipped.
_SEARCH_DAYS = 16


@dataclass(frozen=True)
class ReminderSchedule:
    """When a member wants check-in reminders, in their own timezone.

    Build it with :func:`make_schedule`, which validates the input. Direct
    construction only normalises: ``local_times`` is sorted and de-duplicated
    and ``weekdays`` becomes a frozenset.
    """

    timezone: str
    local_times: tuple[time, ...]
    weekdays: frozenset[int]
    enabled: bool = True

    def __post_init__(self) -> None:
        """Sort and de-duplicate the times; freeze the weekdays."""
        object.__setattr__(self, "local_times", tuple(sorted(set(self.local_times))))
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))


def make_schedule(
    timezone: str,
    local_times: Iterable[time],
    weekdays: Iterable[int],
    enabled: bool = True,
) -> ReminderSchedule:
    """Validate member input and build a :class:`ReminderSchedule`.

    Raises :class:`ValidationError` listing every problem found: an unknown
    timezone (``UNKNOWN_TIMEZONE`` on ``timezone``); more than three times
    (``TOO_LONG``), a repeated time, a time with seconds, microseconds or a
    tzinfo, or no time while enabled (``INVALID``), all on ``localTimes``; a
    weekday outside 1..7 or no weekday while enabled (``INVALID`` on
    ``weekdays``). A disabled schedule may have no times and no weekdays.
    """
    times = tuple(local_times)
    days = tuple(weekdays)
    errors = [
        *_timezone_errors(timezone),
        *_local_time_errors(times, enabled),
        *_weekday_errors(days, enabled),
    ]
    if errors:
        raise ValidationError(errors)
    return ReminderSchedule(timezone, times, frozenset(days), enabled)


def next_fire_after(schedule: ReminderSchedule, after: datetime) -> datetime | None:
    """The first fire instant strictly after ``after``, as an aware UTC datetime.

    ``after`` must be aware (any timezone) and well inside years 1..9999.
    Returns None when the schedule is disabled or has no times or weekdays.
    """
    after_utc = _as_utc(after, "after")
    if not _can_fire(schedule):
        return None
    zone = ZoneInfo(schedule.timezone)
    day = after_utc.astimezone(zone).date() - timedelta(days=_MARGIN_DAYS)
    last_day = day + timedelta(days=_SEARCH_DAYS)
    candidates: list[datetime] = []
    while day <= last_day:
        candidates += [fire for fire in _day_fires(schedule, zone, day) if fire > after_utc]
        if candidates:
            last_day = min(last_day, day + timedelta(days=_MARGIN_DAYS))
        day += _ONE_DAY
    return min(candidates, default=None)


def fires_between(schedule: ReminderSchedule, start: datetime, end: datetime) -> list[datetime]:
    """Every fire instant in ``[start, end)``, in order, as aware UTC datetimes.

    Both bounds must be aware. Each instant appears once even when several
    slots land on it. Empty when the schedule cannot fire or ``end <= start``.
    """
    start_utc = _as_utc(start, "start")
    end_utc = _as_utc(end, "end")
    if not _can_fire(schedule) or end_utc <= start_utc:
        return []
    zone = ZoneInfo(schedule.timezone)
    day = start_utc.astimezone(zone).date() - timedelta(days=_MARGIN_DAYS)
    last_day = end_utc.astimezone(zone).date() + timedelta(days=_MARGIN_DAYS)
    fires: set[datetime] = set()
    while day <= last_day:
        fires.update(f for f in _day_fires(schedule, zone, day) if start_utc <= f < end_utc)
        day += _ONE_DAY
    return sorted(fires)


def local_day(instant: datetime, timezone: str) -> date:
    """The member's local date at ``instant`` (aware) in IANA zone ``timezone``.

    For a fire this is the local date of the slot(s) it fires for, so the
    worker can skip a reminder when the member already checked in that day.
    """
    return _as_utc(instant, "instant").astimezone(ZoneInfo(timezone)).date()


def checked_in_on_fire_day(
    last_check_in: datetime | None, fire_at: datetime, timezone: str
) -> bool:
    """Whether the member already checked in on the local day a reminder fires for.

    Both instants are read as local dates in the member's IANA ``timezone``, never
    as UTC dates: at 08:00 in Kiritimati (UTC+14) it is still the day before in UTC,
    and at 20:00 in Pago Pago (UTC-11) it is already the next day. A check-in on a
    later local day (the reminder is stale) counts too. The worker's reminder pass
    (``domain.notifications.services.queue_due_reminders``) is the one caller.
    """
    if last_check_in is None:
        return False
    return local_day(last_check_in, timezone) >= local_day(fire_at, timezone)


def _can_fire(schedule: ReminderSchedule) -> bool:
    """Whether the schedule has anything to fire at all."""
    return schedule.enabled and bool(schedule.local_times) and bool(schedule.weekdays)


def _as_utc(value: datetime, name: str) -> datetime:
    """``value`` converted to UTC; naive datetimes are a programming error."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(UTC)


def _day_fires(schedule: ReminderSchedule, zone: ZoneInfo, day: date) -> list[datetime]:
    """The distinct instants the slots of local date ``day`` fire at, in order."""
    if day.isoweekday() not in schedule.weekdays:
        return []
    fires = {_slot_fire(day, at, zone) for at in schedule.local_times}
    return sorted(fire for fire in fires if fire is not None)


def _slot_fire(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """When the slot (``day``, ``at``) fires, or None if its date has run out.

    Walks forward a minute at a time from the requested wall time to the first
    wall minute the zone's clocks actually show, without leaving ``day``.
    """
    wall = datetime.combine(day, at.replace(fold=0))
    while wall.date() == day:
        instant = _first_instant_showing(wall, zone)
        if instant is not None:
            return instant
        wall += _ONE_MINUTE
    return None


def _first_instant_showing(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The first UTC instant at which clocks in ``zone`` show naive ``wall``.

    ``fold=0`` picks the first of two occurrences; a wall time in a gap does
    not survive the round trip through UTC, which gives None.
    """
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return instant


@lru_cache(maxsize=1)
def _known_timezones() -> frozenset[str]:
    """The IANA zone names this process can load."""
    return frozenset(available_timezones()) - _NOT_A_PLACE


def _timezone_errors(timezone: str) -> list[DomainError]:
    """Problems with the chosen timezone name."""
    known = isinstance(timezone, str) and timezone in _known_timezones()
    if known:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            known = False
    if known:
        return []
    message = "Choose a timezone from the IANA list, for example Europe/London."
    return [DomainError(ErrorCode.UNKNOWN_TIMEZONE, message, field=("input", "timezone"))]


def _local_time_errors(times: tuple[time, ...], enabled: bool) -> list[DomainError]:
    """Problems with the chosen reminder times."""
    field = ("input", "localTimes")
    errors: list[DomainError] = []
    if len(times) > MAX_LOCAL_TIMES:
        message = f"Choose at most {MAX_LOCAL_TIMES} reminder times."
        errors.append(DomainError(ErrorCode.TOO_LONG, message, field=field))
    if not all(isinstance(at, time) for at in times):
        message = "Reminder times must be times of day."
        return [*errors, DomainError(ErrorCode.INVALID, message, field=field)]
    if len(set(times)) != len(times):
        message = "Each reminder time can only be chosen once."
        errors.append(DomainError(ErrorCode.INVALID, message, field=field))
    if any(at.second or at.microsecond or at.tzinfo is not None for at in times):
        message = "Reminder times are local times to the minute, without seconds."
        errors.append(DomainError(ErrorCode.INVALID, message, field=field))
    if enabled and not times:
        message = "Choose at least one reminder time."
        errors.append(DomainError(ErrorCode.INVALID, message, field=field))
    return errors


def _weekday_errors(days: tuple[int, ...], enabled: bool) -> list[DomainError]:
    """Problems with the chosen ISO weekdays."""
    field = ("input", "weekdays")
    errors: list[DomainError] = []
    if any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 7 for d in days):
        message = "Weekdays are numbered 1 (Monday) to 7 (Sunday)."
        errors.append(DomainError(ErrorCode.INVALID, message, field=field))
    if enabled and not days:
        message = "Choose at least one weekday."
        errors.append(DomainError(ErrorCode.INVALID, message, field=field))
    return errors
