"""The safety team: platform staff (not peer moderators) who look at URGENT posts and
replies, at check-ins whose author asked for someone to reach out, and at posts,
replies and members that a peer reported as a suicide or self-harm risk.

What lives here: the staff role, the queue item with its OPEN -> ACKNOWLEDGED ->
RESOLVED life, the audit entries, the stored ratings, and the ports that keep them.
The rules that use them are in :mod:`domain.safety.services` (rating, opening items)
and :mod:`domain.safety.staff` (the team's own actions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.safety.model import RiskLevel

REALERT_AFTER = timedelta(minutes=15)
"""An URGENT item nobody acknowledged alerts the on-call staff again after this long."""
NOTE_MAX = 2_000
"""The longest note on an acknowledgement or resolution, in characters."""
REASON_MIN, REASON_MAX = 10, 500
"""How long the recorded reason for revealing an anonymous author must be."""


class TargetKind(StrEnum):
    """What was rated, or what a safety item is about."""

    POST = "POST"
    REPLY = "REPLY"
    CHECK_IN = "CHECK_IN"
    MEMBER = "MEMBER"
    """A member a peer reported as a risk (never rated: a member has no text)."""


class StaffRole(StrEnum):
    """Platform staff roles. SAFETY reads the safety queue and acts on it."""

    SAFETY = "SAFETY"


class ItemStatus(StrEnum):
    """Where a queue item is: OPEN -> ACKNOWLEDGED -> RESOLVED (OPEN -> RESOLVED too)."""

    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class ItemSource(StrEnum):
    """Why an item is in the queue."""

    URGENT_CONTENT = "URGENT_CONTENT"
    """A post or reply the detector rated URGENT."""
    REACH_OUT = "REACH_OUT"
    """A member asked for someone to reach out after a check-in (the note is withheld)."""
    PEER_REPORT = "PEER_REPORT"
    """A member reported a post, a reply or a member as a suicide or self-harm risk (the
    reporter is never shown to the author, the reported member or peer moderators)."""


class AuditAction(StrEnum):
    STAFF_GRANTED = "STAFF_GRANTED"
    STAFF_REVOKED = "STAFF_REVOKED"
    AUTHOR_REVEALED = "AUTHOR_REVEALED"
    ITEM_ACKNOWLEDGED = "ITEM_ACKNOWLEDGED"
    ITEM_RESOLVED = "ITEM_RESOLVED"
    ON_CALL_CHANGED = "ON_CALL_CHANGED"


@dataclass(frozen=True, slots=True)
class RiskRating:
    """One stored rating: never the text, always the detector version."""

    id: UUID
    target_kind: TargetKind
    target_id: UUID
    level: RiskLevel
    reasons: tuple[str, ...]
    detector_version: str
    rated_at: datetime


@dataclass(slots=True)
class StaffGrant:
    """A platform staff role, keyed by the Firebase account (granted before or after
    the person onboards)."""

    firebase_uid: str
    role: StaffRole
    on_call: bool
    granted_at: datetime
    granted_by: str


@dataclass(slots=True)
class SafetyItem:
    """One thing for the safety team to look at. ``target_id`` is the post, reply,
    check-in or member; the text is read at display time (never for a check-in; a
    member has none). ``author_id`` is who wrote the content, or the member reported
    (then the same as ``target_id``). ``circle_id`` is where it was posted, or where
    the member was first reported."""

    id: UUID
    source: ItemSource
    target_kind: TargetKind
    target_id: UUID
    circle_id: UUID | None
    author_id: UUID
    level: RiskLevel
    reasons: tuple[str, ...]
    created_at: datetime
    status: ItemStatus = ItemStatus.OPEN
    last_alerted_at: datetime | None = None
    alert_count: int = 0
    acknowledged_at: datetime | None = None
    acknowledged_by: UUID | None = None
    resolved_at: datetime | None = None
    resolved_by: UUID | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to whom and why. ``actor`` is a member id or ``operator:<name>``."""

    id: UUID
    at: datetime
    actor: str
    action: AuditAction
    subject: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SafeSaid:
    """A member said "I'm safe right now" after a prompt about what they wrote."""

    member_id: UUID
    target_kind: TargetKind
    target_id: UUID
    at: datetime
