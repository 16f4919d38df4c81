"""Use cases for reactions to posts and replies: react (idempotent per kind, rate
limited, notifying the author) and unreact."""

from __future__ import annotations

from uuid import UUID

from domain.circles.model import can_read
from domain.clock import Clock
from domain.errors import NotFound
from domain.events import Event, EventKind
from domain.idempotency import Operation, check_key, claim_or_replay
from domain.moderation.blocks import hidden_by_block
from domain.notifications.services import notify_reaction
from domain.posts.model import Post, ReactionKind, Reply
from domain.ratelimits.policy import Action, RateLimiter, take_slot
from domain.uow import UnitOfWork

_KEY = ("idempotencyKey",)


async def _reaction_target(uow: UnitOfWork, target_id: UUID, actor_id: UUID) -> Post | Reply:
    """The post or reply the actor may react to."""
    post = await uow.posts.get(target_id)
    target: Post | Reply | None = post or await uow.replies.get(target_id)
    membership = await uow.memberships.get(target.circle_id, actor_id) if target else None
    if (
        target is None
        or not can_read(membership)
        or target.is_removed
        or target.is_hidden
        or await hidden_by_block(uow, membership, target.author_id, actor_id)
    ):
        raise NotFound("Post or reply", ("targetId",))
    return target


async def react(
    actor_id: UUID,
    target_id: UUID,
    kind: ReactionKind,
    uow: UnitOfWork,
    clock: Clock,
    limiter: RateLimiter,
    idempotency_key: str | None = None,
) -> UUID:
    """Reacting twice with the same kind keeps one reaction (each call counts towards
    the reaction limit). With an ``idempotency_key`` a repeat takes no slot and returns
    the target of the first send. Returns the target reacted to."""
    key = check_key(idempotency_key, _KEY)
    if key is None:
        await take_slot(limiter, actor_id, Action.REACTION)
    async with uow:
        if key is not None:
            first = await claim_or_replay(
                uow, actor_id, key, Operation.REACT, target_id, clock.now(), _KEY
            )
            if first is not None:
                return first
            await take_slot(limiter, actor_id, Action.REACTION)
        target = await _reaction_target(uow, target_id, actor_id)
        now = clock.now()
        if await uow.reactions.add(target_id, target.circle_id, actor_id, kind, now):
            uow.record(Event(EventKind.REACTIONS_CHANGED, target.circle_id, subject_id=target_id))
            await notify_reaction(uow, target, actor_id, now)
        await uow.commit()
    return target_id


async def unreact(actor_id: UUID, target_id: UUID, kind: ReactionKind, uow: UnitOfWork) -> UUID:
    async with uow:
        post = await uow.posts.get(target_id)
        target: Post | Reply | None = post or await uow.replies.get(target_id)
        membership = await uow.memberships.get(target.circle_id, actor_id) if target else None
        if target is None or not can_read(membership):
            raise NotFound("Post or reply", ("targetId",))
        if await uow.reactions.remove(target_id, actor_id, kind):
            uow.record(Event(EventKind.REACTIONS_CHANGED, target.circle_id, subject_id=target_id))
        await uow.commit()
    return target.circle_id
