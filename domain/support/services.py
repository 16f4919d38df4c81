"""Use cases: offering to listen, nudging available members about unanswered posts,
and telling members when their "needs a reply" count may have changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.circles.model import can_read
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import Event, EventKind
from domain.moderation.visibility import hidden_authors
from domain.notifications.model import DAILY_PUSH_CAP, Notification, NotificationKind
from domain.notifications.rules import local_day_bounds, quiet_hours_end
from domain.notifications.services import write_notification
from domain.notifications.settings import preferences_of
from domain.support.model import Listener, Nudge, SupportAvailability, WaitingPost
from domain.support.rules import (
    NUDGE_BODY,
    NUDGE_HORIZON,
    NUDGES_PER_MEMBER_PER_DAY,
    check_until,
    fair_order,
    nudge_due,
    nudge_title,
)
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class SetAvailability:
    member_id: UUID
    until: datetime
    circle_ids: Sequence[UUID] | None = None
    """None or empty: every circle the member is an active member of."""


async def set_availability(
    cmd: SetAvailability, uow: UnitOfWork, clock: Clock
) -> SupportAvailability:
    """Say "I'm around to listen" until ``cmd.until`` (at most 12 hours ahead) in some
    or all of the member's circles; replaces an earlier offer."""
    now = clock.now()
    errors = check_until(cmd.until, now)
    async with uow:
        mine = await uow.support.active_circle_ids(cmd.member_id)
        wanted = list(dict.fromkeys(cmd.circle_ids or ()))
        if wanted and not set(wanted) <= set(mine):
            errors.append(
                DomainError(
                    ErrorCode.NOT_FOUND,
                    "You can offer to listen only in circles you are an active member of.",
                    ("input", "circleIds"),
                )
            )
        elif not wanted and not mine:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "Join a circle first: there is nowhere to listen yet.",
                    ("input", "circleIds"),
                )
            )
        if errors:
            raise ValidationError(errors)
        availability = SupportAvailability(
            cmd.member_id, tuple(wanted or mine), cmd.until, now, all_circles=not wanted
        )
        await uow.support.set_availability(availability)
        await uow.commit()
    return availability


async def clear_availability(member_id: UUID, uow: UnitOfWork) -> bool:
    """Stop offering to listen (idempotent)."""
    async with uow:
        cleared = await uow.support.clear_availability(member_id)
        await uow.commit()
    return cleared


async def current_availability(
    member_id: UUID, uow: UnitOfWork, clock: Clock
) -> SupportAvailability | None:
    """The member's offer while it lasts, in the circles they are still active in."""
    async with uow:
        found = await uow.support.availability(member_id)
        if found is None or found.until <= clock.now():
            return None
        active = set(await uow.support.active_circle_ids(member_id))
    circles = tuple(c for c in found.circle_ids if c in active)
    if not circles:
        return None
    return SupportAvailability(member_id, circles, found.until, found.set_at, found.all_circles)


async def announce_waiting_changed(
    uow: UnitOfWork, circle_id: UUID, except_id: UUID | None = None
) -> None:
    """Tell the circle's members (live, after commit) that their "needs a reply"
    count may have changed; each subscriber recounts with its own filters."""
    for member_id in await uow.support.active_member_ids(circle_id):
        if member_id != except_id:
            uow.record(
                Event(EventKind.AWAITING_SUPPORT_CHANGED, member_id=member_id, subject_id=circle_id)
            )


def nudge_notification(
    member_id: UUID, waiting: WaitingPost, seq: int, title: str, now: datetime
) -> Notification:
    post = waiting.post
    return Notification(
        id=uuid4(),
        member_id=member_id,
        kind=NotificationKind.SUPPORT_NUDGE,
        title=title,
        body=NUDGE_BODY,
        data={"circleId": str(post.circle_id), "postId": str(post.id)},
        dedupe_key=f"support-nudge:{post.id}:{seq}",
        created_at=now,
        next_attempt_at=now,
        collapse_key="support",
    )


