"""What readers see of check-ins, and the read port the API asks.

A circle sees a :class:`SharedCheckInView`, which has no note at all; a member's own
check-ins (with the note) are read only for their owner.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.checkins.model import CheckIn, Emotion
from domain.circles.model import Membership, can_read
from domain.members.reads import PublicProfile

Keyset = tuple[datetime, UUID]


@dataclass(frozen=True, slots=True)
class SharedCheckInView:
    """A check-in as a circle it is shared with sees it: mood and emotions, never the note."""

    check_in_id: UUID
    circle_id: UUID
    sharer: PublicProfile
    mood: int
    emotions: tuple[Emotion, ...]
    checked_in_at: datetime
    shared_at: datetime


def may_see_share(
    share: SharedCheckInView | None, viewers: Membership | None, hidden: Collection[UUID]
) -> bool:
    """A share is seen by the circle's active members, unless the sharer and the viewer
    are in a block (``hidden``). The read only finds shares by still-active sharers."""
    return share is not None and can_read(viewers) and share.sharer.member_id not in hidden


class CheckInReads(Protocol):
    """The questions the API asks about check-ins. Pages hold up to ``first + 1`` items."""

    async def own_page(
        self,
        member_id: UUID,
        first: int,
        after: Keyset | None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CheckIn]:
        """The member's own check-ins, newest first, made in ``[start, end)``."""
        ...

    async def own_by_ids(self, ids: Sequence[UUID], owner_id: UUID) -> Mapping[UUID, CheckIn]:
        """The check-ins among ``ids`` that belong to ``owner_id``."""
        ...

    async def shared_page(
        self, circle_id: UUID, first: int, after: Keyset | None, hidden: Sequence[UUID] = ()
    ) -> list[SharedCheckInView]:
        """Check-ins shared with the circle by its still-active members, newest share
        first, leaving out ``hidden`` sharers."""
        ...

    async def shared_one(self, circle_id: UUID, check_in_id: UUID) -> SharedCheckInView | None:
        """One share, while its sharer is still an active member of the circle."""
        ...
