"""Set-based reads of members with Core selects (the fast path for loaders)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.members.model import Member
from infra.db.repositories.members import member_from_mapping
from infra.db.tables.members import member_table


async def by_ids(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Member]:
    query = select(member_table).where(member_table.c.id.in_(list(set(ids))))
    rows = (await session.execute(query)).mappings().all()
    return {row["id"]: member_from_mapping(row) for row in rows}


async def by_uids(session: AsyncSession, uids: Sequence[str]) -> dict[str, Member]:
    query = select(member_table).where(member_table.c.firebase_uid.in_(list(set(uids))))
    rows = (await session.execute(query)).mappings().all()
    return {row["firebase_uid"]: member_from_mapping(row) for row in rows}
