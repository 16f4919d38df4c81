"""The member repository: maps ``MemberRow`` to the domain's ``Member``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.members.model import Member
from domain.members.rules import display_name_key
from infra.db.tables.members import MemberRow, member_table

MEMBER_FIELDS = (
    "id",
    "firebase_uid",
    "display_name",
    "timezone",
    "region",
    "created_at",
    "updated_at",
    "guidelines_version",
    "guidelines_accepted_at",
    "adult_confirmed_at",
    "pronouns",
    "bio",
    "name_skeleton",
)


def to_member(row: MemberRow) -> Member:
    return Member(**{name: getattr(row, name) for name in MEMBER_FIELDS})


def member_from_mapping(row: Mapping[Any, Any]) -> Member:
    return Member(**{name: row[name] for name in MEMBER_FIELDS})


class SqlMemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, member_id: UUID) -> Member | None:
        row = await self._session.get(MemberRow, member_id)
        return to_member(row) if row else None

    async def get_by_uid(self, firebase_uid: str) -> Member | None:
        query = select(member_table).where(member_table.c.firebase_uid == firebase_uid)
        row = (await self._session.execute(query)).mappings().first()
        return member_from_mapping(row) if row else None

    async def name_taken(self, display_name: str, except_id: UUID | None = None) -> bool:
        t = member_table
        query = select(t.c.id).where(t.c.display_name_key == display_name_key(display_name))
        if except_id is not None:
            query = query.where(t.c.id != except_id)
        result = await self._session.execute(select(exists(query)))
        return bool(result.scalar())

    async def skeleton_taken(self, skeleton: str, except_id: UUID | None = None) -> bool:
        t = member_table
        query = select(t.c.id).where(t.c.name_skeleton == skeleton)
        if except_id is not None:
            query = query.where(t.c.id != except_id)
        result = await self._session.execute(select(exists(query)))
        return bool(result.scalar())

    async def add(self, member: Member) -> None:
        row = MemberRow(
            **{name: getattr(member, name) for name in MEMBER_FIELDS},
            display_name_key=display_name_key(member.display_name),
        )
        self._session.add(row)

    async def update(self, member: Member) -> None:
        row = await self._session.get(MemberRow, member.id)
        if row is None:
            raise LookupError("member vanished during update")
        for name in MEMBER_FIELDS:
            setattr(row, name, getattr(member, name))
        row.display_name_key = display_name_key(member.display_name)
        self._session.add(row)
