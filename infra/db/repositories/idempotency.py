"""Idempotency keys (domain.idempotency), on a unique (member_id, key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.idempotency import Operation, StoredKey
from infra.db.repositories.rows import dialect_insert
from infra.db.tables.idempotency import idempotency_key_table as _K


class SqlIdempotencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, stored: StoredKey, expired_before: datetime) -> bool:
        """``INSERT … ON CONFLICT DO NOTHING``: on PostgreSQL a second transaction
        inserting the same key waits for the first to commit (then inserts nothing) or
        roll back (then inserts); SQLite's BEGIN IMMEDIATE serialises writers anyway."""
        await self._session.execute(
            delete(_K).where(
                _K.c.member_id == stored.member_id,
                _K.c.key == stored.key,
                _K.c.created_at < expired_before,
            )
        )
        statement = (
            dialect_insert(self._session, _K)
            .values(
                member_id=stored.member_id,
                key=stored.key,
                operation=stored.operation.value,
                result_id=stored.result_id,
                created_at=stored.created_at,
            )
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return cast(CursorResult[Any], result).rowcount == 1

    async def get(self, member_id: UUID, key: str) -> StoredKey | None:
        query = select(_K).where(_K.c.member_id == member_id, _K.c.key == key)
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        return StoredKey(
            row["member_id"],
            row["key"],
            Operation(row["operation"]),
            row["result_id"],
            row["created_at"],
        )
