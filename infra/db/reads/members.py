"""Set-based reads of members with Core selects (the fast path for loaders)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.members.model import Member
from infra.db.reads.statements import fetch, ids_in, per_dialect, unique
from infra.db.repositories.members import member_from_mapping
from infra.db.tables.members import member_table

_BY_IDS = per_dialect(lambda pg: select(member_table).where(ids_in(member_table.c.id, "ids", pg)))
_BY_UIDS = per_dialect(
    lambda pg: select(member_table).where(ids_in(member_table.c.firebase_uid, "uids", pg))
)


async def by_ids(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, Member]:
    rows = await fetch(conn, _BY_IDS(conn), {"ids": unique(ids)})
    return {row["id"]: member_from_mapping(row) for row in rows}


async def by_uids(conn: AsyncConnection, uids: Sequence[str]) -> dict[str, Member]:
    rows = await fetch(conn, _BY_UIDS(conn), {"uids": unique(uids)})
    return {row["firebase_uid"]: member_from_mapping(row) for row in rows}
