"""Use cases that write notifications: replies and reactions (inside the writer's own
transaction), the reminder pass, and the inbox (writing an item, marking it read).
What the member controls (devices, preferences) is :mod:`domain.notifications.settings`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.checkins.reminders import checked_in_on_fire_day, local_day, next_fire_after
from domain.circles.model import can_read
from domain.clock import Clock
from domain.events import Event, EventKind
from domain.moderation.blocks import is_blocked_between
from domain.moderation.visibility import hidden_authors
from domain.notifications.model import (
    Notification,
    NotificationKind,
    NotificationStatus,
)
from domain.notifications.rules import (
    REACTION_WINDOW,
    can_collapse_into,
    collapse,
    counted_reactors,
    may_name_circle,
    reaction_collapse_key,
    reaction_notification,
    reaction_title,
    reply_notification,
)
from domain.notifications.settings import preferences_of
from domain.posts.model import Post, Reply
from domain.privacy.model import ConsentKind
from domain.uow import UnitOfWork

UNANSWERED_BEFORE_PAUSE = 5
"""Reminders in a row without a check-in; the next one pauses reminders instead."""
STALE_REMINDER = timedelta(hours=6)
"""A reminder found this late (the worker was down) is skipped, not sent."""


async def notify_reply(uow: UnitOfWork, post: Post, reply: Reply, now: datetime) -> None:
    """Write (or collapse into) the post author's reply notification, inside the
    reply's own transaction: the notification exists exactly when the reply does."""
    if reply.author_id == post.author_id:
        return
    if not can_read(await uow.memberships.get(post.circle_id, post.author_id)):
        return  # the author left the circle (or was banned)
    if await is_blocked_between(uow, post.author_id, reply.author_id):
        return  # replies across a block never notify (either way)
    prefs = await preferences_of(uow, post.author_id)
    circle = await uow.circles.get(post.circle_id)
    if circle is None:
        return
    replier_name = None
    if prefs.show_previews and not reply.anonymous:
        replier = await uow.members.get(reply.author_id)
        replier_name = replier.display_name if replier else None
    named = circle.id in prefs.named_circle_ids
    circle_name = circle.name if may_name_circle(circle.topics, named) else None
    notification = reply_notification(prefs, post, reply, circle_name, replier_name, now)
    if notification is None or notification.collapse_key is None:
        return
    if post.content_warning and set(post.content_warning.topics) & set(
        await uow.topic_filters.get(post.author_id)
    ):
        # a topic the recipient muted: kept in the inbox, never pushed
        notification.status = NotificationStatus.INBOX_ONLY
        await _add(uow, notification)
        return
    pending = await uow.notifications.pending_to_collapse(
        notification.member_id, notification.collapse_key, now - timedelta(minutes=5)
    )
    if (
        pending is not None
        and can_collapse_into(pending, now)
        and await uow.notifications.update_pending(collapse(pending, notification, circle_name))
    ):
        _announce(uow, pending)
        return
    await _add(uow, notification)


async def notify_reaction(
    uow: UnitOfWork, target: Post | Reply, reactor_id: UUID, now: datetime
) -> None:
    """Inside the reaction's own transaction: the author's REACTION notification for the
    target, batched. At most one per target in REACTION_WINDOW: while it waits to be
    pushed it is recounted ("3 people sent you a hug"); once pushed, later reactions in
    the hour only recount it in the inbox. Never for one's own reaction, never across a
    block, never when the author turned ``reactions`` off or left the circle. Quiet hours
    and the daily cap are the worker's, as for every push."""
    author = target.author_id
    if reactor_id == author:
        return
    if not can_read(await uow.memberships.get(target.circle_id, author)):
        return
    pairs = await uow.blocks.pairs_involving([author])
    hidden = hidden_authors(author, pairs)
    if reactor_id in hidden:
        return
    prefs = await preferences_of(uow, author)
    if not prefs.reactions:
        return
    key = reaction_collapse_key(target.id)
    existing = await uow.notifications.latest_by_collapse_key(author, key, now - REACTION_WINDOW)
    if existing is None:
        people, kinds = counted_reactors(author, await uow.reactions.since(target.id, now), hidden)
        if people == 0:
            return
        fresh = reaction_notification(author, target, people, kinds, now)
        if await _add(uow, fresh):
            return
        # a concurrent reaction wrote this hour's notification first: recount it
        existing = await uow.notifications.latest_by_collapse_key(
            author, key, now - REACTION_WINDOW
        )
        if existing is None:
            return
    reactions = await uow.reactions.since(target.id, existing.created_at)
    people, kinds = counted_reactors(author, reactions, hidden)
    title = reaction_title(people, kinds, isinstance(target, Reply))
    if people == 0 or (people, title) == (existing.count, existing.title):
        return  # nothing new (a second hug from the same person counts once)
    recounted = replace(existing, title=title, count=people)
    if await uow.notifications.update_text(recounted):
        _announce(uow, recounted)


