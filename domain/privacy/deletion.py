"""Deleting an account (GDPR article 17): the member leaves without a trace.

Rules decided here:

* the request needs ``confirm == "DELETE"`` and a sign-in from the last 5 minutes
  (``REAUTH_REQUIRED`` otherwise), so a phone left unlocked cannot erase someone;
* circles the member owns pass to their longest-standing moderator, else to their
  longest-standing active member; a circle with no one else in it is deleted;
* every membership ends (circles see the member leave, live, and each of their
  check-in shares end, with the same event as any other share's end);
* posts and replies stay for the thread's sake, from "a former member", or are
  tombstoned (body gone) when ``delete_content``;
* the live sessions of the member end (``ACCOUNT_DELETED`` closes their sockets).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.checkins.shares import live_shares, record_share_ends
from domain.circles.model import Membership, Role
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import Event, EventKind
from domain.privacy.model import REAUTH_WINDOW
from domain.privacy.ports import SignInAccounts
from domain.uow import UnitOfWork

CONFIRMATION = "DELETE"


@dataclass(frozen=True, slots=True)
class DeleteAccount:
    """``signed_in_at`` is when the member last signed in (the token's
    ``auth_time``); None when unknown, which counts as too long ago."""

    member_id: UUID
    confirm: str
    delete_content: bool
    signed_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeletedAccount:
    member_id: UUID
    firebase_uid: str
    sign_in_account_deleted: bool


def pick_successor(candidates: list[Membership]) -> Membership | None:
    """Who takes over a circle: the longest-standing moderator, else the
    longest-standing active member."""
    active = sorted((m for m in candidates if m.is_active), key=lambda m: m.created_at)
    moderators = [m for m in active if m.role is Role.MODERATOR]
    chosen = moderators or active
    return chosen[0] if chosen else None


def _check(cmd: DeleteAccount, now: datetime) -> None:
    if cmd.confirm != CONFIRMATION:
        message = f'Type "{CONFIRMATION}" to confirm that your account is deleted for good.'
        raise ValidationError([DomainError(ErrorCode.INVALID, message, ("input", "confirm"))])
    if cmd.signed_in_at is None or now - cmd.signed_in_at > REAUTH_WINDOW:
        raise DomainError(
            ErrorCode.REAUTH_REQUIRED,
            "For your safety, sign in again, then delete your account within 5 minutes.",
        )


async def _hand_over(uow: UnitOfWork, owned: Membership, now: datetime) -> None:
    circle_id = owned.circle_id
    others = [
        m for m in await uow.accounts.active_members(circle_id) if m.member_id != owned.member_id
    ]
    successor = pick_successor(others)
    if successor is None:
        await uow.circles.delete(circle_id)
        uow.record(Event(EventKind.CIRCLE_CLOSED, circle_id))
        return
    await uow.memberships.update(replace(successor, role=Role.OWNER, updated_at=now))


async def delete_account(
    cmd: DeleteAccount, uow: UnitOfWork, clock: Clock, sign_in: SignInAccounts
) -> DeletedAccount:
    now = clock.now()
    _check(cmd, now)
    async with uow:
        member = await uow.members.get(cmd.member_id)
        if member is None:
            raise DomainError(ErrorCode.NOT_ONBOARDED, "Set up your profile first.")
        shares = await live_shares(uow, member.id)
        # those a block separates from the member: the blocks go with the account, so
        # its leaving events carry them (a blocker hears nothing of the member)
        apart = frozenset(
            a if b == member.id else b for a, b in await uow.blocks.pairs_involving([member.id])
        )
        for membership in await uow.accounts.memberships_of(member.id):
            if membership.is_active and membership.role is Role.OWNER:
                await _hand_over(uow, membership, now)
                if await uow.circles.get(membership.circle_id) is None:
                    continue
            if membership.is_active:
                await uow.circles.release_seat(membership.circle_id)
                ended = [s for s in shares if s[1] == membership.circle_id]
                record_share_ends(uow, member.id, ended, apart)
                uow.record(
                    Event(
                        EventKind.MEMBER_LEFT,
                        membership.circle_id,
                        subject_id=member.id,
                        apart=apart,
                    )
                )
        await uow.accounts.erase(member.id, cmd.delete_content, now)
        uow.record(Event(EventKind.ACCOUNT_DELETED, member_id=member.id))
        await uow.commit()
    deleted = await sign_in.delete(member.firebase_uid)
    return DeletedAccount(member.id, member.firebase_uid, deleted)
