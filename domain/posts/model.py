"""Posts, replies and supportive reactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.circles.model import Topic
from domain.safety.contact_details import ContactKind
from domain.safety.model import RiskLevel


class ReactionKind(StrEnum):
    """Supportive, not competitive."""

    HUG = "HUG"
    ME_TOO = "ME_TOO"
    STRENGTH = "STRENGTH"
    THANK_YOU = "THANK_YOU"


@dataclass(frozen=True, slots=True)
class ContentWarning:
    topics: tuple[Topic, ...] = ()
    note: str | None = None


class Moderated:
    """What posts and replies share: an author or a moderator may remove one, a
    moderator may hide one."""

    __slots__ = ()
    removed_at: datetime | None
    hidden_at: datetime | None

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_hidden(self) -> bool:
        """Hidden by a moderator: readers see a placeholder, the author the reason."""
        return self.hidden_at is not None


@dataclass(slots=True)
class Post(Moderated):
    id: UUID
    circle_id: UUID
    author_id: UUID
    anonymous: bool
    body: str
    created_at: datetime
    content_warning: ContentWarning | None = None
    edited_at: datetime | None = None
    removed_at: datetime | None = None
    removed_by: UUID | None = field(default=None)
    contact_masked: tuple[ContactKind, ...] = ()
    """Kinds of contact details masked in this post (in any version of it): a flag
    for moderators. Empty when nothing was masked."""
    risk_level: RiskLevel = RiskLevel.NONE
    hidden_at: datetime | None = None
    hidden_by: UUID | None = None
    hidden_reason: str | None = None
    first_reply_at: datetime | None = None
    """When someone other than the author first replied (None: still waiting). Set
    once, by a compare-and-set (``PostRepository.mark_answered``)."""


@dataclass(slots=True)
class Reply(Moderated):
    id: UUID
    post_id: UUID
    circle_id: UUID
    author_id: UUID
    anonymous: bool
    body: str
    created_at: datetime
    edited_at: datetime | None = None
    removed_at: datetime | None = None
    removed_by: UUID | None = None
    contact_masked: tuple[ContactKind, ...] = ()
    """Kinds of contact details masked in this reply (in any version): a flag for
    moderators."""
    risk_level: RiskLevel = RiskLevel.NONE
    hidden_at: datetime | None = None
    hidden_by: UUID | None = None
    hidden_reason: str | None = None
