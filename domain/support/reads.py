"""What the API reads about support: "needs a reply" counts and a circle's stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.circles.model import Topic
from domain.moderation.model import ViewerFilters
from domain.posts.reads import PostView

AwaitingKey = tuple[int, datetime, UUID]
"""(urgent 1/0, created_at, id): the keyset of the awaiting list."""


@dataclass(frozen=True, slots=True)
class SupportStats:
    """A circle's support over a period: posts made in it (not removed, not hidden)."""

    posts: int
    answered: int
    median_seconds: int | None
    p90_seconds: int | None
    unanswered_after_1h: float | None
    unanswered_after_24h: float | None
    active_listeners: int
    available_now: int


@dataclass(frozen=True, slots=True)
class AwaitingItem:
    """A post that waits for a reply, as the viewer sees it, with whether it is
    URGENT-rated (those come first; the flag is part of the list's keyset)."""

    post: PostView
    urgent: bool

    @property
    def key(self) -> AwaitingKey:
        return (int(self.urgent), self.post.message.created_at, self.post.message.id)


class SupportReads(Protocol):
    async def awaiting_count(
        self,
        viewer_id: UUID,
        hidden: Sequence[UUID],
        muted: Sequence[Topic],
        circle_id: UUID | None = None,
    ) -> int:
        """How many posts wait for a reply for this viewer (in one circle, or all of
        theirs): unanswered, visible, not theirs, not by anyone in ``hidden``, not
        warning of a ``muted`` topic."""
        ...

    async def awaiting_page(
        self,
        viewer_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: AwaitingKey | None,
        latest_replies: int,
    ) -> list[AwaitingItem]:
        """Up to ``first + 1`` posts that wait for a reply for this viewer in all their
        circles: URGENT-rated first, then oldest first; each with its ``latest_replies``
        newest replies when asked for."""
        ...

    async def stats(self, circle_id: UUID, start: datetime, now: datetime) -> SupportStats:
        """The circle's support stats for posts made in ``[start, now)``."""
        ...
