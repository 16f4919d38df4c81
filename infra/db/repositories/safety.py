"""Repositories for ratings, staff roles, the safety queue, its audit and "I'm safe"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any, cast
from uuid import UUID, uuid4

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.safety.model import RiskLevel
from domain.safety.team import (
    AuditEntry,
    ItemSource,
    ItemStatus,
    RiskRating,
    SafeSaid,
    SafetyItem,
    StaffGrant,
    StaffRole,
    TargetKind,
)
from infra.db.repositories.rows import upsert
from infra.db.tables.members import member_table
from infra.db.tables.safety import (
    risk_rating_table,
    safe_said_table,
    safety_audit_table,
    safety_item_table,
    staff_role_table,
)


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


class SqlRiskRatingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, rating: RiskRating) -> None:
        await self._session.execute(
            insert(risk_rating_table).values(
                id=rating.id,
                target_kind=rating.target_kind.value,
                target_id=rating.target_id,
                level=int(rating.level),
                reasons=json.dumps(list(rating.reasons)),
                detector_version=rating.detector_version,
                rated_at=rating.rated_at,
            )
        )

    async def latest(self, target_kind: TargetKind, target_id: UUID) -> RiskRating | None:
        t = risk_rating_table
        query = (
            select(t)
            .where(t.c.target_kind == target_kind.value, t.c.target_id == target_id)
            .order_by(t.c.rated_at.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        return RiskRating(
            row["id"],
            TargetKind(row["target_kind"]),
            row["target_id"],
            RiskLevel(row["level"]),
            tuple(json.loads(row["reasons"])),
            row["detector_version"],
            row["rated_at"],
        )


class SqlStaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, firebase_uid: str) -> StaffGrant | None:
        t = staff_role_table
        row = (
            (await self._session.execute(select(t).where(t.c.firebase_uid == firebase_uid)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return StaffGrant(
            row["firebase_uid"],
            StaffRole(row["role"]),
            row["on_call"],
            row["granted_at"],
            row["granted_by"],
        )

    async def save(self, grant: StaffGrant) -> None:
        values = {
            "firebase_uid": grant.firebase_uid,
            "role": grant.role.value,
            "on_call": grant.on_call,
            "granted_at": grant.granted_at,
            "granted_by": grant.granted_by,
        }
        await upsert(self._session, staff_role_table, values, "firebase_uid")

    async def delete(self, firebase_uid: str) -> bool:
        t = staff_role_table
        result = await self._session.execute(delete(t).where(t.c.firebase_uid == firebase_uid))
        return _rowcount(result) == 1

    async def on_call_member_ids(self) -> list[UUID]:
        s, m = staff_role_table, member_table
        query = (
            select(m.c.id)
            .join(s, s.c.firebase_uid == m.c.firebase_uid)
            .where(s.c.on_call.is_(True))
            .order_by(m.c.id)
        )
        return list((await self._session.execute(query)).scalars())


def _item_values(item: SafetyItem) -> dict[str, Any]:
    values = asdict(item)
    values.update(
        source=item.source.value,
        target_kind=item.target_kind.value,
        level=int(item.level),
        reasons=json.dumps(list(item.reasons)),
        status=item.status.value,
    )
    return values


def to_item(row: Mapping[Any, Any]) -> SafetyItem:
    values = {name: row[name] for name in SafetyItem.__dataclass_fields__}
    values.update(
        source=ItemSource(row["source"]),
        target_kind=TargetKind(row["target_kind"]),
        level=RiskLevel(row["level"]),
        reasons=tuple(json.loads(row["reasons"])),
        status=ItemStatus(row["status"]),
    )
    return SafetyItem(**values)


_MUTABLE = (
    "status",
    "level",
    "reasons",
    "acknowledged_at",
    "acknowledged_by",
    "resolved_at",
    "resolved_by",
    "note",
)
_UNRESOLVED = (ItemStatus.OPEN.value, ItemStatus.ACKNOWLEDGED.value)


class SqlSafetyItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._read_status: dict[UUID, str] = {}

    async def get(self, item_id: UUID) -> SafetyItem | None:
        t = safety_item_table
        row = (await self._session.execute(select(t).where(t.c.id == item_id))).mappings().first()
        if row is None:
            return None
        self._read_status[item_id] = row["status"]
        return to_item(row)

    async def add(self, item: SafetyItem) -> None:
        await self._session.execute(insert(safety_item_table).values(**_item_values(item)))

    async def update(self, item: SafetyItem) -> bool:
        t = safety_item_table
        values = _item_values(item)
        expected = self._read_status.get(item.id, values["status"])
        result = await self._session.execute(
            update(t)
            .where(t.c.id == item.id, t.c.status == expected)
            .values(**{k: values[k] for k in _MUTABLE})
        )
        return _rowcount(result) == 1

    async def unresolved_for(self, target_kind: TargetKind, target_id: UUID) -> SafetyItem | None:
        t = safety_item_table
        query = select(t).where(
            t.c.target_kind == target_kind.value,
            t.c.target_id == target_id,
            t.c.status.in_(_UNRESOLVED),
        )
        row = (await self._session.execute(query.limit(1))).mappings().first()
        return to_item(row) if row else None

    async def due_for_realert(self, cutoff: datetime) -> list[SafetyItem]:
        t = safety_item_table
        query = (
            select(t)
            .where(
                t.c.status == ItemStatus.OPEN.value,
                t.c.level >= int(RiskLevel.URGENT),
                t.c.last_alerted_at <= cutoff,
            )
            .order_by(t.c.created_at)
        )
        return [to_item(r) for r in (await self._session.execute(query)).mappings()]

    async def mark_alerted(self, item_id: UUID, expected: datetime | None, at: datetime) -> bool:
        t = safety_item_table
        same = (
            t.c.last_alerted_at.is_(None) if expected is None else t.c.last_alerted_at == expected
        )
        result = await self._session.execute(
            update(t)
            .where(t.c.id == item_id, same)
            .values(last_alerted_at=at, alert_count=t.c.alert_count + 1)
        )
        return _rowcount(result) == 1


class SqlSafetyAuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> None:
        values = asdict(entry)
        values["action"] = entry.action.value
        await self._session.execute(insert(safety_audit_table).values(**values))


class SqlSafeSaidRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, said: SafeSaid) -> None:
        await self._session.execute(
            insert(safe_said_table).values(
                id=uuid4(),
                member_id=said.member_id,
                target_kind=said.target_kind.value,
                target_id=said.target_id,
                at=said.at,
            )
        )
