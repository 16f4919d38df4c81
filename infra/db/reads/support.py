"""Reads behind "needs a reply" (awaiting support) and the circle's support stats.

Every count and statistic is one SQL statement over indexed columns
(``ix_post_awaiting``: circle, first_reply_at, created_at; ``ix_post_circle_feed``),
never a walk over loaded posts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, func, literal, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.circles.model import MembershipStatus, Topic
from domain.moderation.model import ViewerFilters
from domain.safety.model import RiskLevel
from domain.support.reads import AwaitingItem, AwaitingKey, SupportStats
from infra.db.reads.posts import post_views, visible_posts
from infra.db.tables.circles import membership_table
from infra.db.tables.posts import post_table, reply_table
from infra.db.tables.support import support_availability_table

_urgent: Any = case((post_table.c.risk_level >= int(RiskLevel.URGENT), 1), else_=0)


def author_still_here() -> Any:
    """The post's author is still an active member of its circle (a post by someone
    who left, was banned or deleted their account waits for no one)."""
    p, m = post_table, membership_table
    return (
        select(m.c.member_id)
        .where(
            m.c.circle_id == p.c.circle_id,
            m.c.member_id == p.c.author_id,
            m.c.status == MembershipStatus.ACTIVE.value,
        )
        .exists()
    )


def _awaiting_where(
    viewer_id: UUID, hidden: Sequence[UUID], muted: Sequence[Topic], circle_id: UUID | None
) -> list[Any]:
    """Unanswered, visible posts in the viewer's active circles, not the viewer's
    own, not by anyone in a block pair with them, not warning of a muted topic."""
    p, m = post_table, membership_table
    member_of = (
        select(m.c.circle_id)
        .where(m.c.member_id == viewer_id, m.c.status == MembershipStatus.ACTIVE.value)
        .scalar_subquery()
    )
    where: list[Any] = [
        p.c.circle_id.in_(member_of),
        p.c.first_reply_at.is_(None),
        p.c.removed_at.is_(None),
        p.c.hidden_at.is_(None),
        p.c.author_id != viewer_id,
        author_still_here(),
    ]
    if hidden:
        where.append(p.c.author_id.not_in(list(hidden)))
    for topic in muted:
        where.append(or_(p.c.cw_topics.is_(None), not_(p.c.cw_topics.like(f"%,{topic.value},%"))))
    if circle_id is not None:
        where.append(p.c.circle_id == circle_id)
    return where


async def awaiting_page(
    conn: AsyncConnection,
    viewer_id: UUID,
    hidden: Sequence[UUID],
    muted: Sequence[Topic],
    first: int,
    after: AwaitingKey | None,
) -> list[tuple[int, Any]]:
    """Up to ``first + 1`` posts: URGENT-rated first, then oldest first; each with
    its urgency flag (for the cursor)."""
    p = post_table
    pg = conn.dialect.name == "postgresql"
    query = visible_posts(pg).add_columns(_urgent.label("urgent"))
    query = query.where(*_awaiting_where(viewer_id, hidden, muted, None))
    if after is not None:
        urgent, at, raw_id = after
        key = tuple_(p.c.created_at, p.c.id)
        bound = tuple_(literal(at, p.c.created_at.type), literal(raw_id, p.c.id.type))
        flag = literal(urgent)
        query = query.where(or_(_urgent < flag, and_(_urgent == flag, key > bound)))
    query = query.order_by(_urgent.desc(), p.c.created_at, p.c.id).limit(first + 1)
    params = {"viewer_id": viewer_id, "hidden": list(hidden)}
    rows = (await conn.execute(query, params)).mappings().all()
    return [(int(row["urgent"]), row) for row in rows]


async def awaiting_count(
    conn: AsyncConnection,
    viewer_id: UUID,
    hidden: Sequence[UUID],
    muted: Sequence[Topic],
    circle_id: UUID | None = None,
) -> int:
    """How many posts wait for a reply for this viewer (in one circle, or all)."""
    query = select(func.count()).select_from(post_table)
    query = query.where(*_awaiting_where(viewer_id, hidden, muted, circle_id))
    return int((await conn.execute(query)).scalar_one())


def _rank(q: float, n: int) -> int:
    """The nearest-rank percentile's 0-based offset among ``n`` sorted values."""
    return max(math.ceil(q * n) - 1, 0)


