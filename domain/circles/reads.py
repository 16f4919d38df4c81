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

    async def pins(self, circle_id: UUID) -> list[Pin]:
        """Every pin of the circle (live or dead), in pinning order."""
        ...
