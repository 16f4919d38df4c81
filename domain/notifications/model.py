"""Notifications: devices, preferences, and the outbox of things to tell a member.

A :class:`Notification` is written in the same transaction as the thing it is about
(a reply, a due reminder) and delivered later by the worker: pushed to the member's
devices and always kept in their in-app inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from uuid import UUID

from domain.notifications.push import Platform

MAX_DEVICES = 10
"""Devices one member may register; registering an 11th drops the least recently seen."""
COLLAPSE_WINDOW = timedelta(minutes=5)
"""Replies to one post that arrive while an earlier notification is still undelivered
and younger than this become one notification ("3 new replies")."""
MAX_ATTEMPTS = 6
"""Delivery attempts before a notification is marked FAILED."""
DAILY_PUSH_CAP = 20
"""Pushes per member per local day; past it notifications go to the inbox only."""


class NotificationKind(StrEnum):
    """What a notification is about."""

    REPLY = "REPLY"
    REACTION = "REACTION"
    CHECKIN_REMINDER = "CHECKIN_REMINDER"
    REMINDERS_PAUSED = "REMINDERS_PAUSED"
    SAFETY_ALERT = "SAFETY_ALERT"
    MODERATION_DECISION = "MODERATION_DECISION"
    SUPPORT_NUDGE = "SUPPORT_NUDGE"


class NotificationStatus(StrEnum):
    """Where a notification is in the outbox."""

    PENDING = "PENDING"
    """Waiting for ``next_attempt_at``."""
    SENDING = "SENDING"
    """Claimed by a worker until ``claimed_until`` (its lease)."""
    SENT = "SENT"
    """Accepted by the push service for at least one device."""
    FAILED = "FAILED"
    """Gave up (permanent error, or MAX_ATTEMPTS transient ones)."""
    INBOX_ONLY = "INBOX_ONLY"
    """Not pushed (no devices, daily cap, or an in-app item); shown in the inbox."""


CHANNELS: dict[NotificationKind, str] = {
    NotificationKind.REPLY: "replies",
    NotificationKind.REACTION: "reactions",
    NotificationKind.CHECKIN_REMINDER: "checkin_reminders",
    NotificationKind.REMINDERS_PAUSED: "checkin_reminders",
    NotificationKind.SAFETY_ALERT: "safety_alerts",
    NotificationKind.MODERATION_DECISION: "moderation",
    NotificationKind.SUPPORT_NUDGE: "support_nudges",
}
"""The Android notification channel of each kind (the app creates these channels)."""


@dataclass(slots=True)
class Device:
    """A phone registered for push. ``token`` is its Firebase Installation ID (FID)."""

    token: str = field(repr=False)
    member_id: UUID
    platform: Platform
    app_version: str
    locale: str
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local wall-clock times between which non-urgent pushes wait (may wrap midnight)."""

    start: time
    end: time


@dataclass(slots=True)
class NotificationPreferences:
    """What a member wants pushed. Everything is on by default except previews."""

    member_id: UUID
    replies: bool = True
    reactions: bool = True
    circle_activity: bool = True
    check_in_reminders: bool = True
    quiet_hours: QuietHours | None = None
    show_previews: bool = False
    moderation_decisions: bool = False
    """Push moderation decisions about you (off: they wait in the inbox)."""
    updated_at: datetime | None = None
    named_circle_ids: frozenset[UUID] = frozenset()
    """Circles the member chose to see named in push titles (none by default)."""


@dataclass(slots=True)
class Notification:
    """One outbox row / inbox item.

    ``title`` and ``body`` are lock-screen safe. ``data`` is the deep link with raw
    ids (``circleId``, ``postId``, ``replyId``); the worker turns them into global IDs.
    """

    id: UUID
    member_id: UUID
    kind: NotificationKind
    title: str
    body: str
    data: dict[str, str]
    dedupe_key: str
    created_at: datetime
    next_attempt_at: datetime
    collapse_key: str | None = None
    count: int = 1
    urgent: bool = False
    status: NotificationStatus = NotificationStatus.PENDING
    attempts: int = 0
    read_at: datetime | None = None
    sent_at: datetime | None = None
