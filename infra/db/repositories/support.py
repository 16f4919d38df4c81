"""Support availability, nudges and the nudge job's reads (domain.support.ports)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.circles.model import MembershipStatus
from domain.notifications.model import NotificationStatus
from domain.support.model import Listener, Nudge, SupportAvailability, WaitingPost
from domain.support.rules import MAX_NUDGES_PER_POST
from infra.db.mapping import to_post
from infra.db.reads.support import author_still_here
from infra.db.repositories.rows import dialect_insert
from infra.db.tables.circles import circle_table, membership_table
from infra.db.tables.members import member_table
from infra.db.tables.notifications import notification_table
from infra.db.tables.posts import post_table
from infra.db.tables.support import support_availability_table, support_nudge_table

_ACTIVE = MembershipStatus.ACTIVE.value


class SqlSupportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def availability(self, member_id: UUID) -> SupportAvailability | None:
        a = support_availability_table
        query = select(a).where(a.c.member_id == member_id).order_by(a.c.circle_id)
        rows = (await self._session.execute(query)).mappings().all()
        if not rows:
            return None
        first = rows[0]
        return SupportAvailability(
            member_id,
            tuple(r["circle_id"] for r in rows),
            first["until"],
            first["set_at"],
            first["all_circles"],
        )

    async def set_availability(self, availability: SupportAvailability) -> None:
        a = support_availability_table
        await self._session.execute(delete(a).where(a.c.member_id == availability.member_id))
        await self._session.execute(
            insert(a),
            [
                {
                    "member_id": availability.member_id,
                    "circle_id": circle_id,
                    "until": availability.until,
                    "all_circles": availability.all_circles,
                    "set_at": availability.set_at,
                }
                for circle_id in availability.circle_ids
            ],
        )

    async def clear_availability(self, member_id: UUID) -> bool:
        a = support_availability_table
        result = await self._session.execute(delete(a).where(a.c.member_id == member_id))
        return cast(CursorResult[Any], result).rowcount > 0

    async def active_circle_ids(self, member_id: UUID) -> list[UUID]:
        m = membership_table
        query = select(m.c.circle_id).where(m.c.member_id == member_id, m.c.status == _ACTIVE)
        return list((await self._session.execute(query)).scalars())

    async def active_member_ids(self, circle_id: UUID) -> list[UUID]:
        m = membership_table
        query = select(m.c.member_id).where(m.c.circle_id == circle_id, m.c.status == _ACTIVE)
        return list((await self._session.execute(query)).scalars())

    async def waiting_posts(self, since: datetime) -> list[WaitingPost]:
        p, n, c = post_table, support_nudge_table, circle_table
        nudges = (
            select(
                n.c.post_id,
                func.count().label("nudges"),
                func.max(n.c.nudged_at).label("last_nudged_at"),
            )
            .group_by(n.c.post_id)
            .subquery()
        )
        query = (
            select(p, c.c.nudge_after_minutes, nudges.c.nudges, nudges.c.last_nudged_at)
            .join(c, c.c.id == p.c.circle_id)
            .outerjoin(nudges, nudges.c.post_id == p.c.id)
            .where(
                p.c.first_reply_at.is_(None),
                p.c.created_at >= since,
                p.c.removed_at.is_(None),
                p.c.hidden_at.is_(None),
                author_still_here(),
                func.coalesce(nudges.c.nudges, 0) < MAX_NUDGES_PER_POST,
            )
            .order_by(p.c.risk_level.desc(), p.c.created_at, p.c.id)
        )
        return [
            WaitingPost(
                to_post(row),
                row["nudge_after_minutes"],
                row["nudges"] or 0,
                row["last_nudged_at"],
            )
            for row in (await self._session.execute(query)).mappings()
        ]

    async def listeners(self, circle_id: UUID, now: datetime) -> list[Listener]:
        a, m, mem, n = (
            support_availability_table,
            membership_table,
            member_table,
            support_nudge_table,
        )
        last = (
            select(n.c.member_id, func.max(n.c.nudged_at).label("last_nudged_at"))
            .group_by(n.c.member_id)
            .subquery()
        )
        query = (
            select(a.c.member_id, mem.c.timezone, last.c.last_nudged_at)
            .join(
                m,
                and_(m.c.circle_id == a.c.circle_id, m.c.member_id == a.c.member_id),
            )
            .join(mem, mem.c.id == a.c.member_id)
            .outerjoin(last, last.c.member_id == a.c.member_id)
            .where(a.c.circle_id == circle_id, a.c.until > now, m.c.status == _ACTIVE)
        )
        return [
            Listener(r["member_id"], r["last_nudged_at"], r["timezone"] or "UTC")
            for r in (await self._session.execute(query)).mappings()
        ]

    async def nudged_about(self, post_id: UUID) -> set[UUID]:
        n = support_nudge_table
        query = select(n.c.member_id).where(n.c.post_id == post_id)
        return set((await self._session.execute(query)).scalars())

    async def add_nudge(self, nudge: Nudge) -> bool:
        statement = (
            dialect_insert(self._session, support_nudge_table)
            .values(
                id=nudge.id,
                post_id=nudge.post_id,
                circle_id=nudge.circle_id,
                member_id=nudge.member_id,
                seq=nudge.seq,
                nudged_at=nudge.nudged_at,
            )
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return cast(CursorResult[Any], result).rowcount == 1

    async def pushes_between(self, member_id: UUID, start: datetime, end: datetime) -> int:
        t = notification_table
        sent = and_(
            t.c.status == NotificationStatus.SENT.value, t.c.sent_at >= start, t.c.sent_at < end
        )
        waiting = and_(
            t.c.status.in_([NotificationStatus.PENDING.value, NotificationStatus.SENDING.value]),
            t.c.urgent.is_(False),
            t.c.next_attempt_at < end,
        )
        query = select(func.count()).where(t.c.member_id == member_id, or_(sent, waiting))
        return int((await self._session.execute(query)).scalar_one())

    async def nudges_since(self, member_ids: Sequence[UUID], since: datetime) -> dict[UUID, int]:
        if not member_ids:
            return {}
        n = support_nudge_table
        query = (
            select(n.c.member_id, func.count())
            .where(n.c.member_id.in_(list(member_ids)), n.c.nudged_at >= since)
            .group_by(n.c.member_id)
        )
        return {row[0]: int(row[1]) for row in (await self._session.execute(query)).all()}
