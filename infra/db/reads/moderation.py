"""Reads for blocking and moderation: block pairs for live events, the viewer's
blocked members, a circle's moderation queue and its moderation log.

``SqlModerationReads`` implements ``domain.moderation.reads.ModerationReads``: it maps
rows to the domain's views, and ``queue_item`` decides what moderators see."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.moderation.model import (
    SEVERITY,
    ModerationAction,
    ModerationActionKind,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.moderation.reads import (
    BlockedView,
    Keyset,
    LogEntryView,
    ProfileView,
    QueuedReport,
    QueueItemView,
    QueueKey,
    ReportedContent,
    log_entry,
    log_people,
    queue_item,
)
from domain.safety.model import RiskLevel
from infra.db.tables.members import member_table
from infra.db.tables.moderation import block_table, moderation_action_table, report_table
from infra.db.tables.posts import post_table, reply_table


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


def _severity() -> Any:
    r = report_table
    return case(*((r.c.reason == reason.value, rank) for reason, rank in SEVERITY.items()), else_=0)


def _profile_columns() -> tuple[Any, ...]:
    """The public profile's columns, joined into another read (see ``_profile``)."""
    m = member_table
    return (m.c.display_name, m.c.pronouns, m.c.bio, m.c.created_at.label("member_since"))


def _profile(row: Mapping[Any, Any], member_id: UUID) -> ProfileView:
    return ProfileView(
        id=member_id,
        display_name=row["display_name"],
        pronouns=row["pronouns"],
        bio=row["bio"],
        member_since=row["member_since"],
    )


def _action(row: Mapping[Any, Any]) -> ModerationAction:
    return ModerationAction(
        id=row["id"],
        circle_id=row["circle_id"],
        actor_id=row["actor_id"],
        kind=ModerationActionKind(row["kind"]),
        target_type=TargetType(row["target_type"]),
        target_id=row["target_id"],
        created_at=row["created_at"],
        reason=ReportReason(row["reason"]) if row["reason"] else None,
        message=row["message"],
        target_member_id=row["target_member_id"],
    )


async def _queue_groups(
    conn: AsyncConnection, circle_id: UUID, status: ReportStatus, first: int, after: QueueKey | None
) -> list[Any]:
    """Reported targets of one status, most severe first, then longest waiting."""
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
    return list((await conn.execute(query)).mappings().all())


async def _queued_reports(
    conn: AsyncConnection, circle_id: UUID, status: ReportStatus, target_ids: list[UUID]
) -> dict[UUID, list[QueuedReport]]:
    """Each target's reports (reason, note, time; never the reporter), oldest first."""
    r = report_table
    rows = await conn.execute(
        select(r.c.id, r.c.target_id, r.c.reason, r.c.note, r.c.created_at)
        .where(
            r.c.circle_id == circle_id, r.c.status == status.value, r.c.target_id.in_(target_ids)
        )
        .order_by(r.c.created_at, r.c.id)
    )
    found: dict[UUID, list[QueuedReport]] = {}
    for row in rows.mappings().all():
        report = QueuedReport(
            row["id"], ReportReason(row["reason"]), row["note"], row["created_at"]
        )
        found.setdefault(row["target_id"], []).append(report)
    return found


async def _contents(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, ReportedContent]:
    """Posts and replies by id, with their author's public profile and the risk
    detector's latest rating (for moderators)."""
    found: dict[UUID, ReportedContent] = {}
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
                *_profile_columns(),
            )
            .join(member_table, member_table.c.id == table.c.author_id)
            .where(table.c.id.in_(list(ids)))
        )
        for row in (await conn.execute(query)).mappings().all():
            found[row["id"]] = ReportedContent(
                author=_profile(row, row["author_id"]),
                body=row["body"],
                anonymous=bool(row["anonymous"]),
                removed=row["removed_at"] is not None,
                hidden=row["hidden_at"] is not None,
                risk_level=RiskLevel(row["risk_level"]),
            )
    return found


async def _profiles(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, ProfileView]:
    m = member_table
    query = select(m.c.id, *_profile_columns()).where(m.c.id.in_(list(set(ids))))
    rows = (await conn.execute(query)).mappings().all()
    return {row["id"]: _profile(row, row["id"]) for row in rows}


class SqlModerationReads:
    """``domain.moderation.reads.ModerationReads`` on a connection per call."""

    def __init__(self, connect: Callable[[], AsyncConnection]) -> None:
        self._connect = connect

    async def block_pairs(self, member_ids: Sequence[UUID]) -> tuple[tuple[UUID, UUID], ...]:
        async with self._connect() as conn:
            return tuple(await block_pairs(conn, member_ids))

    async def blocked_page(
        self, blocker_id: UUID, first: int, after: Keyset | None
    ) -> list[BlockedView]:
        b, m = block_table, member_table
        query = (
            select(b.c.blocked_id, b.c.created_at, *_profile_columns())
            .join(m, m.c.id == b.c.blocked_id)
            .where(b.c.blocker_id == blocker_id)
        )
        if after is not None:
            query = query.where(tuple_(b.c.created_at, b.c.blocked_id) < tuple_(*after))
        query = query.order_by(b.c.created_at.desc(), b.c.blocked_id.desc()).limit(first + 1)
        async with self._connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [BlockedView(_profile(r, r["blocked_id"]), r["created_at"]) for r in rows]

    async def queue_page(
        self, circle_id: UUID, status: ReportStatus, first: int, after: QueueKey | None
    ) -> list[QueueItemView]:
        async with self._connect() as conn:
            groups = await _queue_groups(conn, circle_id, status, first, after)
            ids = [g["target_id"] for g in groups]
            reports = await _queued_reports(conn, circle_id, status, ids) if groups else {}
            content = await _contents(conn, ids)
            members = await _profiles(
                conn,
                [g["target_id"] for g in groups if g["target_type"] == TargetType.MEMBER.value],
            )
        return [
            queue_item(
                circle_id,
                g["target_id"],
                TargetType(g["target_type"]),
                status,
                (g["severity"], g["first_at"], g["target_id"]),
                g["last_at"],
                reports[g["target_id"]],
                content.get(g["target_id"]),
                members.get(g["target_id"]),
            )
            for g in groups
        ]

    async def log_page(
        self, circle_id: UUID, first: int, after: Keyset | None
    ) -> list[LogEntryView]:
        a = moderation_action_table
        query = select(a).where(a.c.circle_id == circle_id)
        if after is not None:
            query = query.where(tuple_(a.c.created_at, a.c.id) < tuple_(*after))
        query = query.order_by(a.c.created_at.desc(), a.c.id.desc()).limit(first + 1)
        async with self._connect() as conn:
            actions = [_action(r) for r in (await conn.execute(query)).mappings().all()]
            names = await _profiles(conn, log_people(actions)) if actions else {}
        return [log_entry(a, names) for a in actions]

    async def log_entry(self, action: ModerationAction) -> LogEntryView:
        async with self._connect() as conn:
            names = await _profiles(conn, log_people([action]))
        return log_entry(action, names)
