"""The reminder pass (``queue_due_reminders``) and its one "already checked in
today" rule, read in the member's own timezone across the date line."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.checkins.model import CheckIn, CheckInReminder
from domain.checkins.reminders import checked_in_on_fire_day, make_schedule
from domain.clock import FixedClock
from domain.notifications.model import NotificationKind, NotificationPreferences
from domain.notifications.services import queue_due_reminders
from tests.unit.fakes import FakeUnitOfWork


def local(zone: str, *args: int) -> datetime:
    """A wall time in ``zone``, as an aware UTC instant."""
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


KIRITIMATI, PAGO_PAGO, ST_JOHNS = "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns"

# (zone, last check-in, fire, already checked in that local day?). In each case the
# UTC dates of the two instants say the opposite, so a UTC date in place of the
# local date gets every one of them wrong.
LOCAL_DAY_CASES = [
    # UTC+14: 23:00 on the 4th is 09:00 UTC on the 4th; 08:00 on the 5th is 18:00 UTC on the 4th
    (KIRITIMATI, local(KIRITIMATI, 2026, 12, 4, 23), local(KIRITIMATI, 2026, 12, 5, 8), False),
    # 13:00 on the 5th is 23:00 UTC on the 4th; 20:00 on the 5th is 06:00 UTC on the 5th
    (KIRITIMATI, local(KIRITIMATI, 2026, 12, 5, 13), local(KIRITIMATI, 2026, 12, 5, 20), True),
    # UTC-11: 01:00 on the 5th is 12:00 UTC on the 5th; 20:00 on the 5th is 07:00 UTC on the 6th
    (PAGO_PAGO, local(PAGO_PAGO, 2026, 12, 5, 1), local(PAGO_PAGO, 2026, 12, 5, 20), True),
    # 20:00 on the 4th is 07:00 UTC on the 5th; 08:00 on the 5th is 19:00 UTC on the 5th
    (PAGO_PAGO, local(PAGO_PAGO, 2026, 12, 4, 20), local(PAGO_PAGO, 2026, 12, 5, 8), False),
    # UTC-3:30: 20:45 on the 4th is 00:15 UTC on the 5th; 09:00 on the 5th is 12:30 UTC
    (ST_JOHNS, local(ST_JOHNS, 2026, 12, 4, 20, 45), local(ST_JOHNS, 2026, 12, 5, 9), False),
    # 20:15 on the 4th is 23:45 UTC on the 4th; 21:00 on the 4th is 00:30 UTC on the 5th
    (ST_JOHNS, local(ST_JOHNS, 2026, 12, 4, 20, 15), local(ST_JOHNS, 2026, 12, 4, 21), True),
]


@pytest.mark.parametrize(("zone", "last", "fire", "expected"), LOCAL_DAY_CASES)
def test_already_checked_in_means_the_same_local_day_not_the_same_utc_day(
    zone: str, last: datetime, fire: datetime, expected: bool
) -> None:
    assert (last.date() >= fire.date()) is not expected  # the UTC dates disagree
    assert checked_in_on_fire_day(last, fire, zone) is expected


def test_no_check_in_yet_or_one_on_a_later_local_day() -> None:
    fire = local(KIRITIMATI, 2026, 12, 5, 8)
    assert checked_in_on_fire_day(None, fire, KIRITIMATI) is False
    later = local(KIRITIMATI, 2026, 12, 6, 0, 30)
    assert checked_in_on_fire_day(later, fire, KIRITIMATI) is True


def _check_in(member: UUID, at: datetime) -> CheckIn:
    return CheckIn(id=uuid4(), member_id=member, mood=3, emotions=(), note=None, created_at=at)


async def test_the_reminder_pass_skips_exactly_the_members_who_checked_in_that_local_day() -> None:
    # given one member per case, each with a reminder due at the case's fire time
    uow = FakeUnitOfWork(everyone_consents=True)
    expected_reminded = set()
    fires = {}
    for zone, last, fire, checked_in in LOCAL_DAY_CASES:
        member = uuid4()
        at = fire.astimezone(ZoneInfo(zone)).time()
        schedule = make_schedule(zone, [at], range(1, 8))
        settings_saved = last - timedelta(days=3)
        uow.store.reminders[member] = CheckInReminder(member, schedule, fire, settings_saved)
        uow.store.check_ins[uuid4()] = _check_in(member, last)
        fires[member] = (zone, fire)
        if not checked_in:
            expected_reminded.add(member)
    # when the pass runs a minute after each fire time
    written = 0
    for fire in sorted(fire for _, _, fire, _ in LOCAL_DAY_CASES):
        clock = FixedClock(fire + timedelta(minutes=1))
        written += await queue_due_reminders(uow, clock, fire - timedelta(minutes=1))  # type: ignore[arg-type]

    # then exactly the members who had not checked in on their local day get one
    rows = list(uow.store.notifications.values())
    assert written == len(rows) == len(expected_reminded) == 3
    assert {n.member_id for n in rows} == expected_reminded
    for n in rows:
        zone, fire = fires[n.member_id]
        local_date = fire.astimezone(ZoneInfo(zone)).date()
        assert n.kind is NotificationKind.CHECKIN_REMINDER
        assert n.dedupe_key == f"checkin_reminder:{n.member_id}:{local_date}:{fire:%H%M}"
    # and every reminder moved on a day, reminded or not
    for member, (_, fire) in fires.items():
        assert uow.store.reminders[member].next_fire_at == fire + timedelta(days=1)


async def test_the_dedupe_key_alone_stops_a_second_reminder_for_the_same_slot() -> None:
    # given a reminder that was queued once
    uow, member = FakeUnitOfWork(everyone_consents=True), uuid4()
    schedule = make_schedule(PAGO_PAGO, [time(20)], range(1, 8))
    fire = local(PAGO_PAGO, 2026, 12, 5, 20)
    uow.store.reminders[member] = CheckInReminder(member, schedule, fire, fire - timedelta(days=1))
    clock = FixedClock(fire + timedelta(minutes=1))
    assert await queue_due_reminders(uow, clock, fire - timedelta(hours=1)) == 1  # type: ignore[arg-type]
    # when the pass runs again with the schedule NOT moved on (a crash before the
    # move was kept, a second worker, a restored backup)
    stuck = uow.store.reminders[member]
    uow.store.reminders[member] = replace(stuck, next_fire_at=fire)
    again = await queue_due_reminders(uow, clock, fire - timedelta(hours=1))  # type: ignore[arg-type]
    # then nothing new is written: the key is the same
    assert again == 0
    assert len(uow.store.notifications) == 1


async def test_reminders_turned_off_write_nothing_but_still_move_on() -> None:
    uow, member = FakeUnitOfWork(everyone_consents=True), uuid4()
    schedule = make_schedule(ST_JOHNS, [time(9)], range(1, 8))
    fire = local(ST_JOHNS, 2026, 12, 5, 9)
    uow.store.reminders[member] = CheckInReminder(member, schedule, fire, fire - timedelta(days=1))
    uow.store.notification_preferences[member] = NotificationPreferences(
        member, check_in_reminders=False
    )
    clock = FixedClock(fire + timedelta(minutes=1))
    assert await queue_due_reminders(uow, clock, fire - timedelta(hours=1)) == 0  # type: ignore[arg-type]
    assert uow.store.notifications == {}
    assert uow.store.reminders[member].next_fire_at == fire + timedelta(days=1)


# -- backing off unanswered reminders -------------------------------------------------


async def _day_by_day(days: int, uow: FakeUnitOfWork, member: UUID, first_fire: datetime) -> int:
    written = 0
    for day in range(days):
        fire = first_fire + timedelta(days=day)
        clock = FixedClock(fire + timedelta(minutes=1))
        written += await queue_due_reminders(uow, clock, fire - timedelta(minutes=1))  # type: ignore[arg-type]
    return written


async def test_after_five_unanswered_reminders_the_sixth_pauses_them_in_the_inbox() -> None:
    uow, member = FakeUnitOfWork(everyone_consents=True), uuid4()
    schedule = make_schedule("UTC", [time(9)], range(1, 8))
    fire = datetime(2026, 12, 1, 9, tzinfo=UTC)
    uow.store.reminders[member] = CheckInReminder(member, schedule, fire, fire - timedelta(days=1))
    assert await _day_by_day(5, uow, member, fire) == 5
    assert uow.store.reminders[member].consecutive_unanswered == 5
    assert not uow.store.reminders[member].paused
    sixth = fire + timedelta(days=5)
    assert await _day_by_day(1, uow, member, sixth) == 1
    reminder = uow.store.reminders[member]
    assert (reminder.paused, reminder.consecutive_unanswered) == (True, 0)
    assert reminder.updated_at == sixth + timedelta(minutes=1)
    paused = [
        n for n in uow.store.notifications.values() if n.kind is NotificationKind.REMINDERS_PAUSED
    ]
    (n,) = paused
    assert (n.member_id, n.title, n.status.value, n.collapse_key) == (
        member,
        "Check-in reminders paused",
        "INBOX_ONLY",
        None,
    )
    assert n.body == (
        "You haven't checked in after the last few reminders, so we paused them. "
        "Turn them back on any time in your reminder settings."
    )
    assert n.dedupe_key == f"reminders_paused:{member}:2026-12-06:0900"
    assert (n.created_at, n.next_attempt_at) == (sixth + timedelta(minutes=1),) * 2
    reminders = [
        n for n in uow.store.notifications.values() if n.kind is NotificationKind.CHECKIN_REMINDER
    ]
    assert {(r.title, r.body, r.collapse_key, r.status.value) for r in reminders} == {
        (
            "Time for a check-in",
            "How are you feeling? Take a moment to check in.",
            "checkin",
            "PENDING",
        )
    }


async def test_a_check_in_since_the_last_reminder_starts_the_count_again() -> None:
    uow, member = FakeUnitOfWork(everyone_consents=True), uuid4()
    schedule = make_schedule("UTC", [time(9)], range(1, 8))
    fire = datetime(2026, 12, 1, 9, tzinfo=UTC)
    uow.store.reminders[member] = CheckInReminder(
        member, schedule, fire, fire - timedelta(days=1), consecutive_unanswered=4
    )
    uow.store.check_ins[uuid4()] = _check_in(member, fire - timedelta(hours=20))  # the day before
    assert await _day_by_day(1, uow, member, fire) == 1
    assert uow.store.reminders[member].consecutive_unanswered == 1
    # a check-in exactly when the settings were saved counts as answered too
    uow2, other = FakeUnitOfWork(everyone_consents=True), uuid4()
    saved = fire - timedelta(days=1)
    uow2.store.reminders[other] = CheckInReminder(other, schedule, fire, saved, 5)
    uow2.store.check_ins[uuid4()] = _check_in(other, saved)
    assert await _day_by_day(1, uow2, other, fire) == 1
    assert (
        uow2.store.reminders[other].paused,
        uow2.store.reminders[other].consecutive_unanswered,
    ) == (
        False,
        1,
    )


async def test_a_member_without_consent_or_a_stale_reminder_keeps_the_count_and_moves_on() -> None:
    uow, member = FakeUnitOfWork(), uuid4()  # nobody consents
    schedule = make_schedule("UTC", [time(9)], range(1, 8))
    fire = datetime(2026, 12, 1, 9, tzinfo=UTC)
    uow.store.reminders[member] = CheckInReminder(member, schedule, fire, fire, 3)
    assert await _day_by_day(1, uow, member, fire) == 0
    assert uow.store.reminders[member].consecutive_unanswered == 3
    assert uow.store.reminders[member].next_fire_at == fire + timedelta(days=1)
    late, other = FakeUnitOfWork(everyone_consents=True), uuid4()
    late.store.reminders[other] = CheckInReminder(
        other, schedule, fire, fire - timedelta(days=1), 2
    )
    clock = FixedClock(fire + timedelta(hours=6))  # exactly 6 hours late: still sent
    assert await queue_due_reminders(late, clock, fire - timedelta(minutes=1)) == 1  # type: ignore[arg-type]
    late.store.reminders[other] = replace(
        late.store.reminders[other], next_fire_at=fire + timedelta(days=1)
    )
    staler = FixedClock(fire + timedelta(days=1, hours=6, seconds=1))
    assert await queue_due_reminders(late, staler, fire) == 0  # type: ignore[arg-type]
    assert late.store.reminders[other].consecutive_unanswered == 3


async def test_reminders_due_exactly_now_are_all_sent() -> None:
    uow = FakeUnitOfWork(everyone_consents=True)
    schedule = make_schedule("UTC", [time(9)], range(1, 8))
    fire = datetime(2026, 12, 1, 9, tzinfo=UTC)
    members = [uuid4() for _ in range(3)]
    for member in members:
        uow.store.reminders[member] = CheckInReminder(
            member, schedule, fire, fire - timedelta(days=1)
        )
    clock = FixedClock(fire)  # due exactly now
    assert await queue_due_reminders(uow, clock, fire - timedelta(minutes=1)) == 3  # type: ignore[arg-type]
    assert {n.member_id for n in uow.store.notifications.values()} == set(members)


async def test_a_pass_counts_pause_notices_and_reminders_together() -> None:
    uow = FakeUnitOfWork(everyone_consents=True)
    schedule = make_schedule("UTC", [time(9)], range(1, 8))
    fire = datetime(2026, 12, 1, 9, tzinfo=UTC)
    first, second = uuid4(), uuid4()
    # the pausing one comes second in the pass
    uow.store.reminders[second] = CheckInReminder(second, schedule, fire, fire - timedelta(days=1))
    uow.store.reminders[first] = CheckInReminder(first, schedule, fire, fire - timedelta(days=9), 5)
    clock = FixedClock(fire + timedelta(minutes=1))
    assert await queue_due_reminders(uow, clock, fire - timedelta(minutes=1)) == 2  # type: ignore[arg-type]
    kinds = {n.member_id: n.kind for n in uow.store.notifications.values()}
    assert kinds == {
        first: NotificationKind.REMINDERS_PAUSED,
        second: NotificationKind.CHECKIN_REMINDER,
    }
    for n in uow.store.notifications.values():
        assert (n.created_at, n.data) == (fire + timedelta(minutes=1), {})
