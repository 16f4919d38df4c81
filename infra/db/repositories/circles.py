"""Repositories for circles, memberships and invites (Core statements)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.circles.model import Circle, Invite, Membership
from infra.db.mapping import circle_values, membership_values, to_circle, to_membership
from infra.db.repositories.rows import RowsById, once
from infra.db.tables.circles import circle_table, invite_table, membership_table


def _changed(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1


class SqlCircleRepository(RowsById[Circle]):
    def __init__(self, session: AsyncSession) -> None:
        # only seats change the active count, atomically
        super().__init__(session, circle_table, to_circle, circle_values, kept=("active_count",))

    async def reserve_seat(self, circle_id: UUID) -> bool:
        t = circle_table
        statement = (
            update(t)
            .where(t.c.id == circle_id, t.c.active_count < t.c.capacity)
            .values(active_count=t.c.active_count + 1)
        )
        return _changed(await self._session.execute(statement))

    async def release_seat(self, circle_id: UUID) -> None:
        t = circle_table
        await self._session.execute(
            update(t)
            .where(t.c.id == circle_id, t.c.active_count > 0)
            .values(active_count=t.c.active_count - 1)
        )

    async def delete(self, circle_id: UUID) -> None:
        await self._session.execute(delete(circle_table).where(circle_table.c.id == circle_id))


def _one_membership() -> Any:
    t = membership_table
    return select(t).where(
        t.c.circle_id == bindparam("circle_id", type_=t.c.circle_id.type),
        t.c.member_id == bindparam("member_id", type_=t.c.member_id.type),
    )


class SqlMembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _key(self, circle_id: UUID, member_id: UUID) -> Any:
        t = membership_table
        return (t.c.circle_id == circle_id) & (t.c.member_id == member_id)

    async def get(self, circle_id: UUID, member_id: UUID) -> Membership | None:
        query = once("membership", _one_membership)
        params = {"circle_id": circle_id, "member_id": member_id}
        row = (await self._session.execute(query, params)).mappings().first()
        return to_membership(row) if row else None

    async def add(self, membership: Membership) -> None:
        await self._session.execute(
            insert(membership_table).values(**membership_values(membership))
        )

    async def update(self, membership: Membership) -> None:
        values = membership_values(membership)
        await self._session.execute(
            update(membership_table)
            .where(self._key(membership.circle_id, membership.member_id))
            .values(
                role=values["role"],
                status=values["status"],
                updated_at=values["updated_at"],
                muted_until=values["muted_until"],
            )
        )

    async def delete(self, circle_id: UUID, member_id: UUID) -> None:
        await self._session.execute(delete(membership_table).where(self._key(circle_id, member_id)))


class SqlInviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, invite: Invite) -> None:
        await self._session.execute(
            insert(invite_table).values(
                id=invite.id,
                circle_id=invite.circle_id,
                code_hash=invite.code_hash,
                created_by=invite.created_by,
                created_at=invite.created_at,
                expires_at=invite.expires_at,
                max_uses=invite.max_uses,
                uses=invite.uses,
            )
        )

    async def find(self, circle_id: UUID, code_hash: str) -> Invite | None:
        t = invite_table
        query = select(t).where(t.c.circle_id == circle_id, t.c.code_hash == code_hash)
        row = (await self._session.execute(query)).mappings().first()
        return Invite(**dict(row)) if row else None

    async def use(self, invite_id: UUID, now: datetime) -> bool:
        t = invite_table
        statement = (
            update(t)
            .where(t.c.id == invite_id, t.c.uses < t.c.max_uses, t.c.expires_at > now)
            .values(uses=t.c.uses + 1)
        )
        return _changed(await self._session.execute(statement))
