"""Repositories for posts, replies and reactions (Core statements)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.model import Post, ReactionKind, Reply
from infra.db.mapping import post_values, reply_values, to_post, to_reply
from infra.db.repositories.rows import RowsById, dialect_insert, once
from infra.db.tables.posts import post_table, reaction_table, reply_table


class SqlPostRepository(RowsById[Post]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, post_table, to_post, post_values)

    async def mark_answered(self, post_id: UUID, at: datetime, seconds: int) -> bool:
        t = post_table
        statement = (
            update(t)
            .where(t.c.id == post_id, t.c.first_reply_at.is_(None))
            .values(first_reply_at=at, first_reply_seconds=seconds)
        )
        result = await self._session.execute(statement)
        return cast(CursorResult[Any], result).rowcount == 1


class SqlReplyRepository(RowsById[Reply]):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, reply_table, to_reply, reply_values)


class SqlReactionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, target_id: UUID, circle_id: UUID, member_id: UUID, kind: ReactionKind, at: datetime
    ) -> bool:
        dialect = self._session.get_bind().dialect.name
        statement = once(
            ("reaction_add", dialect),
            lambda: dialect_insert(self._session, reaction_table).on_conflict_do_nothing(),
        )
        values = {
            "target_id": target_id,
            "circle_id": circle_id,
            "member_id": member_id,
            "kind": kind.value,
            "created_at": at,
        }
        result = await self._session.execute(statement, values)
        return cast(CursorResult[Any], result).rowcount == 1

    async def remove(self, target_id: UUID, member_id: UUID, kind: ReactionKind) -> bool:
        t = reaction_table
        statement = delete(t).where(
            t.c.target_id == target_id, t.c.member_id == member_id, t.c.kind == kind.value
        )
        result = await self._session.execute(statement)
        return cast(CursorResult[Any], result).rowcount == 1

    async def since(self, target_id: UUID, at: datetime) -> list[tuple[UUID, ReactionKind]]:
        t = reaction_table
        query = (
            select(t.c.member_id, t.c.kind)
            .where(t.c.target_id == target_id, t.c.created_at >= at)
            .order_by(t.c.created_at, t.c.member_id, t.c.kind)
        )
        rows = (await self._session.execute(query)).all()
        return [(row.member_id, ReactionKind(row.kind)) for row in rows]
