"""What readers see of circles and memberships, and the read port the API asks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.circles.model import Circle, Membership, MembershipStatus, Role, Topic
from domain.circles.pins import Pin
from domain.members.reads import PublicProfile
from domain.moderation.visibility import hidden_authors

Keyset = tuple[datetime, UUID]


@dataclass(frozen=True, slots=True)
class CircleWithViewer:
    """A circle with the viewer's membership in it (None when they have none)."""

    circle: Circle
    membership: Membership | None


@dataclass(frozen=True, slots=True)
class MembershipView:
    """A membership with the member's public profile, as the circle sees it."""

    circle_id: UUID
    member: PublicProfile
    role: Role
    status: MembershipStatus
    since: datetime

    @property
    def member_id(self) -> UUID:
        return self.member.member_id


@dataclass(frozen=True, slots=True)
class MemberEventSnapshot:
    """A member who joined or left a circle, read once for every subscriber of the live
    event: their public profile (None when the account is gone), the circle's active
    member count, and the (blocker, blocked) pairs that involve them."""

    member_id: UUID
    profile: PublicProfile | None
    member_count: int
    pairs: tuple[tuple[UUID, UUID], ...]


def sees_member_event(snapshot: MemberEventSnapshot, viewer_id: UUID) -> bool:
    """Member lists leave out members in a block with the viewer, both ways: so do
    their live joins and leaves."""
    return snapshot.member_id not in hidden_authors(viewer_id, snapshot.pairs)


class CircleReads(Protocol):
    """The questions the API asks about circles. Pages hold up to ``first + 1`` items
    (the extra one tells that there is a next page)."""

    async def with_viewer(
        self, ids: Sequence[UUID], viewer_id: UUID | None
    ) -> Mapping[UUID, CircleWithViewer]: ...

    async def discover(
        self,
        viewer_id: UUID,
        topic: Topic | None,
        search: str | None,
        first: int,
        after: Keyset | None,
    ) -> list[CircleWithViewer]:
        """Public circles, plus private ones where the viewer is an active member,
        newest first."""
        ...

    async def mine(
        self, viewer_id: UUID, first: int, after: Keyset | None
    ) -> list[CircleWithViewer]:
        """Circles the viewer is in or asked to join (not banned), newest first."""
        ...

    async def membership(self, circle_id: UUID, member_id: UUID) -> MembershipView | None: ...

    async def memberships_page(
        self,
        circle_id: UUID,
        status: MembershipStatus,
        first: int,
        after: Keyset | None,
        hidden: Sequence[UUID] = (),
    ) -> list[MembershipView]:
        """Memberships of one status, oldest first, leaving out ``hidden`` members."""
        ...

    async def member_event_snapshot(
        self, circle_id: UUID, member_id: UUID
    ) -> MemberEventSnapshot: ...

    async def pins(self, circle_id: UUID) -> list[Pin]:
        """Every pin of the circle (live or dead), in pinning order."""
        ...
