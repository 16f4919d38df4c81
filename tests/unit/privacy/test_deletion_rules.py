"""Rules of account deletion decided in the domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.circles.model import Membership, MembershipStatus, Role
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.privacy import deletion
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def _membership(role: Role, days_ago: int, status: MembershipStatus = MembershipStatus.ACTIVE):
    since = NOW - timedelta(days=days_ago)
    return Membership(uuid4(), uuid4(), role, status, since, since)


def test_the_longest_standing_moderator_takes_over_a_circle() -> None:
    old_member = _membership(Role.MEMBER, 300)
    new_mod, old_mod = _membership(Role.MODERATOR, 10), _membership(Role.MODERATOR, 200)
    assert deletion.pick_successor([old_member, new_mod, old_mod]) is old_mod


def test_without_moderators_the_longest_standing_active_member_takes_over() -> None:
    banned = _membership(Role.MEMBER, 400, MembershipStatus.BANNED)
    pending = _membership(Role.MEMBER, 300, MembershipStatus.PENDING)
    old, new = _membership(Role.MEMBER, 100), _membership(Role.MEMBER, 5)
    assert deletion.pick_successor([banned, pending, new, old]) is old
    assert deletion.pick_successor([banned, pending]) is None


class _NoSignIn:
    async def delete(self, firebase_uid: str) -> bool:
        raise AssertionError("must not be called")


@pytest.mark.parametrize(
    ("signed_in_at", "code"),
    [
        (None, ErrorCode.REAUTH_REQUIRED),
        (NOW - timedelta(minutes=5, seconds=1), ErrorCode.REAUTH_REQUIRED),
    ],
)
async def test_deletion_needs_a_sign_in_from_the_last_five_minutes(
    signed_in_at: datetime | None, code: ErrorCode
) -> None:
    uow = FakeUnitOfWork()
    command = deletion.DeleteAccount(uuid4(), "DELETE", True, signed_in_at)
    with pytest.raises(DomainError) as caught:
        await deletion.delete_account(command, uow, FixedClock(NOW), _NoSignIn())  # type: ignore[arg-type]
    assert caught.value.code is code
    assert not uow.committed


async def test_a_sign_in_exactly_five_minutes_ago_is_recent_enough() -> None:
    uow = FakeUnitOfWork()
    command = deletion.DeleteAccount(uuid4(), "DELETE", True, NOW - timedelta(minutes=5))
    with pytest.raises(DomainError) as caught:  # gets past the check, to the profile lookup
        await deletion.delete_account(command, uow, FixedClock(NOW), _NoSignIn())  # type: ignore[arg-type]
    assert caught.value.code is ErrorCode.NOT_ONBOARDED


async def test_the_confirmation_is_checked_before_anything_is_read() -> None:
    command = deletion.DeleteAccount(uuid4(), "yes", True, NOW)
    with pytest.raises(ValidationError) as caught:
        await deletion.delete_account(command, FakeUnitOfWork(), FixedClock(NOW), _NoSignIn())  # type: ignore[arg-type]
    assert [(e.code, e.field) for e in caught.value.errors] == [
        (ErrorCode.INVALID, ("input", "confirm"))
    ]
