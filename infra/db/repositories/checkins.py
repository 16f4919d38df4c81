"""Repositories for check-ins and check-in reminders (Core statements)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.checkins.model import CheckIn, CheckInReminder, Emotion
from domain.checkins.reminders import ReminderSchedule
from domain.circles.model import MembershipStatus
from domain.safety.model import RiskLevel
from infra.db.repositories.rows import upsert
from infra.db.tables.checkins import check_in_reminder_table, check_in_share_table, check_in_table
from infra.db.tables.circles import membership_table


def emotions_to_text(emotions: Sequence[Emotion]) -> str:
    return "," + ",".join(e.value for e in emotions) + "," if emotions else ""


def emotions_from_text(text: str | None) -> tuple[Emotion, ...]:
    return tuple(Emotion(e) for e in (text or "").split(",") if e)


def to_check_in(row: Mapping[Any, Any], circle_ids: Sequence[UUID] = ()) -> CheckIn:
    return CheckIn(
        id=row["id"],
        member_id=row["member_id"],
        mood=row["mood"],
        emotions=emotions_from_text(row["emotions"]),
        note=row["note"],
        created_at=row["created_at"],
        edited_at=row["edited_at"],
        shared_circle_ids=tuple(circle_ids),
        risk_level=RiskLevel(row.get("risk_level", 0)),
    )


def _check_in_values(check_in: CheckIn) -> dict[str, Any]:
    return {
        "id": check_in.id,
        "member_id": check_in.member_id,
        "mood": check_in.mood,
        "emotions": emotions_to_text(check_in.emotions),
        "note": check_in.note,
        "created_at": check_in.created_at,
        "edited_at": check_in.edited_at,
        "risk_level": int(check_in.risk_level),
    }


async def shares_of(session_or_conn: Any, ids: Sequence[UUID]) -> dict[UUID, list[UUID]]:
    """The circles each check-in is shared with, oldest share first."""
    s = check_in_share_table
    query = (
        select(s.c.check_in_id, s.c.circle_id)
        .where(s.c.check_in_id.in_(list(set(ids))))
        .order_by(s.c.shared_at, s.c.circle_id)
    )
    grouped: dict[UUID, list[UUID]] = defaultdict(list)
    for check_in_id, circle_id in (await session_or_conn.execute(query)).all():
        grouped[check_in_id].append(circle_id)
    return grouped


class SqlCheckInRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, check_in_id: UUID) -> CheckIn | None:
        query = select(check_in_table).where(check_in_table.c.id == check_in_id)
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        return to_check_in(row, (await shares_of(self._session, [check_in_id]))[check_in_id])

    async def _share(self, check_in_id: UUID, circle_ids: Sequence[UUID], at: datetime) -> None:
        if circle_ids:
            await self._session.execute(
                insert(check_in_share_table),
                [{"check_in_id": check_in_id, "circle_id": c, "shared_at": at} for c in circle_ids],
            )

    async def add(self, check_in: CheckIn) -> None:
        await self._session.execute(insert(check_in_table).values(**_check_in_values(check_in)))
        await self._share(check_in.id, check_in.shared_circle_ids, check_in.created_at)

    async def update(self, check_in: CheckIn) -> None:
        t, s = check_in_table, check_in_share_table
        await self._session.execute(
            update(t).where(t.c.id == check_in.id).values(**_check_in_values(check_in))
        )
        current = set((await shares_of(self._session, [check_in.id]))[check_in.id])
        wanted = set(check_in.shared_circle_ids)
        if current - wanted:
            await self._session.execute(
                delete(s).where(s.c.check_in_id == check_in.id, s.c.circle_id.in_(current - wanted))
            )
        at = check_in.edited_at or check_in.created_at
        await self._share(
            check_in.id, [c for c in check_in.shared_circle_ids if c not in current], at
        )

    async def delete(self, check_in_id: UUID) -> None:
        s = check_in_share_table
        await self._session.execute(delete(s).where(s.c.check_in_id == check_in_id))
        await self._session.execute(
            delete(check_in_table).where(check_in_table.c.id == check_in_id)
        )

    async def end_shares(self, member_id: UUID, circle_id: UUID) -> None:
        s, t = check_in_share_table, check_in_table
        own = select(t.c.id).where(t.c.member_id == member_id)
        await self._session.execute(
            delete(s).where(s.c.circle_id == circle_id, s.c.check_in_id.in_(own))
        )

    async def live_shares(
        self, member_id: UUID, circle_id: UUID | None = None
    ) -> list[tuple[UUID, UUID]]:
        s, t, m = check_in_share_table, check_in_table, membership_table
        query = (
            select(s.c.check_in_id, s.c.circle_id)
            .join(t, t.c.id == s.c.check_in_id)
            .join(m, (m.c.circle_id == s.c.circle_id) & (m.c.member_id == t.c.member_id))
            .where(t.c.member_id == member_id, m.c.status == MembershipStatus.ACTIVE.value)
            .order_by(s.c.shared_at, s.c.check_in_id, s.c.circle_id)
        )
        if circle_id is not None:
            query = query.where(s.c.circle_id == circle_id)
        return [(row[0], row[1]) for row in (await self._session.execute(query)).all()]

    async def created_between(
        self, member_id: UUID, start: datetime, end: datetime
    ) -> list[CheckIn]:
        t = check_in_table
        query = (
            select(t)
            .where(t.c.member_id == member_id, t.c.created_at >= start, t.c.created_at < end)
            .order_by(t.c.created_at, t.c.id)
        )
        return [to_check_in(row) for row in (await self._session.execute(query)).mappings()]

    async def latest_times(self, member_ids: Sequence[UUID]) -> dict[UUID, datetime]:
        if not member_ids:
            return {}
        t = check_in_table
        latest = func.max(t.c.created_at).label("latest")
        query = (
            select(t.c.member_id, latest)
            .where(t.c.member_id.in_(list(set(member_ids))))
            .group_by(t.c.member_id)
        )
        # max() keeps the column's type, so values come back as aware UTC datetimes.
        return {row[0]: row[1] for row in (await self._session.execute(query)).all()}


def _times_to_text(times: Sequence[time]) -> str:
    return ",".join(t.strftime("%H:%M") for t in times)


def _times_from_text(text: str) -> tuple[time, ...]:
    return tuple(time.fromisoformat(t) for t in text.split(",") if t)


def to_reminder(row: Mapping[Any, Any]) -> CheckInReminder:
    schedule = ReminderSchedule(
        timezone=row["timezone"],
        local_times=_times_from_text(row["local_times"]),
        weekdays=frozenset(int(d) for d in row["weekdays"].split(",") if d),
        enabled=row["enabled"],
    )
    return CheckInReminder(
        member_id=row["member_id"],
        schedule=schedule,
        next_fire_at=row["next_fire_at"],
        updated_at=row["updated_at"],
        consecutive_unanswered=row["consecutive_unanswered"],
        paused=row["paused"],
    )


class SqlCheckInReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, member_id: UUID) -> CheckInReminder | None:
        t = check_in_reminder_table
        row = (await self._session.execute(select(t).where(t.c.member_id == member_id))).mappings()
        first = row.first()
        return to_reminder(first) if first else None

    async def save(self, reminder: CheckInReminder) -> None:
        schedule = reminder.schedule
        values = {
            "member_id": reminder.member_id,
            "enabled": schedule.enabled,
            "local_times": _times_to_text(schedule.local_times),
            "weekdays": ",".join(str(d) for d in sorted(schedule.weekdays)),
            "timezone": schedule.timezone,
            "next_fire_at": reminder.next_fire_at,
            "consecutive_unanswered": reminder.consecutive_unanswered,
            "paused": reminder.paused,
            "updated_at": reminder.updated_at,
        }
        await upsert(self._session, check_in_reminder_table, values, "member_id")

    async def due(self, window_start: datetime, window_end: datetime) -> list[CheckInReminder]:
        t = check_in_reminder_table
        query = (
            select(t)
            .where(
                t.c.next_fire_at >= window_start,
                t.c.next_fire_at < window_end,
                t.c.enabled.is_(True),
                t.c.paused.is_(False),
            )
            .order_by(t.c.next_fire_at, t.c.member_id)
        )
        return [to_reminder(row) for row in (await self._session.execute(query)).mappings()]
