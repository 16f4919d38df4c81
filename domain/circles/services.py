"""Use cases for circles: create, update, join, invite, approve, leave, roles, bans."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from uuid import UUID, uuid4

from domain.circles import rules
from domain.circles.model import (
    Circle,
    Invite,
    Membership,
    MembershipStatus,
    Role,
    Topic,
    Visibility,
    can_moderate,
    can_see_circle,
)
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound, ValidationError
from domain.events import Event, EventKind
from domain.ratelimits.policy import Action, RateLimiter, ensure_slot_left, take_slot
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class CreateCircle:
    actor_id: UUID
    name: str
    description: str
    topics: Sequence[Topic]
    visibility: Visibility
    capacity: int = rules.CAPACITY_DEFAULT
    guidelines: str = ""


@dataclass(frozen=True, slots=True)
class UpdateCircle:
    actor_id: UUID
    circle_id: UUID
    name: str | None = None
    description: str | None = None
    topics: Sequence[Topic] | None = None
    visibility: Visibility | None = None
    capacity: int | None = None
    guidelines: str | None = None
    nudge_after_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class JoinResult:
    membership: Membership
    circle: Circle


def hash_invite_code(code: str) -> str:
    """Invite codes are stored only as hashes (they carry 96 random bits)."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


async def load_circle(
    uow: UnitOfWork, circle_id: UUID, actor_id: UUID
) -> tuple[Circle, Membership | None]:
    """The circle and the actor's membership; NOT_FOUND when the actor may not see it."""
    circle = await uow.circles.get(circle_id)
    membership = await uow.memberships.get(circle_id, actor_id) if circle else None
    if circle is None or not can_see_circle(circle, membership):
        raise NotFound("Circle", ("circleId",))
    return circle, membership


async def create_circle(
    cmd: CreateCircle, uow: UnitOfWork, clock: Clock, limiter: RateLimiter
) -> Circle:
    errors: list[DomainError] = []
    name = rules.check_name(cmd.name, errors)
    description = rules.check_text(cmd.description, rules.DESCRIPTION_MAX, "description", errors)
    guidelines = rules.check_text(cmd.guidelines, rules.GUIDELINES_MAX, "guidelines", errors)
    topics = rules.check_topics(cmd.topics, errors)
    capacity = rules.check_capacity(cmd.capacity, errors)
    if errors:
        raise ValidationError(errors)
    await take_slot(limiter, cmd.actor_id, Action.CIRCLE_CREATION)
    now = clock.now()
    circle = Circle(
        uuid4(),
        name,
        description,
        topics,
        cmd.visibility,
        capacity,
        guidelines,
        now,
        cmd.actor_id,
        1,
    )
    async with uow:
        await uow.circles.add(circle)
        await uow.memberships.add(
            Membership(circle.id, cmd.actor_id, Role.OWNER, MembershipStatus.ACTIVE, now, now)
        )
        await uow.commit()
    return circle


def _updated_circle(circle: Circle, cmd: UpdateCircle) -> Circle:
    errors: list[DomainError] = []
    changes: dict[str, object] = {}
    if cmd.name is not None:
        changes["name"] = rules.check_name(cmd.name, errors)
    if cmd.description is not None:
        changes["description"] = rules.check_text(
            cmd.description, rules.DESCRIPTION_MAX, "description", errors
        )
    if cmd.guidelines is not None:
        changes["guidelines"] = rules.check_text(
            cmd.guidelines, rules.GUIDELINES_MAX, "guidelines", errors
        )
    if cmd.topics is not None:
        changes["topics"] = rules.check_topics(cmd.topics, errors)
    if cmd.capacity is not None:
        changes["capacity"] = rules.check_capacity(cmd.capacity, errors, circle.active_count)
    if cmd.visibility is not None:
        changes["visibility"] = cmd.visibility
    if cmd.nudge_after_minutes is not None:
        changes["nudge_after_minutes"] = rules.check_nudge_minutes(cmd.nudge_after_minutes, errors)
    if errors:
        raise ValidationError(errors)
    return replace(circle, **changes)  # type: ignore[arg-type]


async def update_circle(cmd: UpdateCircle, uow: UnitOfWork) -> Circle:
    async with uow:
        circle, membership = await load_circle(uow, cmd.circle_id, cmd.actor_id)
        if not can_moderate(membership):
            raise Forbidden("Only the circle's owner and moderators can change it.")
        updated = _updated_circle(circle, cmd)
        await uow.circles.update(updated)
        await uow.commit()
    return updated


