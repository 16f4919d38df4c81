"""Ports: what the domain needs from the outside world.

Adapters in ``infra/`` implement these Protocols; unit tests use hand-made fakes.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.members.model import Member


class MemberRepository(Protocol):
    """Stores member profiles."""

    async def get(self, member_id: UUID) -> Member | None: ...

    async def get_by_uid(self, firebase_uid: str) -> Member | None: ...

    async def name_taken(self, display_name: str, except_id: UUID | None = None) -> bool:
        """True when another member uses this display name, regardless of case."""
        ...

    async def add(self, member: Member) -> None: ...

    async def update(self, member: Member) -> None: ...


class UnitOfWork(Protocol):
    """One atomic piece of work. Nothing is kept unless ``commit`` is called."""

    members: MemberRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make the work durable. Raises ``DomainError(CONFLICT|TAKEN)`` on a
        uniqueness race."""
        ...

    async def rollback(self) -> None: ...
