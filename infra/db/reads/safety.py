"""The safety team's queue: items with what staff need to see, in one statement.

Ordered by risk (highest first), then age (oldest first), with a keyset on
(level, created_at, id). The text of a check-in is never selected (its note is
withheld, always); an anonymous author's identity is not selected either
(``revealSafetyItemAuthor`` is the only way to it, and it is audited).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.moderation.model import ReportReason
from domain.safety.reporters import SafetyReporterView
from domain.safety.team import ItemStatus, TargetKind
from infra.db.reads import Connect
from infra.db.tables.circles import circle_table
from infra.db.tables.members import member_table
from infra.db.tables.moderation import report_table
from infra.db.tables.posts import post_table, reply_table
from infra.db.tables.safety import safe_said_table, safety_item_table

QueueKey = tuple[int, datetime, UUID]


def _base() -> Any:
    i, p, r, c, m, s = (
        safety_item_table,
        post_table,
        reply_table,
        circle_table,
        member_table,
        safe_said_table,
    )
    is_post = i.c.target_kind == TargetKind.POST.value
    is_reply = i.c.target_kind == TargetKind.REPLY.value
    anonymous = case((is_post, p.c.anonymous), (is_reply, r.c.anonymous), else_=False)
    safe_at = (
        select(func.max(s.c.at))
        .where(s.c.target_kind == i.c.target_kind, s.c.target_id == i.c.target_id)
        .scalar_subquery()
    )
    return (
        select(
            i,
            case((is_post, p.c.body), (is_reply, r.c.body), else_=None).label("text"),
            case((is_post, p.c.removed_at), (is_reply, r.c.removed_at), else_=None).label(
                "removed_at"
            ),
            case((is_reply, r.c.post_id), else_=None).label("post_id"),
            anonymous.label("anonymous"),
            case((anonymous.is_(True), None), else_=m.c.display_name).label("author_name"),
            c.c.name.label("circle_name"),
            safe_at.label("safe_said_at"),
        )
        .outerjoin(p, and_(is_post, p.c.id == i.c.target_id))
        .outerjoin(r, and_(is_reply, r.c.id == i.c.target_id))
        .outerjoin(c, c.c.id == i.c.circle_id)
        .join(m, m.c.id == i.c.author_id)
    )


async def queue_page(
    conn: AsyncConnection, size: int, after: QueueKey | None, include_resolved: bool
) -> Sequence[Mapping[Any, Any]]:
    """Up to ``size + 1`` items after ``after`` (so the caller knows if there is more)."""
    i = safety_item_table
    query = _base()
    if not include_resolved:
        query = query.where(i.c.status != ItemStatus.RESOLVED.value)
    if after is not None:
        level, at, item_id = after
        query = query.where(
            or_(
                i.c.level < level,
                and_(
                    i.c.level == level,
                    or_(i.c.created_at > at, and_(i.c.created_at == at, i.c.id > item_id)),
                ),
            )
        )
    query = query.order_by(i.c.level.desc(), i.c.created_at, i.c.id).limit(size + 1)
    return (await conn.execute(query)).mappings().all()


async def items_by_ids(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, Mapping[Any, Any]]:
    query = _base().where(safety_item_table.c.id.in_(list(ids)))
    return {row["id"]: row for row in (await conn.execute(query)).mappings()}


async def author_name(conn: AsyncConnection, member_id: UUID) -> str | None:
    m = member_table
    found: str | None = await conn.scalar(select(m.c.display_name).where(m.c.id == member_id))
    return found


async def safety_reporters(
    conn: AsyncConnection, target_ids: Sequence[UUID]
) -> dict[UUID, list[Mapping[Any, Any]]]:
    """For each post or reply, the members who reported it as a suicide or self-harm
    risk (for staff only): member id, display name, reason and when, oldest first."""
    r, m = report_table, member_table
    query = (
        select(r.c.target_id, r.c.reporter_id, m.c.display_name, r.c.reason, r.c.created_at)
        .join(m, m.c.id == r.c.reporter_id)
        .where(r.c.target_id.in_(list(target_ids)), r.c.safety_review.is_(True))
        .order_by(r.c.created_at, r.c.id)
    )
    found: dict[UUID, list[Mapping[Any, Any]]] = {}
    for row in (await conn.execute(query)).mappings():
        found.setdefault(row["target_id"], []).append(row)
    return found


class SqlSafetyReporterReads:
    """``domain.safety.reporters.SafetyReporterReads`` on the read connections."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    async def safety_reporters(
        self, target_ids: Sequence[UUID]
    ) -> dict[UUID, list[SafetyReporterView]]:
        async with self._connect() as conn:
            found = await safety_reporters(conn, target_ids)
        return {
            target: [
                SafetyReporterView(
                    r["reporter_id"], r["display_name"], ReportReason(r["reason"]), r["created_at"]
                )
                for r in rows
            ]
            for target, rows in found.items()
        }
