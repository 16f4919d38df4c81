"""Reads for blocking and moderation: block pairs for live events, the viewer's
blocked members, a circle's moderation queue and its moderation log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.moderation.model import SEVERITY, ReportStatus
from infra.db.tables.members import member_table
from infra.db.tables.moderation import block_table, moderation_action_table, report_table
from infra.db.tables.posts import post_table, reply_table

Keyset = tuple[datetime, UUID]


async def block_pairs(conn: AsyncConnection, member_ids: Sequence[UUID]) -> list[tuple[UUID, UUID]]:
    """Every (blocker, blocked) pair where one side is among ``member_ids``."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return []
    b = block_table
    query = select(b.c.blocker_id, b.c.blocked_id).where(
        or_(b.c.blocker_id.in_(ids), b.c.blocked_id.in_(ids))
    )
    return [(r[0], r[1]) for r in (await conn.execute(query)).all()]


async def author_of(conn: AsyncConnection, target_id: UUID) -> tuple[bool, UUID] | None:
    """(is a post, its author) of a post or reply; None when there is neither."""
    for is_post, table in ((True, post_table), (False, reply_table)):
        query = select(table.c.author_id).where(table.c.id == target_id)
        author = (await conn.execute(query)).scalar()
        if author is not None:
            return is_post, author
    return None


async def visible_reply_authors(conn: AsyncConnection, post_id: UUID) -> list[UUID]:
    """The author of each reply of a post that was not removed (for per-viewer counts)."""
    r = reply_table
    query = select(r.c.author_id).where(r.c.post_id == post_id, r.c.removed_at.is_(None))
    return [row[0] for row in (await conn.execute(query)).all()]


async def blocked_page(
    conn: AsyncConnection, blocker_id: UUID, first: int, after: Keyset | None
) -> Sequence[Any]:
    """Members ``blocker_id`` blocked, most recent first, with their public profile."""
    b, m = block_table, member_table
    query = (
        select(
            b.c.blocked_id,
            b.c.created_at,
            m.c.display_name,
            m.c.pronouns,
            m.c.bio,
            m.c.created_at.label("member_since"),
        )
        .join(m, m.c.id == b.c.blocked_id)
        .where(b.c.blocker_id == blocker_id)
    )
    if after is not None:
        query = query.where(tuple_(b.c.created_at, b.c.blocked_id) < tuple_(*after))
    query = query.order_by(b.c.created_at.desc(), b.c.blocked_id.desc()).limit(first + 1)
    return (await conn.execute(query)).mappings().all()


QueueKey = tuple[int, datetime, UUID]
"""A queue item's place: (severity, first report time, target)."""


def _severity() -> Any:
    r = report_table
    return case(*((r.c.reason == reason.value, rank) for reason, rank in SEVERITY.items()), else_=0)


async def queue_page(
    conn: AsyncConnection,
    circle_id: UUID,
    status: ReportStatus,
    first: int,
    after: QueueKey | None,
) -> tuple[list[Any], dict[UUID, list[Any]]]:
    """Reported targets of one status, most severe first, then longest waiting; and
    each one's reports (reason, note, time; never the reporter)."""
    r = report_table
    severity = func.max(_severity())
    first_at = func.min(r.c.created_at)
    query = (
        select(
            r.c.target_id,
            r.c.target_type,
            severity.label("severity"),
            first_at.label("first_at"),
            func.max(r.c.created_at).label("last_at"),
        )
        .where(r.c.circle_id == circle_id, r.c.status == status.value)
        .group_by(r.c.target_id, r.c.target_type)
    )
    if after is not None:
        rank, at, target = after
        query = query.having(
            or_(
                severity < rank,
                and_(severity == rank, tuple_(first_at, r.c.target_id) > tuple_(at, target)),
            )
        )
    query = query.order_by(severity.desc(), first_at, r.c.target_id).limit(first + 1)
    groups = list((await conn.execute(query)).mappings().all())
    reports: dict[UUID, list[Any]] = {}
    if groups:
        rows = await conn.execute(
            select(r.c.id, r.c.target_id, r.c.reason, r.c.note, r.c.created_at)
            .where(
                r.c.circle_id == circle_id,
                r.c.status == status.value,
                r.c.target_id.in_([g["target_id"] for g in groups]),
            )
            .order_by(r.c.created_at, r.c.id)
        )
        for row in rows.mappings().all():
            reports.setdefault(row["target_id"], []).append(row)
    return groups, reports


async def targets(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, Any]:
    """Posts and replies by id, with their author's public name and the risk detector's
    latest rating (for moderators)."""
    found: dict[UUID, Any] = {}
    for table in (post_table, reply_table):
        query = (
            select(
                table.c.id,
                table.c.body,
                table.c.anonymous,
                table.c.author_id,
                table.c.removed_at,
                table.c.hidden_at,
                table.c.risk_level,
                member_table.c.display_name,
                member_table.c.pronouns,
                member_table.c.bio,
                member_table.c.created_at.label("member_since"),
            )
            .join(member_table, member_table.c.id == table.c.author_id)
            .where(table.c.id.in_(list(ids)))
        )
        found.update({row["id"]: row for row in (await conn.execute(query)).mappings().all()})
    return found


async def profiles(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, Any]:
    m = member_table
    query = select(m.c.id, m.c.display_name, m.c.pronouns, m.c.bio, m.c.created_at).where(
        m.c.id.in_(list(set(ids)))
    )
    return {row["id"]: row for row in (await conn.execute(query)).mappings().all()}


async def log_page(
    conn: AsyncConnection, circle_id: UUID, first: int, after: Keyset | None
) -> Sequence[Any]:
    """A circle's moderation log, newest first."""
    a = moderation_action_table
    query = select(a).where(a.c.circle_id == circle_id)
    if after is not None:
        query = query.where(tuple_(a.c.created_at, a.c.id) < tuple_(*after))
    query = query.order_by(a.c.created_at.desc(), a.c.id.desc()).limit(first + 1)
    return (await conn.execute(query)).mappings().all()
