"""Use cases that moderators and members run on memberships."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from domain.checkins.shares import end_shares_in_circle
from domain.circles.model import Membership, MembershipStatus, Role, can_moderate
from domain.circles.services import activate_membership, load_circle
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.events import Event, EventKind
from domain.moderation.model import ModerationAction, ModerationActionKind, TargetType
from domain.uow import UnitOfWork


async def _target(uow: UnitOfWork, circle_id: UUID, member_id: UUID) -> Membership:
    target = await uow.memberships.get(circle_id, member_id)
    if target is None:
        raise NotFound("Membership", ("memberId",))
    return target


async def require_moderator(uow: UnitOfWork, circle_id: UUID, actor_id: UUID) -> Membership:
    _, membership = await load_circle(uow, circle_id, actor_id)
    if membership is None or not can_moderate(membership):
        raise Forbidden("Only the circle's owner and moderators can do this.")
    return membership


async def approve_join_request(
    actor_id: UUID, circle_id: UUID, member_id: UUID, uow: UnitOfWork, clock: Clock
) -> Membership:
    async with uow:
        await require_moderator(uow, circle_id, actor_id)
        circle, _ = await load_circle(uow, circle_id, actor_id)
        target = await _target(uow, circle_id, member_id)
        if target.status is not MembershipStatus.PENDING:
            raise DomainError(ErrorCode.CONFLICT, "There is no pending request.", ("memberId",))
        approved = await activate_membership(uow, circle, replace(target, updated_at=clock.now()))
        await uow.memberships.update(approved)
        uow.record(Event(EventKind.MEMBER_JOINED, circle_id, subject_id=member_id))
        await uow.commit()
    return approved


async def decline_join_request(
    actor_id: UUID, circle_id: UUID, member_id: UUID, uow: UnitOfWork
) -> None:
    async with uow:
        await require_moderator(uow, circle_id, actor_id)
        target = await _target(uow, circle_id, member_id)
        if target.status is not MembershipStatus.PENDING:
            raise DomainError(ErrorCode.CONFLICT, "There is no pending request.", ("memberId",))
        await uow.memberships.delete(circle_id, member_id)
        await uow.commit()


async def leave_circle(actor_id: UUID, circle_id: UUID, uow: UnitOfWork) -> Membership:
    """Leave (or withdraw a pending request). An owner must hand ownership on first."""
    async with uow:
        membership = await uow.memberships.get(circle_id, actor_id)
        if membership is None or membership.status is MembershipStatus.BANNED:
            raise NotFound("Membership", ("circleId",))
        if membership.role is Role.OWNER:
            raise DomainError(
                ErrorCode.OWNER_MUST_TRANSFER,
                "Hand ownership to another member (setMemberRole) before you leave.",
                ("circleId",),
            )
        await end_shares_in_circle(uow, actor_id, circle_id)
        await uow.memberships.delete(circle_id, actor_id)
        if membership.is_active:
            await uow.circles.release_seat(circle_id)
            uow.record(Event(EventKind.MEMBER_LEFT, circle_id, subject_id=actor_id))
        await uow.commit()
    return membership


async def set_member_role(
    actor_id: UUID, circle_id: UUID, member_id: UUID, role: Role, uow: UnitOfWork, clock: Clock
) -> Membership:
    """The owner names moderators, or hands ownership on (becoming a moderator)."""
    async with uow:
        actor = await require_moderator(uow, circle_id, actor_id)
        if actor.role is not Role.OWNER:
            raise Forbidden("Only the circle's owner can change roles.")
        target = await _target(uow, circle_id, member_id)
        if not target.is_active:
            raise DomainError(
                ErrorCode.CONFLICT, "Only active members can get a role.", ("memberId",)
            )
        if member_id == actor_id:
            raise DomainError(
                ErrorCode.CONFLICT, "Hand ownership to someone else instead.", ("memberId",)
            )
        now = clock.now()
        if role is Role.OWNER:
            await uow.memberships.update(replace(actor, role=Role.MODERATOR, updated_at=now))
        updated = replace(target, role=role, updated_at=now)
        await uow.memberships.update(updated)
        await uow.commit()
    return updated


async def ban_member(
    actor_id: UUID, circle_id: UUID, member_id: UUID, uow: UnitOfWork, clock: Clock
) -> Membership:
    """Remove a member for good. Moderators can ban members; only the owner can ban
    a moderator; nobody can ban the owner."""
    async with uow:
        actor = await require_moderator(uow, circle_id, actor_id)
        target = await _target(uow, circle_id, member_id)
        if target.role is Role.OWNER or member_id == actor_id:
            raise Forbidden("The owner can't be banned.")
        if target.role is Role.MODERATOR and actor.role is not Role.OWNER:
            raise Forbidden("Only the owner can ban a moderator.")
        await end_shares_in_circle(uow, member_id, circle_id)
        if target.is_active:
            await uow.circles.release_seat(circle_id)
            uow.record(Event(EventKind.MEMBER_LEFT, circle_id, subject_id=member_id))
        banned = replace(
            target, status=MembershipStatus.BANNED, role=Role.MEMBER, updated_at=clock.now()
        )
        await uow.memberships.update(banned)
        await uow.moderation_log.append(
            ModerationAction(
                uuid4(),
                circle_id,
                actor_id,
                ModerationActionKind.BAN_MEMBER,
                TargetType.MEMBER,
                member_id,
                banned.updated_at,
                target_member_id=member_id,
            )
        )
        await uow.commit()
    return banned