async def _unanswered_share(
    conn: AsyncConnection, base: list[Any], start: datetime, now: datetime, after: timedelta
) -> float | None:
    """Of the posts old enough to tell, the share with no reply within ``after``."""
    p = post_table
    late = or_(p.c.first_reply_seconds.is_(None), p.c.first_reply_seconds > after.total_seconds())
    query = select(func.count(), func.sum(case((late, 1), else_=0))).where(
        *base, p.c.created_at <= now - after
    )
    total, unanswered = (await conn.execute(query)).one()
    return None if not total else round(int(unanswered or 0) / int(total), 4)


async def support_stats(
    conn: AsyncConnection, circle_id: UUID, start: datetime, now: datetime
) -> SupportStats:
    """Posts made in ``[start, now)`` in the circle (not removed, not hidden)."""
    p, r = post_table, reply_table
    base: list[Any] = [
        p.c.circle_id == circle_id,
        p.c.created_at >= start,
        p.c.created_at < now,
        p.c.removed_at.is_(None),
        p.c.hidden_at.is_(None),
    ]
    posts, answered = (
        await conn.execute(select(func.count(), func.count(p.c.first_reply_seconds)).where(*base))
    ).one()
    percentiles: list[int | None] = []
    for q in (0.5, 0.9):
        value = None
        if answered:
            value = (
                await conn.execute(
                    select(p.c.first_reply_seconds)
                    .where(*base, p.c.first_reply_seconds.is_not(None))
                    .order_by(p.c.first_reply_seconds)
                    .offset(_rank(q, int(answered)))
                    .limit(1)
                )
            ).scalar_one()
        percentiles.append(value)
    listeners = (
        await conn.execute(
            select(func.count(func.distinct(r.c.author_id)))
            .select_from(r.join(p, p.c.id == r.c.post_id))
            .where(
                r.c.circle_id == circle_id,
                r.c.created_at >= start,
                r.c.created_at < now,
                r.c.removed_at.is_(None),
                r.c.author_id != p.c.author_id,
            )
        )
    ).scalar_one()
    a, m = support_availability_table, membership_table
    available = (
        await conn.execute(
            select(func.count())
            .select_from(
                a.join(m, and_(m.c.circle_id == a.c.circle_id, m.c.member_id == a.c.member_id))
            )
            .where(
                a.c.circle_id == circle_id,
                a.c.until > now,
                m.c.status == MembershipStatus.ACTIVE.value,
            )
        )
    ).scalar_one()
    return SupportStats(
        posts=int(posts),
        answered=int(answered),
        median_seconds=percentiles[0],
        p90_seconds=percentiles[1],
        unanswered_after_1h=await _unanswered_share(conn, base, start, now, timedelta(hours=1)),
        unanswered_after_24h=await _unanswered_share(conn, base, start, now, timedelta(hours=24)),
        active_listeners=int(listeners),
        available_now=int(available),
    )


async def unanswered_older_than(conn: AsyncConnection, now: datetime, age: timedelta) -> int:
    """Posts of the last week, visible, with no reply after ``age`` (a gauge)."""
    p = post_table
    query = select(func.count()).where(
        p.c.first_reply_at.is_(None),
        p.c.removed_at.is_(None),
        p.c.hidden_at.is_(None),
        p.c.created_at <= now - age,
        p.c.created_at >= now - timedelta(days=7),
    )
    return int((await conn.execute(query)).scalar_one())


class SqlSupportReads:
    """``domain.support.reads.SupportReads`` on a connection per call."""

    def __init__(self, connect: Callable[[], AsyncConnection]) -> None:
        self._connect = connect

    async def awaiting_count(
        self,
        viewer_id: UUID,
        hidden: Sequence[UUID],
        muted: Sequence[Topic],
        circle_id: UUID | None = None,
    ) -> int:
        async with self._connect() as conn:
            return await awaiting_count(conn, viewer_id, hidden, muted, circle_id)

    async def awaiting_page(
        self,
        viewer_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: AwaitingKey | None,
        latest_replies: int,
    ) -> list[AwaitingItem]:
        hidden, muted = sorted(filters.hidden_authors), sorted(filters.muted_topics)
        async with self._connect() as conn:
            rows = await awaiting_page(conn, viewer_id, hidden, muted, first, after)
            views = await post_views(
                conn, [row for _, row in rows], viewer_id, filters, latest_replies
            )
        return [
            AwaitingItem(view, bool(urgent)) for (urgent, _), view in zip(rows, views, strict=True)
        ]

    async def stats(self, circle_id: UUID, start: datetime, now: datetime) -> SupportStats:
        async with self._connect() as conn:
            return await support_stats(conn, circle_id, start, now)
