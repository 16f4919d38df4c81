"""Reads of data exports: the member's list, and a document's chunks one by one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.privacy.export import DataExport, ExportStatus
from infra.db.tables.privacy import data_export_chunk_table, data_export_table

MAX_LISTED = 20


def to_export(row: Mapping[Any, Any]) -> DataExport:
    return DataExport(
        id=row["id"],
        member_id=row["member_id"],
        status=ExportStatus(row["status"]),
        requested_at=row["requested_at"],
        expires_at=row["expires_at"],
        completed_at=row["completed_at"],
        byte_size=row["byte_size"],
    )


async def own_exports(conn: AsyncConnection, member_id: UUID) -> list[DataExport]:
    """The member's exports, newest first (purged ones are gone)."""
    t = data_export_table
    query = (
        select(t)
        .where(t.c.member_id == member_id)
        .order_by(t.c.requested_at.desc(), t.c.id)
        .limit(MAX_LISTED)
    )
    return [to_export(r) for r in (await conn.execute(query)).mappings()]


async def export_by_id(conn: AsyncConnection, export_id: UUID) -> DataExport | None:
    t = data_export_table
    row = (await conn.execute(select(t).where(t.c.id == export_id))).mappings().first()
    return to_export(row) if row else None


async def chunk(conn: AsyncConnection, export_id: UUID, seq: int) -> str | None:
    c = data_export_chunk_table
    query = select(c.c.data).where(c.c.export_id == export_id, c.c.seq == seq)
    data: str | None = (await conn.execute(query)).scalar()
    return data


class SqlExportReads:
    """``domain.privacy.reads.ExportReads`` on a connection per call."""

    def __init__(self, connect: Callable[[], AsyncConnection]) -> None:
        self._connect = connect

    async def own_exports(self, member_id: UUID) -> list[DataExport]:
        async with self._connect() as conn:
            return await own_exports(conn, member_id)

    async def export_by_id(self, export_id: UUID) -> DataExport | None:
        async with self._connect() as conn:
            return await export_by_id(conn, export_id)

    async def chunk(self, export_id: UUID, seq: int) -> str | None:
        async with self._connect() as conn:
            return await chunk(conn, export_id, seq)
