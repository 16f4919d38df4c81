"""What the worker sends: claimed rows and the push messages built from them."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.notifications.model import (
    CHANNELS,
    Device,
    NotificationKind,
    NotificationStatus,
    QuietHours,
)
from domain.notifications.push import (
    PushMessage,
    PushPriority,
)
from domain.notifications.rules import deep_link, lock_screen_text

log = logging.getLogger("hearth.worker")

_PENDING = NotificationStatus.PENDING.value
_SENDING = NotificationStatus.SENDING.value
_ID_TYPES = {
    "circleId": "Circle",
    "postId": "Post",
    "replyId": "Reply",
    "safetyItemId": "SafetyItem",
}
_REMINDER_LOCK = 7_220_001  # pg advisory lock key for the reminder pass
_COLLAPSE = {
    NotificationKind.REPLY: "replies",
    NotificationKind.REACTION: "reactions",
    NotificationKind.SAFETY_ALERT: "safety",
}


def global_id(type_name: str, raw_id: str | UUID) -> str:
    """The API's global ID format (api.node.to_global_id), computed in infra."""
    return base64.urlsafe_b64encode(f"{type_name}:{raw_id}".encode()).decode()


@dataclass
class Claimed:
    """A claimed row with what delivery needs."""

    id: UUID
    member_id: UUID
    kind: NotificationKind
    title: str
    body: str
    data: dict[str, Any]
    collapse_key: str | None
    count: int
    urgent: bool
    attempts: int
    created_at: datetime
    timezone: str
    quiet: QuietHours | None
    devices: list[Device] = field(default_factory=list)


@dataclass
class RoundResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    inbox_only: int = 0
    deferred: int = 0
    lease_lost: int = 0
    pruned_devices: int = 0


def push_data(row: Claimed) -> dict[str, str]:
    """The deep link: ``type``, ``notificationId`` and global ``circleId``/``postId``/
    ``replyId``, ``count`` for collapsed replies and batched reactions, and ``link``, the
    app URL to open (domain.notifications.rules.deep_link). Only ids, never content."""
    data = {"type": row.kind.value, "notificationId": global_id("Notification", row.id)}
    for key, value in row.data.items():
        data[key] = global_id(_ID_TYPES[key], value) if key in _ID_TYPES else str(value)
    if row.count > 1:
        data["count"] = str(row.count)
    data["link"] = deep_link(row.kind, data)
    return data


def push_messages(row: Claimed) -> list[PushMessage]:
    """One message per device of the row's member."""
    reply_like = row.kind in _COLLAPSE
    title, body = lock_screen_text(row.kind, row.title, row.body)
    return [
        PushMessage(
            device_token=device.token,
            platform=device.platform,
            title=title,
            body=body,
            data=push_data(row),
            channel_id=CHANNELS[row.kind],
            priority=PushPriority.HIGH if reply_like else PushPriority.NORMAL,
            collapse_key=_COLLAPSE.get(row.kind, "checkin"),
            tag=row.collapse_key,
            thread_id=row.collapse_key or "checkin",
            ttl_seconds=86400 if reply_like else 6 * 3600,
        )
        for device in row.devices
    ]


def _quiet(start: str | None, end: str | None) -> QuietHours | None:
    if not start or not end:
        return None
    return QuietHours(
        datetime.strptime(start, "%H:%M").time(), datetime.strptime(end, "%H:%M").time()
    )


# -- composition (shared by the embedded worker and ``hearth worker``) ------------------
