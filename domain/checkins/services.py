"""Use cases for check-ins and check-in reminders.

Privacy: a check-in's note is the member's alone. Use cases never put a note in
an error message, and only the owner can fetch, edit or delete a check-in; for
anyone else it does not exist (NOT_FOUND).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from uuid import UUID, uuid4

from domain.checkins.insights import Insights, check_period, compute_insights, window
from domain.checkins.model import (
    MAX_EMOTIONS,
    MAX_SHARES,
    MOOD_MAX,
    MOOD_MIN,
    NOTE_MAX,
    CheckIn,
    CheckInReminder,
    Emotion,
)
from domain.checkins.reminders import make_schedule, next_fire_after
from domain.checkins.shares import record_share_ends
from domain.circles.model import can_read
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, NotFound, ValidationError
from domain.events import Event, EventKind
from domain.idempotency import Operation, check_key, claim_or_replay
from domain.members.model import Member
from domain.members.rules import normalize_text
from domain.privacy.consent import require_health_consent
from domain.safety.model import RiskDetector, RiskLevel
from domain.safety.services import rate
from domain.safety.team import TargetKind
from domain.uow import UnitOfWork

_HH_MM = re.compile(r"(\d{2}):(\d{2})")


def _field(name: str) -> tuple[str, ...]:
    return ("input", name)


@dataclass(frozen=True, slots=True)
class CheckInCommand:
    """Record how the member feels now, optionally sharing mood and emotions."""

    member_id: UUID
    mood: int
    emotions: Sequence[Emotion] = ()
    note: str | None = None
    share_with_circle_ids: Sequence[UUID] = ()
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class EditCheckIn:
    """Change a check-in. ``None`` leaves a part as it is; an empty note clears it;
    ``share_with_circle_ids`` replaces the circles it is shared with."""

    member_id: UUID
    check_in_id: UUID
    mood: int | None = None
    emotions: Sequence[Emotion] | None = None
    note: str | None = None
    share_with_circle_ids: Sequence[UUID] | None = None


@dataclass(frozen=True, slots=True)
class SetCheckInReminder:
    """Reminder settings. ``local_times`` are "HH:MM" in the member's timezone;
    ``weekdays`` are ISO (1 = Monday ... 7 = Sunday)."""

    member_id: UUID
    enabled: bool
    local_times: Sequence[str] = ()
    weekdays: Sequence[int] = ()


def _mood_errors(mood: int) -> list[DomainError]:
    if isinstance(mood, bool) or not isinstance(mood, int) or not MOOD_MIN <= mood <= MOOD_MAX:
        message = f"Mood is a number from {MOOD_MIN} (very low) to {MOOD_MAX} (very good)."
        return [DomainError(ErrorCode.INVALID, message, _field("mood"))]
    return []


def _clean_emotions(emotions: Sequence[Emotion]) -> tuple[tuple[Emotion, ...], list[DomainError]]:
    unique = tuple(dict.fromkeys(Emotion(e) for e in emotions))
    if len(unique) > MAX_EMOTIONS:
        message = f"Choose at most {MAX_EMOTIONS} emotions."
        return unique, [DomainError(ErrorCode.TOO_LONG, message, _field("emotions"))]
    return unique, []


def _clean_note(note: str | None) -> tuple[str | None, list[DomainError]]:
    clean = normalize_text(note) if note else ""
    if len(clean) > NOTE_MAX:
        message = f"Keep the note under {NOTE_MAX:,} characters."
        return None, [DomainError(ErrorCode.TOO_LONG, message, _field("note"))]
    return clean or None, []


def _share_count_errors(circle_ids: Sequence[UUID]) -> list[DomainError]:
    if len(set(circle_ids)) > MAX_SHARES:
        message = f"Share with at most {MAX_SHARES} circles."
        return [DomainError(ErrorCode.TOO_LONG, message, _field("shareWithCircleIds"))]
    return []


async def _check_circles(
    uow: UnitOfWork, member_id: UUID, circle_ids: Sequence[UUID]
) -> tuple[UUID, ...]:
    """The distinct circles, each one the member is ACTIVE in now: a share (new or
    kept) never goes to a circle the member left or was banned from."""
    unique = tuple(dict.fromkeys(circle_ids))
    for circle_id in unique:
        if not can_read(await uow.memberships.get(circle_id, member_id)):
            raise NotFound("Circle", _field("shareWithCircleIds"))
    return unique


def _record_shares(uow: UnitOfWork, check_in_id: UUID, circle_ids: Sequence[UUID]) -> None:
    """A share is news for the circle (mood and emotions only; never the note)."""
    for circle_id in circle_ids:
        uow.record(Event(EventKind.CHECK_IN_SHARED, circle_id, subject_id=check_in_id))


def record_withdrawals(uow: UnitOfWork, check_in: CheckIn, circle_ids: Sequence[UUID]) -> None:
    """A share withdrawn (or its check-in deleted) is news for that circle only: its
    members drop it (``domain.checkins.shares``)."""
    record_share_ends(uow, check_in.member_id, ((check_in.id, c) for c in circle_ids))


async def _rate_note(
    uow: UnitOfWork, detector: RiskDetector | None, check_in: CheckIn, clock: Clock
) -> RiskLevel:
    """The note's rating, stored like any other; it never opens a queue item (only the
    member sees the prompt)."""
    if detector is None:
        return check_in.risk_level
    if not check_in.note:
        return RiskLevel.NONE
    assessment = await rate(
        uow,
        detector,
        TargetKind.CHECK_IN,
        check_in.id,
        check_in.note,
        clock,
        author_id=check_in.member_id,
    )
    return assessment.level


async def check_in(
    cmd: CheckInCommand, uow: UnitOfWork, clock: Clock, detector: RiskDetector | None = None
) -> CheckIn:
    emotions, errors = _clean_emotions(cmd.emotions)
    note, note_errors = _clean_note(cmd.note)
    errors = _mood_errors(cmd.mood) + errors + note_errors
    errors += _share_count_errors(cmd.share_with_circle_ids)
    if errors:
        raise ValidationError(errors)
    key = check_key(cmd.idempotency_key, _field("idempotencyKey"))
    check_in_id = uuid4()
    async with uow:
        if key is not None:
            first = await claim_or_replay(
                uow,
                cmd.member_id,
                key,
                Operation.CHECK_IN,
                check_in_id,
                clock.now(),
                _field("idempotencyKey"),
            )
            if first is not None:
                return await _own_check_in(uow, cmd.member_id, first, "idempotencyKey")
        await require_health_consent(uow, cmd.member_id)
        circles = await _check_circles(uow, cmd.member_id, cmd.share_with_circle_ids)
        made = CheckIn(check_in_id, cmd.member_id, cmd.mood, emotions, note, clock.now())
        made.shared_circle_ids = circles
        made.risk_level = await _rate_note(uow, detector, made, clock)
        await uow.check_ins.add(made)
        _record_shares(uow, made.id, circles)
        await uow.commit()
    return made


async def _own_check_in(
    uow: UnitOfWork, member_id: UUID, check_in_id: UUID, field: str = "checkInId"
) -> CheckIn:
    found = await uow.check_ins.get(check_in_id)
    if found is None or found.member_id != member_id:
        raise NotFound("Check-in", _field(field))
    return found


async def edit_check_in(
    cmd: EditCheckIn, uow: UnitOfWork, clock: Clock, detector: RiskDetector | None = None
) -> CheckIn:
    """The owner may edit a check-in for 24 hours (``EDIT_WINDOW_CLOSED`` after)."""
    errors: list[DomainError] = []
    changes: dict[str, object] = {}
    if cmd.mood is not None:
        errors += _mood_errors(cmd.mood)
        changes["mood"] = cmd.mood
    if cmd.emotions is not None:
        changes["emotions"], errs = _clean_emotions(cmd.emotions)
        errors += errs
    if cmd.note is not None:
        changes["note"], errs = _clean_note(cmd.note)
        errors += errs
    if cmd.share_with_circle_ids is not None:
        errors += _share_count_errors(cmd.share_with_circle_ids)
    if errors:
        raise ValidationError(errors)
    async with uow:
        current = await _own_check_in(uow, cmd.member_id, cmd.check_in_id)
        await require_health_consent(uow, cmd.member_id)
        now = clock.now()
        if not current.can_edit_at(now):
            raise DomainError(
                ErrorCode.EDIT_WINDOW_CLOSED,
                "Check-ins can be changed for 24 hours after you make them.",
                _field("checkInId"),
            )
        if cmd.share_with_circle_ids is not None:
            changes["shared_circle_ids"] = await _check_circles(
                uow, cmd.member_id, cmd.share_with_circle_ids
            )
        edited = replace(current, **changes, edited_at=now)  # type: ignore[arg-type]
        if cmd.note is not None:
            edited.risk_level = await _rate_note(uow, detector, edited, clock)
        await uow.check_ins.update(edited)
        added = [c for c in edited.shared_circle_ids if c not in current.shared_circle_ids]
        _record_shares(uow, edited.id, added)
        dropped = [c for c in current.shared_circle_ids if c not in edited.shared_circle_ids]
        record_withdrawals(uow, current, dropped)
        await uow.commit()
    return edited


async def delete_check_in(member_id: UUID, check_in_id: UUID, uow: UnitOfWork) -> UUID:
    """The owner deletes a check-in; every share of it goes with it."""
    async with uow:
        found = await _own_check_in(uow, member_id, check_in_id)
        await uow.check_ins.delete(check_in_id)
        record_withdrawals(uow, found, found.shared_circle_ids)
        await uow.commit()
    return check_in_id


async def check_in_insights(member: Member, days: int, uow: UnitOfWork, clock: Clock) -> Insights:
    """Insights over the member's last ``days`` local days (7, 30 or 90)."""
    check_period(days)
    now = clock.now()
    _, _, start, end = window(days, member.timezone, now)
    async with uow:
        found = await uow.check_ins.created_between(member.id, start, end)
    return compute_insights(found, member.timezone, days, now)


