"""Set-based reads of check-ins: :class:`SqlCheckInReads`, the
``domain.checkins.reads.CheckInReads`` port.

Only the ``own_*`` reads select a check-in's note, and only for its owner. The
circle reads select ``SHARED_COLUMNS``, never the note, and return
``SharedCheckInView``, which has no note field, so a circle's shared check-ins
cannot leak one whatever the API layer does with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.checkins.model import CheckIn
from domain.checkins.reads import SharedCheckInView, ShareSnapshot
from domain.circles.model import MembershipStatus
from domain.members.reads import PublicProfile
from infra.db.reads import Connect
from infra.db.reads.moderation import block_pairs
from infra.db.repositories.checkins import emotions_from_text, shares_of, to_check_in
from infra.db.tables.checkins import check_in_share_table, check_in_table
from infra.db.tables.circles import membership_table
from infra.db.tables.members import member_table

Keyset = tuple[datetime, UUID]


async def _with_shares(conn: AsyncConnection, query: Any) -> dict[UUID, CheckIn]:
    """The check-ins ``query`` selects, in its order, with the circles each is shared with."""
    rows = (await conn.execute(query)).mappings().all()
    shares = await shares_of(conn, [r["id"] for r in rows]) if rows else {}
    return {r["id"]: to_check_in(r, shares.get(r["id"], ())) for r in rows}


SHARED_COLUMNS = (
    check_in_table.c.id,
    check_in_table.c.mood,
    check_in_table.c.emotions,
    check_in_table.c.created_at,
    check_in_share_table.c.shared_at,
    member_table.c.id.label("member_id"),
    member_table.c.display_name,
    member_table.c.pronouns,
    member_table.c.bio,
    member_table.c.created_at.label("member_since"),
)
"""What a circle sees of a shared check-in. Deliberately without ``note``."""


def _shared(*, active: bool) -> Any:
    """Shares joined with their check-in and sharer; with ``active`` only while the
    sharer is still an active member of the circle."""
    t, s, m = check_in_table, check_in_share_table, membership_table
    joined = s.join(t, t.c.id == s.c.check_in_id).join(
        member_table, member_table.c.id == t.c.member_id
    )
    if not active:
        return joined
    sharer_active = and_(
        m.c.circle_id == s.c.circle_id,
        m.c.member_id == t.c.member_id,
        m.c.status == MembershipStatus.ACTIVE.value,
    )
    return joined.join(m, sharer_active)


async def shared_one(
    conn: AsyncConnection, circle_id: UUID, check_in_id: UUID, *, sharer_active: bool = False
) -> Any | None:
    """One share, as the circle sees it (no note); with ``sharer_active`` only while the
    sharer is still an active member of the circle (as ``shared_page`` lists it)."""
    s = check_in_share_table
    query = (
        select(*SHARED_COLUMNS)
        .select_from(_shared(active=sharer_active))
        .where(s.c.circle_id == circle_id, s.c.check_in_id == check_in_id)
    )
    return (await conn.execute(query)).mappings().first()


def to_shared_view(row: Any, circle_id: UUID) -> SharedCheckInView:
    """A row of ``shared_page`` or ``shared_one`` (no note: it is never selected)."""
    return SharedCheckInView(
        check_in_id=row["id"],
        circle_id=circle_id,
        sharer=PublicProfile(
            row["member_id"], row["display_name"], row["pronouns"], row["bio"], row["member_since"]
        ),
        mood=row["mood"],
        emotions=emotions_from_text(row["emotions"]),
        checked_in_at=row["created_at"],
        shared_at=row["shared_at"],
    )


class SqlCheckInReads:
    """``domain.checkins.reads.CheckInReads``: one connection per call."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    async def own_page(
        self,
        member_id: UUID,
        first: int,
        after: Keyset | None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[CheckIn]:
        t = check_in_table
        query = select(t).where(t.c.member_id == member_id)
        if start is not None:
            query = query.where(t.c.created_at >= start)
        if end is not None:
            query = query.where(t.c.created_at < end)
        if after is not None:
            query = query.where(tuple_(t.c.created_at, t.c.id) < tuple_(*after))
        query = query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(first + 1)
        async with self._connect() as conn:
            return list((await _with_shares(conn, query)).values())

    async def own_by_ids(self, ids: Sequence[UUID], owner_id: UUID) -> dict[UUID, CheckIn]:
        t = check_in_table
        query = select(t).where(t.c.id.in_(list(set(ids))), t.c.member_id == owner_id)
        async with self._connect() as conn:
            return await _with_shares(conn, query)

    async def shared_page(
        self, circle_id: UUID, first: int, after: Keyset | None, hidden: Sequence[UUID] = ()
    ) -> list[SharedCheckInView]:
        t, s = check_in_table, check_in_share_table
        query = (
            select(*SHARED_COLUMNS)
            .select_from(_shared(active=True))
            .where(s.c.circle_id == circle_id)
        )
        if hidden:
            query = query.where(t.c.member_id.not_in(list(hidden)))
        if after is not None:
            query = query.where(tuple_(s.c.shared_at, s.c.check_in_id) < tuple_(*after))
        query = query.order_by(s.c.shared_at.desc(), s.c.check_in_id.desc()).limit(first + 1)
        async with self._connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [to_shared_view(r, circle_id) for r in rows]

    async def share_snapshot(self, circle_id: UUID, check_in_id: UUID) -> ShareSnapshot:
        async with self._connect() as conn:
            row = await shared_one(conn, circle_id, check_in_id)
            pairs = await block_pairs(conn, [row["member_id"]] if row else [])
        share = to_shared_view(row, circle_id) if row is not None else None
        return ShareSnapshot(share, tuple(pairs))

    async def shared_one(self, circle_id: UUID, check_in_id: UUID) -> SharedCheckInView | None:
        async with self._connect() as conn:
            row = await shared_one(conn, circle_id, check_in_id, sharer_active=True)
        return to_shared_view(row, circle_id) if row is not None else None