def _announce(uow: UnitOfWork, notification: Notification) -> None:
    """The recipient's live activity stream (myActivity) hears of it after commit."""
    uow.record(
        Event(
            EventKind.NOTIFICATION_CREATED,
            member_id=notification.member_id,
            subject_id=notification.id,
        )
    )


async def _add(uow: UnitOfWork, notification: Notification) -> int:
    """Write a notification (a duplicate dedupe key writes nothing); 1 if written."""
    if not await uow.notifications.add(notification):
        return 0
    _announce(uow, notification)
    return 1


@dataclass(frozen=True, slots=True)
class MarkedRead:
    """How many notifications were marked read, and how many are still unread."""

    changed: int
    unread: int


async def write_notification(uow: UnitOfWork, notification: Notification) -> int:
    """Write a notification inside the caller's unit of work (1 if written)."""
    return await _add(uow, notification)


async def mark_read(
    member_id: UUID, ids: Sequence[UUID] | None, uow: UnitOfWork, clock: Clock
) -> MarkedRead:
    """Mark the member's own notifications read; others' ids are ignored."""
    async with uow:
        changed = await uow.notifications.mark_read(member_id, ids, clock.now())
        unread = await uow.notifications.unread_count(member_id)
        if changed:
            uow.record(Event(EventKind.NOTIFICATIONS_READ, member_id=member_id))
        await uow.commit()
    return MarkedRead(changed, unread)


REMINDER_TITLE = "Time for a check-in"
REMINDER_BODY = "How are you feeling? Take a moment to check in."
PAUSED_TITLE = "Check-in reminders paused"
PAUSED_BODY = (
    "You haven't checked in after the last few reminders, so we paused them. "
    "Turn them back on any time in your reminder settings."
)


async def queue_due_reminders(uow: UnitOfWork, clock: Clock, since: datetime) -> int:
    """Turn reminders due by now into CHECKIN_REMINDER notifications (one per
    member, local date and slot: the dedupe key), and move each reminder on.

    A member who already checked in on the reminder's local day gets none, and so does
    a member without the current health-data consent (reminders invite a check-in,
    which is health data; their reminder just moves on). After
    UNANSWERED_BEFORE_PAUSE reminders in a row without a check-in, the next due
    reminder pauses reminders instead and leaves a REMINDERS_PAUSED inbox item.
    Returns how many notifications were written.
    """
    now = clock.now()
    written = 0
    async with uow:
        due = await uow.reminders.due(since, now + timedelta(microseconds=1))
        consenting = await uow.consents.members_with_active(
            [r.member_id for r in due], ConsentKind.HEALTH_DATA
        )
        latest = await uow.check_ins.latest_times([r.member_id for r in due])
        for reminder in due:
            fire_at = reminder.next_fire_at
            if fire_at is None:
                continue
            tz = reminder.schedule.timezone
            day = local_day(fire_at, tz)
            last = latest.get(reminder.member_id)
            unanswered = reminder.consecutive_unanswered
            if last is not None and last >= reminder.updated_at:
                unanswered = 0  # checked in since the last reminder (or the settings)
            moved = replace(
                reminder, next_fire_at=next_fire_after(reminder.schedule, now), updated_at=now
            )
            skip = reminder.member_id not in consenting or now - fire_at > STALE_REMINDER
            if skip or checked_in_on_fire_day(last, fire_at, tz):
                moved.consecutive_unanswered = unanswered
            elif unanswered >= UNANSWERED_BEFORE_PAUSE:
                moved.paused = True
                moved.consecutive_unanswered = 0
                written += await _add(
                    uow, _reminder_item(reminder.member_id, day, fire_at, now, paused=True)
                )
            else:
                prefs = await preferences_of(uow, reminder.member_id)
                if prefs.check_in_reminders:
                    moved.consecutive_unanswered = unanswered + 1
                    written += await _add(
                        uow, _reminder_item(reminder.member_id, day, fire_at, now, paused=False)
                    )
            await uow.reminders.save(moved)
        await uow.commit()
    return written


def _reminder_item(
    member_id: UUID, day: object, fire_at: datetime, now: datetime, *, paused: bool
) -> Notification:
    slot = fire_at.strftime("%H%M")
    kind = NotificationKind.REMINDERS_PAUSED if paused else NotificationKind.CHECKIN_REMINDER
    return Notification(
        id=uuid4(),
        member_id=member_id,
        kind=kind,
        title=PAUSED_TITLE if paused else REMINDER_TITLE,
        body=PAUSED_BODY if paused else REMINDER_BODY,
        data={},
        dedupe_key=f"{kind.value.lower()}:{member_id}:{day}:{slot}",
        created_at=now,
        next_attempt_at=now,
        collapse_key=None if paused else "checkin",
        status=NotificationStatus.INBOX_ONLY if paused else NotificationStatus.PENDING,
    )