async def activate_membership(
    uow: UnitOfWork, circle: Circle, membership: Membership
) -> Membership:
    if not await uow.circles.reserve_seat(circle.id):
        raise DomainError(ErrorCode.CIRCLE_FULL, "This circle is full right now.", ("circleId",))
    return replace(membership, status=MembershipStatus.ACTIVE)


async def _check_invite(
    uow: UnitOfWork,
    circle_id: UUID,
    code: str,
    clock: Clock,
    limiter: RateLimiter,
    actor_id: UUID,
) -> None:
    """Use one of the invite's uses; a code that does not work counts towards the
    member's failed-code limit (working codes never do)."""
    invite = await uow.invites.find(circle_id, hash_invite_code(code))
    if invite is None or not await uow.invites.use(invite.id, clock.now()):
        await take_slot(limiter, actor_id, Action.FAILED_INVITE_CODE)
        raise DomainError(
            ErrorCode.INVITE_INVALID, "That invite code is not valid any more.", ("inviteCode",)
        )


async def join_circle(
    actor_id: UUID,
    circle_id: UUID,
    invite_code: str | None,
    uow: UnitOfWork,
    clock: Clock,
    limiter: RateLimiter,
) -> JoinResult:
    """Public circles join at once; private ones need a valid invite code or
    create a PENDING request. Capacity is enforced; banned members can't rejoin.

    A private circle's ID (shared by its members, like an invite code) is enough
    to ask to join it, so joining does not require seeing the circle first.

    A member with too many failed invite codes in the window can't try another
    code (a right one included) until the window moves on."""
    if invite_code is not None:
        await ensure_slot_left(limiter, actor_id, Action.FAILED_INVITE_CODE)
    async with uow:
        circle = await uow.circles.get(circle_id)
        if circle is None:
            raise NotFound("Circle", ("circleId",))
        existing = await uow.memberships.get(circle_id, actor_id)
        if existing is not None and existing.status is MembershipStatus.BANNED:
            raise DomainError(ErrorCode.BANNED, "You can't rejoin this circle.", ("circleId",))
        if existing is not None and existing.is_active:
            raise DomainError(
                ErrorCode.ALREADY_MEMBER, "You are already in this circle.", ("circleId",)
            )
        now = clock.now()
        membership = existing or Membership(
            circle_id, actor_id, Role.MEMBER, MembershipStatus.PENDING, now, now
        )
        if invite_code is not None:
            await _check_invite(uow, circle_id, invite_code, clock, limiter, actor_id)
        if circle.visibility is Visibility.PUBLIC or invite_code is not None:
            membership = await activate_membership(uow, circle, replace(membership, updated_at=now))
        await (uow.memberships.update if existing else uow.memberships.add)(membership)
        if membership.is_active:
            uow.record(Event(EventKind.MEMBER_JOINED, circle_id, subject_id=actor_id))
        await uow.commit()
    return JoinResult(membership, circle)


async def create_invite(
    actor_id: UUID,
    circle_id: UUID,
    max_uses: int,
    valid_for: timedelta,
    uow: UnitOfWork,
    clock: Clock,
    limiter: RateLimiter,
) -> tuple[Invite, str]:
    """A new invite code (returned once, stored hashed). Moderators only."""
    errors: list[DomainError] = []
    if not 1 <= max_uses <= 100:
        errors.append(
            DomainError(ErrorCode.INVALID, "Uses must be 1 to 100.", ("input", "maxUses"))
        )
    if not timedelta(hours=1) <= valid_for <= timedelta(days=30):
        errors.append(
            DomainError(
                ErrorCode.INVALID, "Validity must be 1 hour to 30 days.", ("input", "validForHours")
            )
        )
    if errors:
        raise ValidationError(errors)
    async with uow:
        _, membership = await load_circle(uow, circle_id, actor_id)
        if not can_moderate(membership):
            raise Forbidden("Only the circle's owner and moderators can invite.")
        await take_slot(limiter, actor_id, Action.INVITE)
        code = secrets.token_urlsafe(12)
        now = clock.now()
        invite = Invite(
            uuid4(), circle_id, hash_invite_code(code), actor_id, now, now + valid_for, max_uses
        )
        await uow.invites.add(invite)
        await uow.commit()
    return invite, code


async def delete_circle(actor_id: UUID, circle_id: UUID, uow: UnitOfWork) -> None:
    """The owner closes the circle for good: its posts, replies, reactions and
    shares go with it, and everyone's live activity stream for it ends."""
    async with uow:
        _, membership = await load_circle(uow, circle_id, actor_id)
        if membership is None or not membership.is_active or membership.role is not Role.OWNER:
            raise Forbidden("Only the circle's owner can delete it.")
        await uow.circles.delete(circle_id)
        uow.record(Event(EventKind.CIRCLE_CLOSED, circle_id))
        await uow.commit()
