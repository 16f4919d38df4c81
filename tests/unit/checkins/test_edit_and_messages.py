"""Editing check-ins and the exact words members read in profile and check-in
errors (fields, codes and messages are part of the API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.checkins import services
from domain.checkins.model import Emotion
from domain.circles.model import Membership, MembershipStatus, Role
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import EventKind
from domain.members.rules import check_bio, check_pronouns
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)
FIELD = ("input", "x")


def _member_of(uow: FakeUnitOfWork, member: UUID) -> UUID:
    circle = uuid4()
    uow.store.memberships[(circle, member)] = Membership(
        circle, member, Role.MEMBER, MembershipStatus.ACTIVE, NOW, NOW
    )
    return circle


def _errors(
    exc: pytest.ExceptionInfo[ValidationError],
) -> list[tuple[ErrorCode, str, tuple[str, ...]]]:
    return [(e.code, e.message, e.field) for e in exc.value.errors]


async def test_an_edit_reports_every_bad_part_with_its_field_and_words() -> None:
    uow, member, clock = FakeUnitOfWork(everyone_consents=True), uuid4(), FixedClock(NOW)
    made = await services.check_in(services.CheckInCommand(member, 3), uow, clock)  # type: ignore[arg-type]
    bad = services.EditCheckIn(
        member,
        made.id,
        mood=0,
        emotions=list(Emotion)[:11],
        note="x" * 2001,
        share_with_circle_ids=[uuid4() for _ in range(11)],
    )
    with pytest.raises(ValidationError) as exc:
        await services.edit_check_in(bad, uow, clock)  # type: ignore[arg-type]
    assert _errors(exc) == [
        (
            ErrorCode.INVALID,
            "Mood is a number from 1 (very low) to 5 (very good).",
            ("input", "mood"),
        ),
        (ErrorCode.TOO_LONG, "Choose at most 10 emotions.", ("input", "emotions")),
        (ErrorCode.TOO_LONG, "Keep the note under 2,000 characters.", ("input", "note")),
        (ErrorCode.TOO_LONG, "Share with at most 10 circles.", ("input", "shareWithCircleIds")),
    ]
    assert uow.store.check_ins[made.id] == made  # nothing changed


async def test_an_edit_changes_only_what_it_names_and_announces_only_new_shares() -> None:
    uow, member, clock = FakeUnitOfWork(everyone_consents=True), uuid4(), FixedClock(NOW)
    first, second = _member_of(uow, member), _member_of(uow, member)
    made = await services.check_in(
        services.CheckInCommand(member, 2, [Emotion.TIRED], "keep me", [first]),
        uow,
        clock,  # type: ignore[arg-type]
    )
    published = len(uow.store.published)
    clock.set(NOW + timedelta(hours=1))
    edited = await services.edit_check_in(
        services.EditCheckIn(
            member,
            made.id,
            emotions=[Emotion.CALM, Emotion.CALM],
            share_with_circle_ids=[first, second],
        ),
        uow,  # type: ignore[arg-type]
        clock,
    )
    assert (edited.mood, edited.emotions, edited.note) == (2, (Emotion.CALM,), "keep me")
    assert edited.shared_circle_ids == (first, second)
    assert edited.edited_at == NOW + timedelta(hours=1)
    assert uow.store.check_ins[made.id] == edited
    new_events = uow.store.published[published:]
    assert [(e.kind, e.circle_id, e.subject_id) for e in new_events] == [
        (EventKind.CHECK_IN_SHARED, second, made.id)
    ]
    cleared = await services.edit_check_in(
        services.EditCheckIn(member, made.id, mood=5, note="  "),
        uow,
        clock,  # type: ignore[arg-type]
    )
    assert (cleared.mood, cleared.note, cleared.emotions) == (5, None, (Emotion.CALM,))


async def test_the_edit_window_closes_with_a_clear_message() -> None:
    uow, member, clock = FakeUnitOfWork(everyone_consents=True), uuid4(), FixedClock(NOW)
    made = await services.check_in(services.CheckInCommand(member, 3), uow, clock)  # type: ignore[arg-type]
    clock.set(NOW + timedelta(hours=24, seconds=1))
    with pytest.raises(DomainError) as exc:
        await services.edit_check_in(services.EditCheckIn(member, made.id, mood=4), uow, clock)  # type: ignore[arg-type]
    assert (exc.value.code, exc.value.message, exc.value.field) == (
        ErrorCode.EDIT_WINDOW_CLOSED,
        "Check-ins can be changed for 24 hours after you make them.",
        ("input", "checkInId"),
    )


CONTACT = (
    "can't include an email address, phone number, username or link: Hearth is pseudonymous, "
    "to keep you safe."
)


@pytest.mark.parametrize(
    ("check", "what", "limit"), [(check_bio, "Bio", 300), (check_pronouns, "Pronouns", 40)]
)
def test_bio_and_pronouns_errors_name_the_limit_and_the_field(
    check: object, what: str, limit: int
) -> None:
    assert check(None, FIELD) == (None, [])  # type: ignore[operator]
    assert check("   ", FIELD) == (None, [])  # type: ignore[operator]
    assert check("x" * limit, FIELD) == ("x" * limit, [])  # type: ignore[operator]
    value, errors = check("x" * (limit + 1), FIELD)  # type: ignore[operator]
    assert value == "x" * (limit + 1)
    assert [(e.code, e.message, e.field) for e in errors] == [
        (ErrorCode.TOO_LONG, f"{what} can have at most {limit} characters.", FIELD)
    ]
    value, errors = check("me@example.com", FIELD)  # type: ignore[operator]
    assert value == "me@example.com"
    assert [(e.code, e.message, e.field) for e in errors] == [
        (ErrorCode.CONTAINS_CONTACT_INFO, f"Your {what.lower()} {CONTACT}", FIELD)
    ]
