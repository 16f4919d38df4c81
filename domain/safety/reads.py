"""What the safety team reads: queue items as views, and what staff may see of them.

Staff see a post's or reply's text, never a check-in's note, and nothing of content
that was removed. An anonymous author is never in a view: ``revealSafetyItemAuthor``
(audited) is the only way to them. An item about a member shows the member (name and
ID) and the circle they were reported in; nothing they wrote, anonymous or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation.model import ReportReason
from domain.safety.model import RiskLevel
from domain.safety.team import ItemSource, ItemStatus, TargetKind

QueueKey = tuple[int, datetime, UUID]
"""An item's place in the queue: (level, created_at, id); highest level first, then
oldest first."""


@dataclass(frozen=True, slots=True)
class ItemAuthorView:
    """The member an item is about, as staff see them: with their region (the one they
    gave at onboarding), so that staff point to the crisis lines that reach them.
    Never for anonymous content until staff recorded why they need who wrote it."""

    id: UUID
    display_name: str
    region: str | None = None


@dataclass(frozen=True, slots=True)
class ItemCircleView:
    id: UUID
    name: str


@dataclass(frozen=True, slots=True)
class ReporterView:
    """A member who reported content or a member as a suicide or self-harm risk (staff
    only), and the circle they reported in (null once the circle is gone)."""

    member_id: UUID
    display_name: str
    reason: ReportReason
    reported_at: datetime
    circle: ItemCircleView | None = None


@dataclass(frozen=True, slots=True)
class SafetyItemView:
    id: UUID
    level: RiskLevel
    status: ItemStatus
    source: ItemSource
    target_kind: TargetKind
    target_id: UUID
    text: str | None
    post_id: UUID | None
    circle: ItemCircleView | None
    reasons: tuple[str, ...]
    author_is_anonymous: bool
    author: ItemAuthorView | None
    member_said_safe_at: datetime | None
    created_at: datetime
    alert_count: int
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    note: str | None

    @property
    def key(self) -> QueueKey:
        return (int(self.level), self.created_at, self.id)


def staff_text(kind: TargetKind, text: str | None, removed: bool) -> str | None:
    """The text staff see: never a check-in's note, nothing once removed, and none for
    a member (an item about a member shows who, not what they wrote)."""
    return None if kind in (TargetKind.CHECK_IN, TargetKind.MEMBER) or removed else text


def staff_author(
    anonymous: bool, author_id: UUID, name: str | None, region: str | None = None
) -> ItemAuthorView | None:
    """The author staff see: nobody for anonymous content."""
    return None if anonymous else ItemAuthorView(author_id, name or "", region)


class SafetyReads(Protocol):
    async def queue_page(
        self, first: int, after: QueueKey | None, include_resolved: bool
    ) -> list[SafetyItemView]:
        """Up to ``first + 1`` items after ``after`` (unresolved ones unless
        ``include_resolved``); callers check the viewer is staff."""
        ...

    async def items_by_ids(self, ids: Sequence[UUID]) -> dict[UUID, SafetyItemView]: ...

    async def author(self, member_id: UUID) -> ItemAuthorView:
        """The member's name, once staff recorded why they need it (``reveal_author``)."""
        ...

    async def reporters(self, target_ids: Sequence[UUID]) -> dict[UUID, list[ReporterView]]:
        """For each post, reply or member, who reported it as a risk, oldest first.
        Nothing for the former member (reports about members who deleted their account
        are unlinked and cannot be told apart)."""
        ...
