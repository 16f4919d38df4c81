"""Pure rules: lock-screen text, collapsing, quiet hours, daily windows, backoff.

Privacy: lock-screen text never contains a post body, a check-in note or a mood,
and by default no circle name (a circle called "Self-harm recovery" on a lock
screen tells anyone glancing at the phone what the member is going through). A
member may opt in to a circle's name per circle, never for a circle whose topics
include one of :data:`NEVER_NAMED_TOPICS`.
A reply is previewed only when the recipient turned ``show_previews`` on AND the
reply is not anonymous AND the post carries no content warning; an anonymous
replier's name is never used anywhere in a push.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from domain.circles.model import Topic
from domain.errors import DomainError, ErrorCode
from domain.notifications.model import (
    COLLAPSE_WINDOW,
    Notification,
    NotificationKind,
    NotificationPreferences,
    QuietHours,
)
from domain.posts.model import Post, ReactionKind, Reply

PREVIEW_MAX = 80
"""The longest reply preview, in characters."""
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
_HH_MM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def reply_collapse_key(post_id: UUID) -> str:
    """One collapse key per post (41 bytes, under APNs' 64-byte limit)."""
    return f"post-{post_id}"


NEVER_NAMED_TOPICS = frozenset(
    {Topic.SELF_HARM_RECOVERY, Topic.TRAUMA, Topic.EATING_DISORDERS, Topic.SUBSTANCE_USE}
)
"""Circles about these are never named on a lock screen, whatever the member chose."""


def may_name_circle(topics: Iterable[Topic], opted_in: bool) -> bool:
    """Whether a push title may name the circle: only when the member opted in for
    it and none of its topics is one of :data:`NEVER_NAMED_TOPICS`."""
    return opted_in and NEVER_NAMED_TOPICS.isdisjoint(topics)


LOCK_SCREEN_TEXT: dict[NotificationKind, tuple[str, str]] = {
    NotificationKind.MODERATION_DECISION: ("A moderation decision", "Open Hearth to read it."),
}
"""Kinds whose inbox text names a circle, a guideline or a moderator's words: on a
lock screen they show only this neutral title and body (the inbox keeps the rest)."""


def lock_screen_text(kind: NotificationKind, title: str, body: str) -> tuple[str, str]:
    """The title and body a push may show for a notification of ``kind``."""
    return LOCK_SCREEN_TEXT.get(kind, (title, body))


DEEP_LINK_SCHEME = "hearth"


def deep_link(kind: NotificationKind, ids: dict[str, str]) -> str:
    """The app URL a notification opens (docs/notifications.md, Deep links), from the
    API's global ids in ``ids`` (``circleId``, ``postId``, ``replyId``,
    ``safetyItemId``): ``hearth://posts/<postId>?reply=<replyId>``,
    ``hearth://circles/<circleId>``, ``hearth://check-in``, ``hearth://settings/reminders``,
    ``hearth://safety/items/<safetyItemId>``; ``hearth://inbox`` otherwise."""
    base = f"{DEEP_LINK_SCHEME}://"
    post, reply, circle = ids.get("postId"), ids.get("replyId"), ids.get("circleId")
    if kind is NotificationKind.SAFETY_ALERT and ids.get("safetyItemId"):
        return f"{base}safety/items/{ids['safetyItemId']}"
    if kind is NotificationKind.CHECKIN_REMINDER:
        return f"{base}check-in"
    if kind is NotificationKind.REMINDERS_PAUSED:
        return f"{base}settings/reminders"
    if post:
        return f"{base}posts/{post}" + (f"?reply={reply}" if reply else "")
    if circle:
        return f"{base}circles/{circle}"
    return f"{base}inbox"


def _reply_title(circle_name: str | None, count: int) -> str:
    """The title of a reply notification; ``circle_name`` only when it may be named."""
    if circle_name is None:
        return "Someone replied to you" if count == 1 else f"{count} new replies to your post"
    if count == 1:
        return f"New reply in {circle_name}"
    return f"{count} new replies in {circle_name}"


def may_preview(prefs: NotificationPreferences, post: Post, reply: Reply) -> bool:
    """Whether the reply's text may appear on the lock screen."""
    return prefs.show_previews and not reply.anonymous and post.content_warning is None


def reply_notification(
    recipient: NotificationPreferences,
    post: Post,
    reply: Reply,
    circle_name: str | None,
    replier_name: str | None,
    now: datetime,
) -> Notification | None:
    """The notification for the post's author about ``reply``, or None when they
    should not get one (their own reply, or replies turned off). ``circle_name`` is
    None unless :func:`may_name_circle` allows it."""
    if reply.author_id == post.author_id or not recipient.replies:
        return None
    body = "Open Hearth to read it."
    if may_preview(recipient, post, reply):
        snippet = " ".join(reply.body.split())
        if len(snippet) > PREVIEW_MAX:
            snippet = snippet[: PREVIEW_MAX - 1].rstrip() + "…"
        body = f"{replier_name}: {snippet}" if replier_name else snippet
    return Notification(
        id=uuid4(),
        member_id=post.author_id,
        kind=NotificationKind.REPLY,
        title=_reply_title(circle_name, 1),
        body=body,
        data={"circleId": str(post.circle_id), "postId": str(post.id), "replyId": str(reply.id)},
        dedupe_key=f"reply:{reply.id}:{post.author_id}",
        created_at=now,
        next_attempt_at=now,
        collapse_key=reply_collapse_key(post.id),
    )


REACTION_WINDOW = timedelta(hours=1)
"""At most one reaction notification per post (or reply) in this long."""
REACTION_BODY = "Open Hearth to see."
_REACTED: dict[ReactionKind, str] = {
    ReactionKind.HUG: "sent you a hug",
    ReactionKind.ME_TOO: "said “me too”",
    ReactionKind.STRENGTH: "sent you strength",
    ReactionKind.THANK_YOU: "thanked you",
}


def reaction_collapse_key(target_id: UUID) -> str:
    """One collapse key per post or reply (45 bytes, under APNs' 64-byte limit)."""
    return f"react-{target_id}"


def reaction_title(people: int, kinds: Iterable[ReactionKind], on_reply: bool) -> str:
    """ "Someone sent you a hug", "3 people sent you a hug", "3 people reacted to your
    post": never who, never the circle, never the text (lock-screen safe)."""
    who = "Someone" if people == 1 else f"{people} people"
    distinct = set(kinds)
    if len(distinct) == 1:
        return f"{who} {_REACTED[distinct.pop()]}"
    return f"{who} reacted to your {'reply' if on_reply else 'post'}"


def counted_reactors(
    author_id: UUID, reactions: Iterable[tuple[UUID, ReactionKind]], hidden: frozenset[UUID]
) -> tuple[int, set[ReactionKind]]:
    """Distinct people (never the author, never anyone a block separates from the
    author) and the kinds they sent."""
    people: set[UUID] = set()
    kinds: set[ReactionKind] = set()
    for member, kind in reactions:
        if member == author_id or member in hidden:
            continue
        people.add(member)
        kinds.add(kind)
    return len(people), kinds


def reaction_notification(
    author_id: UUID,
    target: Post | Reply,
    people: int,
    kinds: Iterable[ReactionKind],
    now: datetime,
) -> Notification:
    """A new REACTION notification for the author of ``target``; its deep link names
    the circle, the post and (for a reply) the reply."""
    on_reply = isinstance(target, Reply)
    data = {"circleId": str(target.circle_id)}
    if isinstance(target, Reply):
        data |= {"postId": str(target.post_id), "replyId": str(target.id)}
    else:
        data["postId"] = str(target.id)
    return Notification(
        id=uuid4(),
        member_id=author_id,
        kind=NotificationKind.REACTION,
        title=reaction_title(people, kinds, on_reply),
        body=REACTION_BODY,
        data=data,
        dedupe_key=f"reaction:{target.id}:{author_id}:{now:%Y%m%d%H}",
        created_at=now,
        next_attempt_at=now,
        collapse_key=reaction_collapse_key(target.id),
        count=people,
    )


def can_collapse_into(pending: Notification, now: datetime) -> bool:
    """Whether a still-pending notification is young enough to absorb another reply."""
    return now - pending.created_at <= COLLAPSE_WINDOW


def collapse(pending: Notification, newer: Notification, circle_name: str | None) -> Notification:
    """``pending`` now also stands for ``newer``: counted, text without any preview,
    deep link to the post (and the newest reply)."""
    count = pending.count + 1
    data = dict(pending.data)
    data.update(newer.data)
    return replace(
        pending,
        title=_reply_title(circle_name, count),
        body="Open Hearth to read them.",
        data=data,
        count=count,
    )


def parse_local_time(value: str, field: tuple[str, ...]) -> time:
    """A 24-hour "HH:MM" text as a time; INVALID on ``field`` otherwise."""
    match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        message = 'Use 24-hour "HH:MM" local times, e.g. "22:00".'
        raise DomainError(ErrorCode.INVALID, message, field)
    return time(int(match[1]), int(match[2]))


def _in_quiet(quiet: QuietHours, wall: time) -> bool:
    if quiet.start == quiet.end:
        return False
    if quiet.start < quiet.end:
        return quiet.start <= wall < quiet.end
    return wall >= quiet.start or wall < quiet.end  # wraps midnight


def quiet_hours_end(quiet: QuietHours | None, timezone: str, now: datetime) -> datetime | None:
    """When the member's quiet hours end, if ``now`` is inside them (UTC), else None."""
    if quiet is None:
        return None
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if not _in_quiet(quiet, local.time().replace(tzinfo=None)):
        return None
    day = local.date()
    if quiet.end <= local.time().replace(tzinfo=None):
        day += timedelta(days=1)
    end = datetime.combine(day, quiet.end, tzinfo=zone).astimezone(UTC)
    return max(end, now + timedelta(seconds=1))


def local_day_bounds(timezone: str, now: datetime) -> tuple[date, datetime, datetime]:
    """The member's local date at ``now`` and its [start, end) in UTC."""
    zone = ZoneInfo(timezone)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return day, start, end


def next_try_after(
    attempts: int, retry_after: float | None, rng: random.Random | None = None
) -> timedelta:
    """When to try again: our backoff, or longer when the push service asked for it
    (``Retry-After``); never sooner than it asked."""
    backoff = retry_delay(attempts, rng)
    if retry_after is None or retry_after <= 0:
        return backoff
    return max(backoff, timedelta(seconds=min(retry_after, RETRY_CAP.total_seconds())))


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with jitter: 30 s, 1 min, 2 min, ... capped at 1 h, each
    multiplied by a random factor in [0.5, 1.0) so failing rows spread out."""
    base: timedelta = min(RETRY_BASE * int(2 ** max(attempts - 1, 0)), RETRY_CAP)
    factor: float = 0.5 + (rng or random).random() * 0.5
    return base * factor
