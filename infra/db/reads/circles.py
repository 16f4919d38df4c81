"""Set-based reads of circles and memberships: :class:`SqlCircleReads`, the
``domain.circles.reads.CircleReads`` port, returns views (the same types on SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.circles.model import Membership, MembershipStatus, Role, Topic, Visibility
from domain.circles.pins import Pin
from domain.circles.reads import CircleWithViewer, MemberEventSnapshot, MembershipView
from domain.members.reads import PublicProfile
from infra.db.mapping import to_circle, to_membership
from infra.db.reads import Connect
from infra.db.reads.moderation import block_pairs
from infra.db.reads.pins import pins_of
from infra.db.reads.statements import fetch, ids_in, param, per_dialect, unique
from infra.db.tables.circles import circle_table, membership_table
from infra.db.tables.members import member_table

Keyset = tuple[datetime, UUID]
_M = membership_table.alias("viewer_membership")
_VIEWER_COLUMNS = (
    _M.c.circle_id.label("vm_circle_id"),
    _M.c.member_id.label("vm_member_id"),
    _M.c.role.label("vm_role"),
    _M.c.status.label("vm_status"),
    _M.c.created_at.label("vm_created_at"),
    _M.c.updated_at.label("vm_updated_at"),
    _M.c.muted_until.label("vm_muted_until"),
)


def _with_viewer(viewer_id: Any) -> Any:
    on = and_(_M.c.circle_id == circle_table.c.id, _M.c.member_id == viewer_id)
    return select(circle_table, *_VIEWER_COLUMNS).select_from(circle_table.outerjoin(_M, on))


def _split(row: Any) -> CircleWithViewer:
    membership = None
    if row["vm_circle_id"] is not None:
        # keys(): iterating an asyncpg Record yields its values, not its keys
        names = [k for k in row.keys() if k.startswith("vm_")]  # noqa: SIM118
        membership = to_membership({k[3:]: row[k] for k in names})
    return CircleWithViewer(to_circle(row), membership)


_CIRCLES_WITH_VIEWER = per_dialect(
    lambda pg: _with_viewer(param("viewer_id", _M.c.member_id)).where(
        ids_in(circle_table.c.id, "ids", pg)
    )
)


def _membership_with_profile() -> Any:
    m = membership_table
    return (
        select(m, member_table.c.display_name, member_table.c.pronouns, member_table.c.bio)
        .add_columns(member_table.c.created_at.label("member_since"))
        .join(member_table, member_table.c.id == m.c.member_id)
    )


def to_membership_view(row: Any) -> MembershipView:
    """A row of ``_membership_with_profile``."""
    return MembershipView(
        circle_id=row["circle_id"],
        member=PublicProfile(
            row["member_id"], row["display_name"], row["pronouns"], row["bio"], row["member_since"]
        ),
        role=Role(row["role"]),
        status=MembershipStatus(row["status"]),
        since=row["created_at"],
    )


class SqlCircleReads:
    """``domain.circles.reads.CircleReads``: one connection per call, one statement."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    async def with_viewer(
        self, ids: Sequence[UUID], viewer_id: UUID | None
    ) -> dict[UUID, CircleWithViewer]:
        params = {"ids": unique(ids), "viewer_id": viewer_id}
        async with self._connect() as conn:
            rows = await fetch(conn, _CIRCLES_WITH_VIEWER(conn), params)
        found = [_split(row) for row in rows]
        return {pair.circle.id: pair for pair in found}

    async def discover(
        self,
        viewer_id: UUID,
        topic: Topic | None,
        search: str | None,
        first: int,
        after: Keyset | None,
    ) -> list[CircleWithViewer]:
        c = circle_table
        visible = or_(
            c.c.visibility == Visibility.PUBLIC.value, _M.c.status == MembershipStatus.ACTIVE.value
        )
        query = _with_viewer(viewer_id).where(visible)
        if topic is not None:
            query = query.where(c.c.topics.contains(f",{topic.value},", autoescape=True))
        if search:
            term = search.strip().lower()
            query = query.where(
                or_(
                    func.lower(c.c.name).contains(term, autoescape=True),
                    func.lower(c.c.description).contains(term, autoescape=True),
                )
            )
        return await self._page(query, first, after)

    async def mine(
        self, viewer_id: UUID, first: int, after: Keyset | None
    ) -> list[CircleWithViewer]:
        query = _with_viewer(viewer_id).where(
            _M.c.status.in_([MembershipStatus.ACTIVE.value, MembershipStatus.PENDING.value])
        )
        return await self._page(query, first, after)

    async def _page(self, query: Any, first: int, after: Keyset | None) -> list[CircleWithViewer]:
        c = circle_table
        if after is not None:
            query = query.where(tuple_(c.c.created_at, c.c.id) < tuple_(*after))
        query = query.order_by(c.c.created_at.desc(), c.c.id.desc()).limit(first + 1)
        async with self._connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_split(row) for row in rows]

    async def membership(self, circle_id: UUID, member_id: UUID) -> MembershipView | None:
        m = membership_table
        query = _membership_with_profile().where(
            m.c.circle_id == circle_id, m.c.member_id == member_id
        )
        async with self._connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return to_membership_view(row) if row is not None else None

    async def memberships_page(
        self,
        circle_id: UUID,
        status: MembershipStatus,
        first: int,
        after: Keyset | None,
        hidden: Sequence[UUID] = (),
    ) -> list[MembershipView]:
        m = membership_table
        query = _membership_with_profile().where(
            m.c.circle_id == circle_id, m.c.status == status.value
        )
        if hidden:
            query = query.where(m.c.member_id.not_in(list(hidden)))
        if after is not None:
            query = query.where(tuple_(m.c.created_at, m.c.member_id) > tuple_(*after))
        query = query.order_by(m.c.created_at, m.c.member_id).limit(first + 1)
        async with self._connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [to_membership_view(r) for r in rows]

    async def member_event_snapshot(self, circle_id: UUID, member_id: UUID) -> MemberEventSnapshot:
        members, c = member_table, circle_table
        async with self._connect() as conn:
            row = (
                (await conn.execute(select(members).where(members.c.id == member_id)))
                .mappings()
                .first()
            )
            count = (
                await conn.execute(select(c.c.active_count).where(c.c.id == circle_id))
            ).scalar()
            pairs = await block_pairs(conn, [member_id])
        profile = (
            PublicProfile(
                row["id"], row["display_name"], row["pronouns"], row["bio"], row["created_at"]
            )
            if row is not None
            else None
        )
        return MemberEventSnapshot(member_id, profile, int(count or 0), tuple(pairs))

    async def pins(self, circle_id: UUID) -> list[Pin]:
        async with self._connect() as conn:
            return await pins_of(conn, circle_id)


_MEMBERSHIPS_OF = per_dialect(
    lambda pg: select(membership_table).where(
        membership_table.c.member_id == param("member_id", membership_table.c.member_id),
        ids_in(membership_table.c.circle_id, "ids", pg),
    )
)


async def memberships_of(
    conn: AsyncConnection, member_id: UUID, circle_ids: Sequence[UUID]
) -> dict[UUID, Membership]:
    params = {"member_id": member_id, "ids": unique(circle_ids)}
    rows = await fetch(conn, _MEMBERSHIPS_OF(conn), params)
    return {row["circle_id"]: to_membership(row) for row in rows}
