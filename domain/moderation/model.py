"""Blocks, topic filters, reports and the moderation log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.circles.model import Topic


@dataclass(frozen=True, slots=True)
class Block:
    """``blocker_id`` no longer sees ``blocked_id``'s content, and the other way round."""

    blocker_id: UUID
    blocked_id: UUID
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ViewerFilters:
    """What one viewer must not see, read with the viewer's profile.

    ``hidden_authors``: members the viewer blocked or who blocked the viewer (both
    directions). ``muted_topics``: content-warning topics the viewer folds away."""

    hidden_authors: frozenset[UUID] = frozenset()
    muted_topics: frozenset[Topic] = frozenset()


NO_FILTERS = ViewerFilters()


class ReportReason(StrEnum):
    HARASSMENT = "HARASSMENT"
    SELF_HARM_RISK = "SELF_HARM_RISK"
    SUICIDE_RISK = "SUICIDE_RISK"
    SPAM = "SPAM"
    HATE = "HATE"
    SEXUAL_CONTENT = "SEXUAL_CONTENT"
    GROOMING = "GROOMING"
    PRIVATE_INFORMATION = "PRIVATE_INFORMATION"
    MISINFORMATION = "MISINFORMATION"
    IMPERSONATION = "IMPERSONATION"
    OTHER = "OTHER"


SEVERITY: dict[ReportReason, int] = {
    ReportReason.SUICIDE_RISK: 100,
    ReportReason.SELF_HARM_RISK: 90,
    ReportReason.GROOMING: 80,
    ReportReason.SEXUAL_CONTENT: 60,
    ReportReason.HATE: 60,
    ReportReason.HARASSMENT: 50,
    ReportReason.PRIVATE_INFORMATION: 50,
    ReportReason.IMPERSONATION: 30,
    ReportReason.MISINFORMATION: 20,
    ReportReason.SPAM: 10,
    ReportReason.OTHER: 5,
}
"""How urgent a report of each reason is; the queue shows the most severe first."""

SAFETY_REASONS = frozenset({ReportReason.SUICIDE_RISK, ReportReason.SELF_HARM_RISK})
"""Reports that also go to the safety team (``Report.safety_review``)."""

GUIDELINES: dict[ReportReason, str] = {
    ReportReason.HARASSMENT: "Be kind and listen: no harassment or bullying.",
    ReportReason.SELF_HARM_RISK: "Keep each other safe: no encouragement or detail of self-harm.",
    ReportReason.SUICIDE_RISK: "Keep each other safe: no encouragement or detail of suicide.",
    ReportReason.SPAM: "No selling, no recruiting, no spam.",
    ReportReason.HATE: "No hate: respect every identity.",
    ReportReason.SEXUAL_CONTENT: "No sexual content.",
    ReportReason.GROOMING: "No grooming: never move someone to private contact.",
    ReportReason.PRIVATE_INFORMATION: "Never share anything that identifies you or someone else.",
    ReportReason.MISINFORMATION: "Share your own experience, not advice you are not qualified "
    "to give.",
    ReportReason.IMPERSONATION: "Be yourself: do not pretend to be someone else.",
    ReportReason.OTHER: "Follow the circle's own guidelines.",
}
"""The community guideline each reason is about (shown in decision notices)."""


class TargetType(StrEnum):
    POST = "POST"
    REPLY = "REPLY"
    MEMBER = "MEMBER"


class ReportStatus(StrEnum):
    OPEN = "OPEN"
    ACTIONED = "ACTIONED"
    DISMISSED = "DISMISSED"


class ReportDecision(StrEnum):
    """How a moderator closes a report."""

    ACTIONED = "ACTIONED"
    DISMISSED = "DISMISSED"


@dataclass(slots=True)
class Report:
    """A member's report. ``reporter_id`` never leaves the server's staff tools.

    ``target_member_id`` is the author of a post or reply (even an anonymous one:
    it is needed for decision notices and is never shown to moderators) or the
    reported member. ``safety_review`` marks reports the safety team must see."""

    id: UUID
    circle_id: UUID
    reporter_id: UUID
    target_type: TargetType
    target_id: UUID
    target_member_id: UUID
    reason: ReportReason
    note: str | None
    created_at: datetime
    status: ReportStatus = ReportStatus.OPEN
    safety_review: bool = False
    resolved_at: datetime | None = None
    resolved_by: UUID | None = None
    decision_message: str | None = None


class ModerationActionKind(StrEnum):
    HIDE_CONTENT = "HIDE_CONTENT"
    RESTORE_CONTENT = "RESTORE_CONTENT"
    REMOVE_CONTENT = "REMOVE_CONTENT"
    REMOVE_MEMBER = "REMOVE_MEMBER"
    BAN_MEMBER = "BAN_MEMBER"
    UNBAN_MEMBER = "UNBAN_MEMBER"
    MUTE_MEMBER = "MUTE_MEMBER"
    RESOLVE_ACTIONED = "RESOLVE_ACTIONED"
    RESOLVE_DISMISSED = "RESOLVE_DISMISSED"


@dataclass(frozen=True, slots=True)
class ModerationAction:
    """One line of a circle's append-only moderation log. It names no content body,
    so it stays true (and kept) when the content is deleted."""

    id: UUID
    circle_id: UUID
    actor_id: UUID
    kind: ModerationActionKind
    target_type: TargetType
    target_id: UUID
    created_at: datetime
    reason: ReportReason | None = None
    message: str | None = None
    target_member_id: UUID | None = None
    """The member acted on, for member actions and named content; None for anonymous
    content, so the log never reveals who wrote it."""
