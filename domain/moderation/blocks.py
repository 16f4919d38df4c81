"""Use cases any member runs for themself: blocking and muting topics."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.circles.model import Membership, Topic, can_moderate
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, NotFound
from domain.moderation.visibility import blocked_between
from domain.uow import UnitOfWork

MUTED_TOPICS_MAX = len(Topic)


async def block_member(actor_id: UUID, member_id: UUID, uow: UnitOfWork, clock: Clock) -> None:
    """Silent: the blocked member is told nothing, and nothing they see says so."""
    if member_id == actor_id:
        raise DomainError(ErrorCode.SELF_TARGET, "You can't block yourself.", ("memberId",))
    async with uow:
        if await uow.members.get(member_id) is None:
            raise NotFound("Member", ("memberId",))
        if not await uow.blocks.add(actor_id, member_id, clock.now()):
            raise DomainError(
                ErrorCode.ALREADY_BLOCKED, "You already blocked this member.", ("memberId",)
            )
        await uow.commit()


async def unblock_member(actor_id: UUID, member_id: UUID, uow: UnitOfWork) -> None:
    async with uow:
        if not await uow.blocks.remove(actor_id, member_id):
            raise DomainError(
                ErrorCode.NOT_BLOCKED, "You have not blocked this member.", ("memberId",)
            )
        await uow.commit()


async def is_blocked_between(uow: UnitOfWork, a: UUID, b: UUID) -> bool:
    """Whether either member blocked the other (inside the caller's unit of work)."""
    if a == b:
        return False
    return blocked_between(await uow.blocks.pairs_involving([a]), a, b)


async def hidden_by_block(
    uow: UnitOfWork, membership: Membership | None, author_id: UUID, actor_id: UUID
) -> bool:
    """Whether a block hides the author's content from the actor. Blocked content looks
    like missing content, except to the circle's moderators (a block does not stop
    moderation)."""
    if can_moderate(membership):
        return False
    return await is_blocked_between(uow, author_id, actor_id)


async def mute_topics(
    actor_id: UUID, topics: Sequence[Topic], uow: UnitOfWork, clock: Clock
) -> tuple[Topic, ...]:
    """Replace the member's muted topics (an empty list unmutes everything)."""
    muted = tuple(dict.fromkeys(topics))
    async with uow:
        await uow.topic_filters.save(actor_id, muted, clock.now())
        await uow.commit()
    return muted
