"""Use cases for posts and replies: writing, editing, removing, rating and masking
them. Reactions are :mod:`domain.posts.reactions`."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar
from uuid import UUID, uuid4

from domain.circles.model import Membership, Topic, can_moderate, can_read
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound, ValidationError
from domain.events import Event, EventKind
from domain.idempotency import Operation, check_key, claim_or_replay
from domain.members.rules import normalize_text
from domain.moderation.blocks import hidden_by_block
from domain.moderation.model import ModerationAction, ModerationActionKind, TargetType
from domain.notifications.services import notify_reply
from domain.posts.model import ContentWarning, Post, Reply
from domain.ratelimits.policy import Action, RateLimiter, take_slot
from domain.safety.contact_details import ContactDetector, ContactKind, mask_contact_details
from domain.safety.model import RiskDetector, RiskLevel
from domain.safety.services import rate
from domain.safety.team import TargetKind
from domain.support.services import announce_waiting_changed
from domain.uow import UnitOfWork

POST_MAX, REPLY_MAX, CW_NOTE_MAX = 5_000, 2_000, 200
_KEY = ("idempotencyKey",)
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class CreatePost:
    actor_id: UUID
    circle_id: UUID
    body: str
    anonymous: bool = False
    warning_topics: Sequence[Topic] | None = None
    warning_note: str | None = None
    idempotency_key: str | None = None


def check_body(raw: str, limit: int) -> str:
    body = normalize_text(raw)
    if not body:
        raise ValidationError(
            [DomainError(ErrorCode.TOO_SHORT, "Write something first.", ("body",))]
        )
    if len(body) > limit:
        raise ValidationError(
            [
                DomainError(
                    ErrorCode.TOO_LONG, f"This can have at most {limit:,} characters.", ("body",)
                )
            ]
        )
    return body


def check_warning(topics: Sequence[Topic] | None, note: str | None) -> ContentWarning | None:
    if topics is None and note is None:
        return None
    clean_note = normalize_text(note) if note else None
    if clean_note and len(clean_note) > CW_NOTE_MAX:
        raise ValidationError(
            [
                DomainError(
                    ErrorCode.TOO_LONG,
                    "Keep the warning under 200 characters.",
                    ("contentWarning", "note"),
                )
            ]
        )
    return ContentWarning(tuple(dict.fromkeys(topics or ())), clean_note or None)


async def _masked(
    uow: UnitOfWork, author_id: UUID, body: str, contacts: ContactDetector
) -> tuple[str, tuple[ContactKind, ...]]:
    """The body with contact details masked (phone numbers read in the author's
    region's formats), and the kinds that were masked."""
    author = await uow.members.get(author_id)
    masked = await mask_contact_details(body, author.region if author else "", contacts)
    return masked.text, masked.kinds


def _union(*kinds: tuple[ContactKind, ...]) -> tuple[ContactKind, ...]:
    return tuple(sorted({kind for group in kinds for kind in group}))


async def _active_membership(uow: UnitOfWork, circle_id: UUID, actor_id: UUID) -> Membership:
    membership = await uow.memberships.get(circle_id, actor_id)
    if not can_read(membership):
        raise NotFound("Circle", ("circleId",))
    assert membership is not None
    return membership


def check_not_muted(membership: Membership, clock: Clock, field: str) -> None:
    """A member a moderator muted reads the circle but can't post or reply yet."""
    until = membership.muted_until
    if until is not None and membership.is_muted(clock.now()):
        raise DomainError(
            ErrorCode.MUTED,
            f"A moderator muted you in this circle until {until:%Y-%m-%d %H:%M} UTC. "
            "You can still read it.",
            (field,),
        )


async def create_post(
    cmd: CreatePost,
    uow: UnitOfWork,
    clock: Clock,
    limiter: RateLimiter,
    contacts: ContactDetector,
    detector: RiskDetector | None = None,
) -> Post:
    """Post in a circle. Contact details in the body are masked and the post is
    flagged with their kinds (``Post.contact_masked``); with a ``detector`` the post is
    rated in the same transaction (``post.risk_level``; see domain.safety.services.rate)."""
    body = check_body(cmd.body, POST_MAX)
    warning = check_warning(cmd.warning_topics, cmd.warning_note)
    key = check_key(cmd.idempotency_key, _KEY)
    if key is None:
        await take_slot(limiter, cmd.actor_id, Action.POST)
    post_id = uuid4()
    async with uow:
        if key is not None:
            first = await claim_or_replay(
                uow, cmd.actor_id, key, Operation.CREATE_POST, post_id, clock.now(), _KEY
            )
            if first is not None:
                return await _replayed(uow.posts.get(first), "Post")
            await take_slot(limiter, cmd.actor_id, Action.POST)  # a replay takes no slot
        membership = await _active_membership(uow, cmd.circle_id, cmd.actor_id)
        check_not_muted(membership, clock, "circleId")
        body, masked = await _masked(uow, cmd.actor_id, body, contacts)
        post = Post(
            post_id,
            cmd.circle_id,
            cmd.actor_id,
            cmd.anonymous,
            body,
            clock.now(),
            warning,
            contact_masked=masked,
        )
        post.risk_level = await _rate(uow, detector, TargetKind.POST, post, clock)
        await uow.posts.add(post)
        uow.record(Event(EventKind.POST_CREATED, post.circle_id, subject_id=post.id))
        await announce_waiting_changed(uow, post.circle_id, except_id=post.author_id)
        await uow.commit()
    return post


async def _replayed(found: Awaitable[_T | None], what: str) -> _T:
    """What the first send with this idempotency key created (NOT_FOUND once it is
    gone for good)."""
    item = await found
    if item is None:
        raise NotFound(what, _KEY)
    return item


async def _rate(
    uow: UnitOfWork,
    detector: RiskDetector | None,
    kind: TargetKind,
    item: Post | Reply,
    clock: Clock,
) -> RiskLevel:
    if detector is None:
        return item.risk_level
    assessment = await rate(
        uow,
        detector,
        kind,
        item.id,
        item.body,
        clock,
        author_id=item.author_id,
        circle_id=item.circle_id,
    )
    return assessment.level


_Message = TypeVar("_Message", Post, Reply)


async def _readable(
    uow: UnitOfWork, item: _Message | None, actor_id: UUID, what: str, field: str
) -> tuple[_Message, Membership]:
    """A post or reply the actor may read (an active member, no block between them and
    its author), with the actor's membership; NOT_FOUND otherwise, hidden or not."""
    membership = await uow.memberships.get(item.circle_id, actor_id) if item else None
    if (
        item is None
        or not can_read(membership)
        or await hidden_by_block(uow, membership, item.author_id, actor_id)
    ):
        raise NotFound(what, (field,))
    assert membership is not None
    return item, membership


async def _visible_post(uow: UnitOfWork, post_id: UUID, actor_id: UUID) -> tuple[Post, Membership]:
    return await _readable(uow, await uow.posts.get(post_id), actor_id, "Post", "postId")


async def _revised(
    uow: UnitOfWork,
    item: _Message,
    actor_id: UUID,
    clean: str,
    contacts: ContactDetector,
    clock: Clock,
    field: str,
) -> tuple[_Message, tuple[ContactKind, ...]]:
    """The author's new text for their post or reply (contact details masked), and the
    kinds masked in this edit; the item's flag keeps those of earlier versions too."""
    what = type(item).__name__.lower()
    if item.author_id != actor_id:
        raise Forbidden(f"Only the author can edit a {what}.")
    if item.is_removed:
        raise DomainError(ErrorCode.NOT_FOUND, f"This {what} was removed.", (field,))
    clean, masked = await _masked(uow, actor_id, clean, contacts)
    edited = replace(
        item,
        body=clean,
        edited_at=clock.now(),
        contact_masked=_union(item.contact_masked, masked),
    )
    return edited, masked


def _may_remove(item: Post | Reply, actor_id: UUID, membership: Membership) -> bool:
    """Whether the actor may remove it (the author, or a moderator of the circle), and
    whether there is anything left to remove."""
    if item.author_id != actor_id and not can_moderate(membership):
        raise Forbidden(
            f"Only the author or a moderator can remove a {type(item).__name__.lower()}."
        )
    return not item.is_removed


async def edit_post(
    actor_id: UUID,
    post_id: UUID,
    body: str,
    warning: ContentWarning | None,
    uow: UnitOfWork,
    clock: Clock,
    contacts: ContactDetector,
    detector: RiskDetector | None = None,
) -> tuple[Post, tuple[ContactKind, ...]]:
    """Authors edit their own posts; ``warning`` replaces the content warning. The new
    text is rated again. Returns the post and the kinds of contact details masked in
    this edit (the post's flag keeps those of earlier versions too)."""
    clean = check_body(body, POST_MAX)
    async with uow:
        post, _ = await _visible_post(uow, post_id, actor_id)
        edited, masked = await _revised(uow, post, actor_id, clean, contacts, clock, "postId")
        edited.content_warning = warning
        edited.risk_level = await _rate(uow, detector, TargetKind.POST, edited, clock)
        await uow.posts.update(edited)
        uow.record(Event(EventKind.POST_EDITED, post.circle_id, subject_id=post.id))
        await uow.commit()
    return edited, masked


async def delete_post(actor_id: UUID, post_id: UUID, uow: UnitOfWork, clock: Clock) -> Post:
    """Author or a moderator of the circle; leaves a tombstone and keeps the replies."""
    async with uow:
        post, membership = await _visible_post(uow, post_id, actor_id)
        if not _may_remove(post, actor_id, membership):
            return post
        removed = replace(
            post, body="", content_warning=None, removed_at=clock.now(), removed_by=actor_id
        )
        await uow.posts.update(removed)
        await _log_removal(uow, actor_id, post, TargetType.POST, clock)
        uow.record(Event(EventKind.POST_REMOVED, post.circle_id, subject_id=post.id))
        if post.first_reply_at is None:
            await announce_waiting_changed(uow, post.circle_id, except_id=post.author_id)
        await uow.commit()
    return removed


async def _log_removal(
    uow: UnitOfWork, actor_id: UUID, item: Post | Reply, kind: TargetType, clock: Clock
) -> None:
    """A moderator removing someone else's content goes in the moderation log."""
    if item.author_id == actor_id:
        return
    await uow.moderation_log.append(
        ModerationAction(
            uuid4(),
            item.circle_id,
            actor_id,
            ModerationActionKind.REMOVE_CONTENT,
            kind,
            item.id,
            clock.now(),
            target_member_id=None if item.anonymous else item.author_id,
        )
    )


async def reply_to_post(
    actor_id: UUID,
    post_id: UUID,
    body: str,
    anonymous: bool,
    uow: UnitOfWork,
    clock: Clock,
    limiter: RateLimiter,
    contacts: ContactDetector,
    detector: RiskDetector | None = None,
    idempotency_key: str | None = None,
) -> tuple[Reply, Post]:
    """Reply to a post; contact details are masked as in :func:`create_post`. A repeat
    with the same ``idempotency_key`` returns the first reply (domain.idempotency)."""
    clean = check_body(body, REPLY_MAX)
    key = check_key(idempotency_key, _KEY)
    if key is None:
        await take_slot(limiter, actor_id, Action.REPLY)
    reply_id = uuid4()
    async with uow:
        if key is not None:
            first = await claim_or_replay(
                uow, actor_id, key, Operation.REPLY_TO_POST, reply_id, clock.now(), _KEY
            )
            if first is not None:
                replayed = await _replayed(uow.replies.get(first), "Reply")
                return replayed, await _replayed(uow.posts.get(replayed.post_id), "Post")
            await take_slot(limiter, actor_id, Action.REPLY)
        post, membership = await _visible_post(uow, post_id, actor_id)
        if post.is_removed:
            raise DomainError(ErrorCode.NOT_FOUND, "This post was removed.", ("postId",))
        if post.is_hidden:
            raise DomainError(ErrorCode.NOT_FOUND, "A moderator hid this post.", ("postId",))
        check_not_muted(membership, clock, "postId")
        clean, masked = await _masked(uow, actor_id, clean, contacts)
        reply = Reply(
            reply_id,
            post.id,
            post.circle_id,
            actor_id,
            anonymous,
            clean,
            clock.now(),
            contact_masked=masked,
        )
        reply.risk_level = await _rate(uow, detector, TargetKind.REPLY, reply, clock)
        await uow.replies.add(reply)
        await _mark_answered(uow, post, reply)
        await notify_reply(uow, post, reply, reply.created_at)
        uow.record(
            Event(EventKind.REPLY_CREATED, post.circle_id, subject_id=reply.id, parent_id=post.id)
        )
        await uow.commit()
    return reply, post


async def _visible_reply(
    uow: UnitOfWork, reply_id: UUID, actor_id: UUID
) -> tuple[Reply, Membership]:
    return await _readable(uow, await uow.replies.get(reply_id), actor_id, "Reply", "replyId")


async def edit_reply(
    actor_id: UUID,
    reply_id: UUID,
    body: str,
    uow: UnitOfWork,
    clock: Clock,
    contacts: ContactDetector,
    detector: RiskDetector | None = None,
) -> tuple[Reply, tuple[ContactKind, ...]]:
    """Like :func:`edit_post`, for a reply."""
    clean = check_body(body, REPLY_MAX)
    async with uow:
        reply, _ = await _visible_reply(uow, reply_id, actor_id)
        edited, masked = await _revised(uow, reply, actor_id, clean, contacts, clock, "replyId")
        edited.risk_level = await _rate(uow, detector, TargetKind.REPLY, edited, clock)
        await uow.replies.update(edited)
        uow.record(_reply_event(EventKind.REPLY_EDITED, edited))
        await uow.commit()
    return edited, masked


async def delete_reply(actor_id: UUID, reply_id: UUID, uow: UnitOfWork, clock: Clock) -> Reply:
    async with uow:
        reply, membership = await _visible_reply(uow, reply_id, actor_id)
        if not _may_remove(reply, actor_id, membership):
            return reply
        removed = replace(reply, body="", removed_at=clock.now(), removed_by=actor_id)
        await uow.replies.update(removed)
        uow.record(_reply_event(EventKind.REPLY_REMOVED, removed))
        await _log_removal(uow, actor_id, reply, TargetType.REPLY, clock)
        await uow.commit()
    return removed


async def _mark_answered(uow: UnitOfWork, post: Post, reply: Reply) -> None:
    """The first reply by someone other than the author takes the post off everyone's
    "needs a reply" list (a compare-and-set: of two racing replies one wins)."""
    if reply.author_id == post.author_id or post.first_reply_at is not None:
        return
    seconds = max(int((reply.created_at - post.created_at).total_seconds()), 0)
    if await uow.posts.mark_answered(post.id, reply.created_at, seconds):
        post.first_reply_at = reply.created_at
        await announce_waiting_changed(uow, post.circle_id, except_id=post.author_id)


def _reply_event(kind: EventKind, reply: Reply) -> Event:
    return Event(kind, reply.circle_id, subject_id=reply.id, parent_id=reply.post_id)
