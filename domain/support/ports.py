"""What the support use cases need from storage (part of the unit of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.support.model import Listener, Nudge, SupportAvailability, WaitingPost


class SupportRepository(Protocol):
    async def availability(self, member_id: UUID) -> SupportAvailability | None:
        """The member's availability as last set (it may have ended)."""
        ...

    async def set_availability(self, availability: SupportAvailability) -> None:
        """Replace the member's availability."""
        ...

    async def clear_availability(self, member_id: UUID) -> bool:
        """Forget it; False when there was none."""
        ...

    async def active_circle_ids(self, member_id: UUID) -> list[UUID]:
        """Circles the member is an ACTIVE member of."""
        ...

    async def active_member_ids(self, circle_id: UUID) -> list[UUID]:
        """The circle's ACTIVE members."""
        ...

    async def waiting_posts(self, since: datetime) -> list[WaitingPost]:
        """Posts created at or after ``since`` with no reply from anyone but their
        author, neither removed nor hidden, whose author is still an active member of
        the circle, with fewer than MAX_NUDGES_PER_POST nudges."""
        ...

    async def listeners(self, circle_id: UUID, now: datetime) -> list[Listener]:
        """ACTIVE members of the circle available there at ``now``."""
        ...

    async def nudged_about(self, post_id: UUID) -> set[UUID]:
        """Members already nudged about this post."""
        ...

    async def add_nudge(self, nudge: Nudge) -> bool:
        """Record the nudge; False (nothing written) when this post's ``seq`` exists."""
        ...

    async def pushes_between(self, member_id: UUID, start: datetime, end: datetime) -> int:
        """Pushes sent to the member in ``[start, end)``, plus the non-urgent ones still
        waiting in the outbox to go before ``end``: what the daily cap will count once
        the worker has sent them (a nudge past the cap would only reach the inbox)."""
        ...

    async def nudges_since(self, member_ids: Sequence[UUID], since: datetime) -> dict[UUID, int]:
        """Nudges each member got since ``since``."""
        ...
