"""Repositories the member use cases need (part of the unit of work)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.members.model import Member


class MemberRepository(Protocol):
    """Stores member profiles."""

    async def get(self, member_id: UUID) -> Member | None: ...

    async def get_by_uid(self, firebase_uid: str) -> Member | None: ...

    async def name_taken(self, display_name: str, except_id: UUID | None = None) -> bool:
        """True when another member uses this display name, regardless of case."""
        ...

    async def skeleton_taken(self, skeleton: str, except_id: UUID | None = None) -> bool:
        """True when another member's display name has this confusable skeleton."""
        ...

    async def add(self, member: Member) -> None: ...

    async def update(self, member: Member) -> None: ...
