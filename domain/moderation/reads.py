"""What the API reads about blocking and moderation, as views, and what moderators
may see of reported content (decided here, not by the reads or the API).

Reporters are never in a view; anonymous content never names its author; removed
content shows neither its text nor its rating.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation.model import (
    SEVERITY,
    ModerationAction,
    ModerationActionKind,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.safety.model import RiskLevel

Keyset = tuple[datetime, UUID]
QueueKey = tuple[int, datetime, UUID]
"""A queue item's place: (severity, first report time, target)."""


@dataclass(frozen=True, slots=True)
class ProfileView:
    """A member's public profile."""

    id: UUID
    display_name: str
    pronouns: str | None
    bio: str | None
    member_since: datetime


@dataclass(frozen=True, slots=True)
class BlockedView:
    member: ProfileView
    blocked_at: datetime


@dataclass(frozen=True, slots=True)
class ReportedContent:
    """A reported post or reply as stored; ``queue_item`` decides what is shown."""

    author: ProfileView
    body: str
    anonymous: bool
    removed: bool
    hidden: bool
    risk_level: RiskLevel


@dataclass(frozen=True, slots=True)
class QueuedReport:
    """One report in the queue: never its reporter."""

    id: UUID
    reason: ReportReason
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QueueItemView:
    """Everything reported about one post, reply or member in one circle."""

    circle_id: UUID
    target_id: UUID
    target_type: TargetType
    status: ReportStatus
    excerpt: str | None
    author: ProfileView | None
    is_hidden: bool
    reasons: tuple[tuple[ReportReason, int], ...]
    """Each reason with its count, most severe first."""
    report_count: int
    notes: tuple[str, ...]
    risk_level: RiskLevel | None
    latest_report_id: UUID
    first_reported_at: datetime
    last_reported_at: datetime
    key: QueueKey


@dataclass(frozen=True, slots=True)
class LogEntryView:
    id: UUID
    action: ModerationActionKind
    actor: ProfileView | None
    target_type: TargetType
    target_id: UUID
    target_member: ProfileView | None
    """None for anonymous content (the log never says who wrote it)."""
    reason: ReportReason | None
    message: str | None
    created_at: datetime


def queue_item(
    circle_id: UUID,
    target_id: UUID,
    target_type: TargetType,
    status: ReportStatus,
    key: QueueKey,
    last_reported_at: datetime,
    reports: Sequence[QueuedReport],
    content: ReportedContent | None,
    member: ProfileView | None,
) -> QueueItemView:
    """What moderators see of a reported item: a member's profile, or a post's or
    reply's text, author and rating, except the author of anonymous content and the
    text and rating of removed content. ``key`` is (severity, first report time,
    target); ``reports`` are oldest first."""
    counts = Counter(r.reason for r in reports)
    if target_type is TargetType.MEMBER:
        author, excerpt, hidden, risk = member, None, False, None
    else:
        gone = content is None or content.removed
        author = content.author if content is not None and not content.anonymous else None
        excerpt = None if gone or content is None else content.body
        hidden = content is not None and content.hidden
        risk = None if gone or content is None else content.risk_level
    return QueueItemView(
        circle_id=circle_id,
        target_id=target_id,
        target_type=target_type,
        status=status,
        excerpt=excerpt,
        author=author,
        is_hidden=hidden,
        reasons=tuple(sorted(counts.items(), key=lambda kv: -SEVERITY[kv[0]])),
        report_count=len(reports),
        notes=tuple(r.note for r in reports if r.note),
        risk_level=risk,
        latest_report_id=reports[-1].id,
        first_reported_at=key[1],
        last_reported_at=last_reported_at,
        key=key,
    )


def log_entry(action: ModerationAction, profiles: Mapping[UUID, ProfileView]) -> LogEntryView:
    member_id = action.target_member_id
    return LogEntryView(
        id=action.id,
        action=action.kind,
        actor=profiles.get(action.actor_id),
        target_type=action.target_type,
        target_id=action.target_id,
        target_member=profiles.get(member_id) if member_id else None,
        reason=action.reason,
        message=action.message,
        created_at=action.created_at,
    )


def log_people(actions: Sequence[ModerationAction]) -> list[UUID]:
    """The members whose profiles a page of the log shows."""
    return [a.actor_id for a in actions] + [
        a.target_member_id for a in actions if a.target_member_id
    ]


class ModerationReads(Protocol):
    async def blocked_page(
        self, blocker_id: UUID, first: int, after: Keyset | None
    ) -> list[BlockedView]:
        """Up to ``first + 1`` members ``blocker_id`` blocked, most recent first."""
        ...

    async def queue_page(
        self, circle_id: UUID, status: ReportStatus, first: int, after: QueueKey | None
    ) -> list[QueueItemView]:
        """Up to ``first + 1`` reported items of one status, most severe first, then
        longest waiting (the caller checks that the viewer moderates the circle)."""
        ...

    async def log_page(
        self, circle_id: UUID, first: int, after: Keyset | None
    ) -> list[LogEntryView]:
        """Up to ``first + 1`` lines of the circle's moderation log, newest first."""
        ...

    async def log_entry(self, action: ModerationAction) -> LogEntryView:
        """The log line of an action just taken, with the profiles it names."""
        ...

    async def block_pairs(self, member_ids: Sequence[UUID]) -> tuple[tuple[UUID, UUID], ...]:
        """Every (blocker, blocked) pair where one side is among ``member_ids``."""
        ...
