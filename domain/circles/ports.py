"""Repositories the circle use cases need (part of the unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.circles.model import Circle, Invite, Membership


class CircleRepository(Protocol):
    async def get(self, circle_id: UUID) -> Circle | None: ...

    async def add(self, circle: Circle) -> None: ...

    async def update(self, circle: Circle) -> None: ...

    async def reserve_seat(self, circle_id: UUID) -> bool:
        """Atomically count one more active member if the circle has room."""
        ...

    async def release_seat(self, circle_id: UUID) -> None: ...

    async def delete(self, circle_id: UUID) -> None:
        """Remove the circle with its memberships, invites, posts, replies,
        reactions and shares."""
        ...


class MembershipRepository(Protocol):
    async def get(self, circle_id: UUID, member_id: UUID) -> Membership | None: ...

    async def add(self, membership: Membership) -> None: ...

    async def update(self, membership: Membership) -> None: ...

    async def delete(self, circle_id: UUID, member_id: UUID) -> None: ...


class InviteRepository(Protocol):
    async def add(self, invite: Invite) -> None: ...

    async def find(self, circle_id: UUID, code_hash: str) -> Invite | None: ...

    async def use(self, invite_id: UUID, now: datetime) -> bool:
        """Atomically count one use if the invite is unexpired and not used up."""
        ...