async def _eligible(
    uow: UnitOfWork, listener: Listener, waiting: WaitingPost, now: datetime
) -> bool:
    """Whether this listener may be nudged about this post now: still an active
    member whom no moderator muted, not muting the post's warning topics, outside
    their quiet hours, under the daily push cap and the daily nudge cap, with a
    device to push to."""
    post = waiting.post
    membership = await uow.memberships.get(post.circle_id, listener.member_id)
    if not can_read(membership) or (membership is not None and membership.is_muted(now)):
        return False  # cannot read the post, or a moderator muted them (they can't reply)
    if post.content_warning and set(post.content_warning.topics) & set(
        await uow.topic_filters.get(listener.member_id)
    ):
        return False
    prefs = await preferences_of(uow, listener.member_id)
    if quiet_hours_end(prefs.quiet_hours, listener.timezone, now) is not None:
        return False
    _, start, end = local_day_bounds(listener.timezone, now)
    if await uow.support.pushes_between(listener.member_id, start, end) >= DAILY_PUSH_CAP:
        return False
    recent = await uow.support.nudges_since([listener.member_id], now - timedelta(hours=24))
    if recent.get(listener.member_id, 0) >= NUDGES_PER_MEMBER_PER_DAY:
        return False
    devices = await uow.devices.for_members([listener.member_id])
    return bool(devices.get(listener.member_id))


async def _nudge_one(uow: UnitOfWork, waiting: WaitingPost, now: datetime) -> Nudge | None:
    """Nudge the fairest eligible listener about one post, in the caller's unit of
    work; None when nobody may be nudged now."""
    post = waiting.post
    circle = await uow.circles.get(post.circle_id)
    if circle is None:
        return None
    already = await uow.support.nudged_about(post.id)
    blocked = hidden_authors(post.author_id, await uow.blocks.pairs_involving([post.author_id]))
    candidates = [
        listener
        for listener in await uow.support.listeners(post.circle_id, now)
        if listener.member_id != post.author_id
        and listener.member_id not in blocked
        and listener.member_id not in already
    ]
    for listener in fair_order(candidates):
        if not await _eligible(uow, listener, waiting, now):
            continue
        # the number comes from the due list this pass read: a pass that read it before
        # another worker's nudge committed collides on (post, seq) and writes nothing
        seq = waiting.nudges + 1
        nudge = Nudge(uuid4(), post.id, post.circle_id, listener.member_id, seq, now)
        if not await uow.support.add_nudge(nudge):
            return None  # another worker sent this one
        prefs = await preferences_of(uow, listener.member_id)
        warning = post.content_warning.topics if post.content_warning else ()
        title = nudge_title(
            circle.name, circle.topics, warning, circle.id in prefs.named_circle_ids
        )
        await write_notification(
            uow, nudge_notification(listener.member_id, waiting, seq, title, now)
        )
        return nudge
    return None


async def nudge_unanswered(uow_factory: Callable[[], UnitOfWork], clock: Clock) -> list[Nudge]:
    """The worker's nudge pass: for every post due a nudge (see ``nudge_due``), nudge
    one available member, each post in its own transaction. Exactly once however
    many workers run it and across restarts: the nudge's ``seq`` is unique per post
    and the outbox row's dedupe key carries it; a lost race writes nothing."""
    now = clock.now()
    async with uow_factory() as uow:
        due = [w for w in await uow.support.waiting_posts(now - NUDGE_HORIZON) if nudge_due(w, now)]
    sent: list[Nudge] = []
    for waiting in due:
        uow = uow_factory()
        try:
            async with uow:
                nudge = await _nudge_one(uow, waiting, now)
                if nudge is None:
                    await uow.rollback()
                    continue
                await uow.commit()
        except DomainError as error:
            if error.code in (ErrorCode.CONFLICT, ErrorCode.TAKEN):
                continue  # another worker nudged about this post first
            raise
        sent.append(nudge)
    return sent
