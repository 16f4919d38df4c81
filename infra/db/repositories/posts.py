"""Repositories for posts, replies and reactions (Core statements)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.posts.model import Post, ReactionKind, Reply
from infra.db.mapping import post_values, reply_values, to_post, to_reply
from infra.db.tables.posts import post_table, reaction_table, reply_table


class SqlPostRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, post_id: UUID) -> Post | None:
        query = select(post_table).where(post_table.c.id == post_id)
        row = (await self._session.execute(query)).mappings().first()
        return to_post(row) if row else None

    async def add(self, post: Post) -> None:
        await self._session.execute(insert(post_table).values(**post_values(post)))

    async def update(self, post: Post) -> None:
        await self._session.execute(
            update(post_table).where(post_table.c.id == post.id).values(**post_values(post))
        )

    async def mark_answered(self, post_id: UUID, at: datetime, seconds: int) -> bool:
        t = post_table
        statement = (
            update(t)
            .where(t.c.id == post_id, t.c.first_reply_at.is_(None))
            .values(first_reply_at=at, first_reply_seconds=seconds)
        )
        result = await self._session.execute(statement)
        return cast(CursorResult[Any], result).rowcount == 1


class SqlReplyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, reply_id: UUID) -> Reply | None:
        query = select(reply_table).where(reply_table.c.id == reply_id)
        row = (await self._session.execute(query)).mappings().first()
        return to_reply(row) if row else None

    async def add(self, reply: Reply) -> None:
        await self._session.execute(insert(reply_table).values(**reply_values(reply)))

    async def update(self, reply: Reply) -> None:
        await self._session.execute(
            update(reply_table).where(reply_table.c.id == reply.id).values(**reply_values(reply))
        )


class SqlReactionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, target_id: UUID, circle_id: UUID, member_id: UUID, kind: ReactionKind, at: datetime
    ) -> bool:
        dialect = self._session.get_bind().dialect.name
        insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert_fn(reaction_table)
            .values(
                target_id=target_id,
                circle_id=circle_id,
                member_id=member_id,
                kind=kind.value,
                created_at=at,
            )
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
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