def parse_local_times(values: Sequence[str]) -> list[time]:
    """ "HH:MM" texts as times; INVALID on ``input.localTimes`` for anything else."""
    times: list[time] = []
    for value in values:
        match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
        hour, minute = (int(match[1]), int(match[2])) if match else (99, 99)
        if hour > 23 or minute > 59:
            message = 'Reminder times are 24-hour "HH:MM" local times, e.g. "08:30".'
            raise ValidationError([DomainError(ErrorCode.INVALID, message, _field("localTimes"))])
        times.append(time(hour, minute))
    return times


async def set_check_in_reminder(
    cmd: SetCheckInReminder, uow: UnitOfWork, clock: Clock
) -> CheckInReminder:
    """Save the member's reminder settings in their current timezone.

    Saving again resets the worker's back-off (unanswered count and pause).
    """
    times = parse_local_times(cmd.local_times)
    async with uow:
        member = await uow.members.get(cmd.member_id)
        if member is None:
            raise DomainError(ErrorCode.NOT_ONBOARDED, "Set up your profile first.")
        if cmd.enabled:  # turning reminders off never needs consent
            await require_health_consent(uow, member.id)
        schedule = make_schedule(member.timezone, times, cmd.weekdays, cmd.enabled)
        now = clock.now()
        reminder = CheckInReminder(
            member_id=member.id,
            schedule=schedule,
            next_fire_at=next_fire_after(schedule, now),
            updated_at=now,
        )
        await uow.reminders.save(reminder)
        await uow.commit()
    return reminder


async def follow_timezone(uow: UnitOfWork, member_id: UUID, timezone: str, now: datetime) -> None:
    """Move a member's reminders to their new timezone (inside the caller's unit of
    work): the same local times, and the next fire time recomputed from ``now``."""
    reminder = await uow.reminders.get(member_id)
    if reminder is None or reminder.schedule.timezone == timezone:
        return
    schedule = replace(reminder.schedule, timezone=timezone)
    moved = replace(
        reminder, schedule=schedule, next_fire_at=next_fire_after(schedule, now), updated_at=now
    )
    await uow.reminders.save(moved)
