"""The safety team's queue: items with what staff need to see, in one statement.

Ordered by risk (highest first), then age (oldest first), with a keyset on
(level, created_at, id). The text of a check-in is never selected (its note is
withheld, always), and an item about a member selects only the member's name; an
anonymous author's identity is not selected either (``revealSafetyItemAuthor`` is the
only way to it, and it is audited).
``SqlSafetyReads`` implements ``domain.safety.reads.SafetyReads``; what staff see is
decided there (``staff_text``, ``staff_author``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.moderation.model import ReportReason
from domain.privacy.model import FORMER_MEMBER_ID
from domain.safety.model import RiskLevel
from domain.safety.reads import (
    ItemAuthorView,
    ItemCircleView,
    QueueKey,
    ReporterView,
    SafetyItemView,
    staff_author,
    staff_text,
)
from domain.safety.team import ItemSource, ItemStatus, TargetKind
from infra.db.tables.circles import circle_table
from infra.db.tables.members import member_table
from infra.db.tables.moderation import report_table
from infra.db.tables.posts import post_table, reply_table
from infra.db.tables.safety import safe_said_table, safety_item_table


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
            case((anonymous.is_(True), None), else_=m.c.region).label("author_region"),
            c.c.name.label("circle_name"),
            safe_at.label("safe_said_at"),
        )
        .outerjoin(p, and_(is_post, p.c.id == i.c.target_id))
        .outerjoin(r, and_(is_reply, r.c.id == i.c.target_id))
        .outerjoin(c, c.c.id == i.c.circle_id)
        .join(m, m.c.id == i.c.author_id)
    )


def _view(row: Mapping[Any, Any]) -> SafetyItemView:
    kind = TargetKind(row["target_kind"])
    anonymous = bool(row["anonymous"])
    circle = None
    if row["circle_id"] and row["circle_name"] is not None:
        circle = ItemCircleView(row["circle_id"], row["circle_name"])
    return SafetyItemView(
        id=row["id"],
        level=RiskLevel(row["level"]),
        status=ItemStatus(row["status"]),
        source=ItemSource(row["source"]),
        target_kind=kind,
        target_id=row["target_id"],
        text=staff_text(kind, row["text"], row["removed_at"] is not None),
        post_id=row["post_id"],
        circle=circle,
        reasons=tuple(json.loads(row["reasons"])),
        author_is_anonymous=anonymous,
        author=staff_author(anonymous, row["author_id"], row["author_name"], row["author_region"]),
        member_said_safe_at=row["safe_said_at"],
        created_at=row["created_at"],
        alert_count=row["alert_count"],
        acknowledged_at=row["acknowledged_at"],
        resolved_at=row["resolved_at"],
        note=row["note"],
    )


async def queue_page(
    conn: AsyncConnection, size: int, after: QueueKey | None, include_resolved: bool
) -> list[SafetyItemView]:
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
    return [_view(row) for row in (await conn.execute(query)).mappings().all()]


async def items_by_ids(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, SafetyItemView]:
    query = _base().where(safety_item_table.c.id.in_(list(ids)))
    return {row["id"]: _view(row) for row in (await conn.execute(query)).mappings()}


async def author_of(conn: AsyncConnection, member_id: UUID) -> ItemAuthorView:
    """A member's name and region for staff (an empty name once the account is gone)."""
    m = member_table
    query = select(m.c.display_name, m.c.region).where(m.c.id == member_id)
    row = (await conn.execute(query)).first()
    return ItemAuthorView(member_id, row[0] if row else "", row[1] if row else None)


async def safety_reporters(
    conn: AsyncConnection, target_ids: Sequence[UUID]
) -> dict[UUID, list[ReporterView]]:
    """For each post, reply or member, the members who reported it as a suicide or
    self-harm risk (for staff only): member id, display name, reason, when and in which
    circle, oldest first. Reports about the former member are left out: they are about
    every member who deleted their account, not about one item's."""
    r, m, c = report_table, member_table, circle_table
    found: dict[UUID, list[ReporterView]] = {}
    wanted = [t for t in target_ids if t != FORMER_MEMBER_ID]
    if not wanted:
        return found
    query = (
        select(
            r.c.target_id,
            r.c.reporter_id,
            m.c.display_name,
            r.c.reason,
            r.c.created_at,
            r.c.circle_id,
            c.c.name.label("circle_name"),
        )
        .join(m, m.c.id == r.c.reporter_id)
        .outerjoin(c, c.c.id == r.c.circle_id)
        .where(r.c.target_id.in_(wanted), r.c.safety_review.is_(True))
        .order_by(r.c.created_at, r.c.id)
    )
    for row in (await conn.execute(query)).mappings():
        circle = None
        if row["circle_name"] is not None:
            circle = ItemCircleView(row["circle_id"], row["circle_name"])
        reporter = ReporterView(
            row["reporter_id"],
            row["display_name"],
            ReportReason(row["reason"]),
            row["created_at"],
            circle,
        )
        found.setdefault(row["target_id"], []).append(reporter)
    return found


class SqlSafetyReads:
    """``domain.safety.reads.SafetyReads`` on a connection per call."""

    def __init__(self, connect: Callable[[], AsyncConnection]) -> None:
        self._connect = connect

    async def queue_page(
        self, first: int, after: QueueKey | None, include_resolved: bool
    ) -> list[SafetyItemView]:
        async with self._connect() as conn:
            return await queue_page(conn, first, after, include_resolved)

    async def items_by_ids(self, ids: Sequence[UUID]) -> dict[UUID, SafetyItemView]:
        async with self._connect() as conn:
            return await items_by_ids(conn, ids)

    async def author(self, member_id: UUID) -> ItemAuthorView:
        async with self._connect() as conn:
            return await author_of(conn, member_id)

    async def reporters(self, target_ids: Sequence[UUID]) -> dict[UUID, list[ReporterView]]:
        async with self._connect() as conn:
            return await safety_reporters(conn, target_ids)
