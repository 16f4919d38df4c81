"""Support availability, nudges, and what the nudge job needs to know about a post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.posts.model import Post


@dataclass(frozen=True, slots=True)
class SupportAvailability:
    """A member said "I'm around to listen" in these circles until ``until``.
    ``all_circles`` records that they asked for every circle they were in then."""

    member_id: UUID
    circle_ids: tuple[UUID, ...]
    until: datetime
    set_at: datetime
    all_circles: bool = False


@dataclass(frozen=True, slots=True)
class Nudge:
    """The ``seq``-th push (1..MAX_NUDGES_PER_POST) about one unanswered post."""

    id: UUID
    post_id: UUID
    circle_id: UUID
    member_id: UUID
    seq: int
    nudged_at: datetime


@dataclass(frozen=True, slots=True)
class WaitingPost:
    """An unanswered, visible post with its circle's nudge interval and the nudges
    already sent about it."""

    post: Post
    nudge_after_minutes: int
    nudges: int
    last_nudged_at: datetime | None


@dataclass(frozen=True, slots=True)
class Listener:
    """An available member the nudge job may choose: when they were last nudged
    (about anything) and their push settings' inputs."""

    member_id: UUID
    last_nudged_at: datetime | None
    timezone: str


class StatsPeriod(StrEnum):
    """The window of a circle's support statistics, ending now."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"

    @property
    def length(self) -> timedelta:
        return {"DAY": timedelta(days=1), "WEEK": timedelta(days=7)}.get(
            self.value, timedelta(days=30)
        )
