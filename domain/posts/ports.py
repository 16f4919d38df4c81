"""Repositories the post use cases need (part of the unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.posts.model import Post, ReactionKind, Reply


class PostRepository(Protocol):
    async def get(self, post_id: UUID) -> Post | None: ...

    async def add(self, post: Post) -> None: ...

    async def update(self, post: Post) -> None:
        """Save the post (``first_reply_at`` is left alone: see ``mark_answered``)."""
        ...

    async def mark_answered(self, post_id: UUID, at: datetime, seconds: int) -> bool:
        """Set the first reply's time (and ``seconds`` after the post) unless it is
        set already: a compare-and-set; True when this call set it."""
        ...


class ReplyRepository(Protocol):
    async def get(self, reply_id: UUID) -> Reply | None: ...

    async def add(self, reply: Reply) -> None: ...

    async def update(self, reply: Reply) -> None: ...


class ReactionRepository(Protocol):
    async def add(
        self, target_id: UUID, circle_id: UUID, member_id: UUID, kind: ReactionKind, at: datetime
    ) -> bool:
        """Add the reaction; False when it was already there (idempotent)."""
        ...

    async def remove(self, target_id: UUID, member_id: UUID, kind: ReactionKind) -> bool: ...

    async def since(self, target_id: UUID, at: datetime) -> list[tuple[UUID, ReactionKind]]:
        """(member, kind) of the reactions on a target made at or after ``at``."""
        ...
