"""Repositories for blocks, topic filters, reports and the moderation log (Core)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.circles.model import Topic
from domain.moderation.model import (
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
    TargetType,
)
from infra.db.mapping import topics_from_text, topics_to_text
from infra.db.repositories.rows import dialect_insert, once, upsert
from infra.db.tables.moderation import (
    block_table,
    moderation_action_table,
    report_table,
    topic_filter_table,
)


def _changed(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1


def _pairs_involving() -> Any:
    t = block_table
    return select(t.c.blocker_id, t.c.blocked_id).where(
        or_(
            t.c.blocker_id.in_(bindparam("blockers", expanding=True)),
            t.c.blocked_id.in_(bindparam("blocked", expanding=True)),
        )
    )


class SqlBlockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, blocker_id: UUID, blocked_id: UUID, at: datetime) -> bool:
        statement = (
            dialect_insert(self._session, block_table)
            .values(blocker_id=blocker_id, blocked_id=blocked_id, created_at=at)
            .on_conflict_do_nothing()
        )
        return _changed(await self._session.execute(statement))

    async def remove(self, blocker_id: UUID, blocked_id: UUID) -> bool:
        t = block_table
        statement = delete(t).where(t.c.blocker_id == blocker_id, t.c.blocked_id == blocked_id)
        return _changed(await self._session.execute(statement))

    async def pairs_involving(self, member_ids: Sequence[UUID]) -> list[tuple[UUID, UUID]]:
        ids = list(dict.fromkeys(member_ids))
        query = once("block_pairs", _pairs_involving)
        rows = (await self._session.execute(query, {"blockers": ids, "blocked": ids})).all()
        return [(r[0], r[1]) for r in rows]


class SqlTopicFilterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, member_id: UUID) -> tuple[Topic, ...]:
        t = topic_filter_table
        query = select(t.c.muted_topics).where(t.c.member_id == member_id)
        return topics_from_text((await self._session.execute(query)).scalar())

    async def save(self, member_id: UUID, topics: tuple[Topic, ...], at: datetime) -> None:
        values = {"member_id": member_id, "muted_topics": topics_to_text(topics), "updated_at": at}
        await upsert(self._session, topic_filter_table, values, "member_id")


_REPORT_FIELDS = (
    "id",
    "circle_id",
    "reporter_id",
    "target_id",
    "target_member_id",
    "note",
    "created_at",
    "safety_review",
    "resolved_at",
    "resolved_by",
    "decision_message",
)


def to_report(row: Mapping[Any, Any]) -> Report:
    return Report(
        **{name: row[name] for name in _REPORT_FIELDS},
        target_type=TargetType(row["target_type"]),
        reason=ReportReason(row["reason"]),
        status=ReportStatus(row["status"]),
    )


class SqlReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, report: Report) -> None:
        values = {name: getattr(report, name) for name in _REPORT_FIELDS}
        values.update(
            target_type=report.target_type.value,
            reason=report.reason.value,
            status=report.status.value,
        )
        await self._session.execute(insert(report_table).values(**values))

    async def get(self, report_id: UUID) -> Report | None:
        query = select(report_table).where(report_table.c.id == report_id)
        row = (await self._session.execute(query)).mappings().first()
        return to_report(row) if row else None

    async def open_by(self, reporter_id: UUID, target_id: UUID) -> Report | None:
        t = report_table
        query = select(t).where(
            t.c.reporter_id == reporter_id,
            t.c.target_id == target_id,
            t.c.status == ReportStatus.OPEN.value,
        )
        row = (await self._session.execute(query)).mappings().first()
        return to_report(row) if row else None

    async def open_for_target(self, circle_id: UUID, target_id: UUID) -> list[Report]:
        t = report_table
        query = select(t).where(
            t.c.circle_id == circle_id,
            t.c.target_id == target_id,
            t.c.status == ReportStatus.OPEN.value,
        )
        return [to_report(r) for r in (await self._session.execute(query)).mappings().all()]

    async def resolve(
        self,
        report_ids: Sequence[UUID],
        status: ReportStatus,
        by: UUID,
        at: datetime,
        message: str | None,
    ) -> None:
        t = report_table
        await self._session.execute(
            update(t)
            .where(t.c.id.in_(list(report_ids)), t.c.status == ReportStatus.OPEN.value)
            .values(status=status.value, resolved_by=by, resolved_at=at, decision_message=message)
        )


class SqlModerationLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, action: ModerationAction) -> None:
        await self._session.execute(
            insert(moderation_action_table).values(
                id=action.id,
                circle_id=action.circle_id,
                actor_id=action.actor_id,
                kind=action.kind.value,
                target_type=action.target_type.value,
                target_id=action.target_id,
                target_member_id=action.target_member_id,
                reason=action.reason.value if action.reason else None,
                message=action.message,
                created_at=action.created_at,
            )
        )
