"""What readers see of check-ins, and the read port the API asks.

A circle sees a :class:`SharedCheckInView`, which has no note at all; a member's own
check-ins (with the note) are read only for their owner.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.checkins.model import CheckIn, Emotion
from domain.circles.model import Membership, can_read
from domain.members.reads import PublicProfile
from domain.moderation.visibility import hidden_authors

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


@dataclass(frozen=True, slots=True)
class ShareSnapshot:
    """A check-in share read once for every subscriber of its live event: the share as
    the circle sees it (None once it is gone) and the (blocker, blocked) pairs that
    involve the sharer."""

    share: SharedCheckInView | None
    pairs: tuple[tuple[UUID, UUID], ...]


def live_share(snapshot: ShareSnapshot, viewer_id: UUID) -> SharedCheckInView | None:
    """The share as a live event shows it to one subscriber: not at all across a block."""
    share = snapshot.share
    if share is None or share.sharer.member_id in hidden_authors(viewer_id, snapshot.pairs):
        return None
    return share


def sees_withdrawal(sharer_id: UUID, viewer_id: UUID, pairs: Iterable[tuple[UUID, UUID]]) -> bool:
    """Only those who could see a share hear that it was withdrawn."""
    return sharer_id not in hidden_authors(viewer_id, pairs)


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

    async def share_snapshot(self, circle_id: UUID, check_in_id: UUID) -> ShareSnapshot:
        """The share and its sharer's block pairs, for a live event."""
        ...

    async def shared_one(self, circle_id: UUID, check_in_id: UUID) -> SharedCheckInView | None:
        """One share, while its sharer is still an active member of the circle."""
        ...
