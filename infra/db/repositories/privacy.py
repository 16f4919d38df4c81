"""Repositories of the data-rights area: consents and the health-data eraser."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.notifications.model import NotificationKind
from domain.privacy.model import Consent, ConsentKind
from infra.db.tables.checkins import check_in_reminder_table, check_in_share_table, check_in_table
from infra.db.tables.notifications import notification_table
from infra.db.tables.privacy import consent_table

_REMINDER_KINDS = (NotificationKind.CHECKIN_REMINDER.value, NotificationKind.REMINDERS_PAUSED.value)


def to_consent(row: Mapping[Any, Any]) -> Consent:
    return Consent(
        id=row["id"],
        member_id=row["member_id"],
        kind=ConsentKind(row["kind"]),
        version=row["version"],
        given_at=row["given_at"],
        withdrawn_at=row["withdrawn_at"],
    )


class SqlConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, consent: Consent) -> None:
        await self._session.execute(
            insert(consent_table).values(
                id=consent.id,
                member_id=consent.member_id,
                kind=consent.kind.value,
                version=consent.version,
                given_at=consent.given_at,
                withdrawn_at=consent.withdrawn_at,
            )
        )

    async def active(self, member_id: UUID, kind: ConsentKind) -> Consent | None:
        t = consent_table
        query = (
            select(t)
            .where(t.c.member_id == member_id, t.c.kind == kind.value, t.c.withdrawn_at.is_(None))
            .order_by(t.c.given_at.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).mappings().first()
        return to_consent(row) if row else None

    async def of_member(self, member_id: UUID) -> list[Consent]:
        t = consent_table
        query = select(t).where(t.c.member_id == member_id).order_by(t.c.given_at, t.c.id)
        return [to_consent(r) for r in (await self._session.execute(query)).mappings()]

    async def withdraw(self, member_id: UUID, kind: ConsentKind, at: datetime) -> None:
        t = consent_table
        await self._session.execute(
            update(t)
            .where(t.c.member_id == member_id, t.c.kind == kind.value, t.c.withdrawn_at.is_(None))
            .values(withdrawn_at=at)
        )


class SqlHealthDataEraser:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def erase_health_data(self, member_id: UUID) -> int:
        t, s, n = check_in_table, check_in_share_table, notification_table
        own = select(t.c.id).where(t.c.member_id == member_id)
        await self._session.execute(delete(s).where(s.c.check_in_id.in_(own)))
        result: Any = await self._session.execute(delete(t).where(t.c.member_id == member_id))
        r = check_in_reminder_table
        await self._session.execute(delete(r).where(r.c.member_id == member_id))
        await self._session.execute(
            delete(n).where(n.c.member_id == member_id, n.c.kind.in_(_REMINDER_KINDS))
        )
        return int(result.rowcount or 0)
