"""Repositories for devices, notification preferences and notifications (Core)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.notifications.model import (
    Device,
    Notification,
    NotificationKind,
    NotificationPreferences,
    NotificationStatus,
    QuietHours,
)
from domain.notifications.push import Platform
from infra.db.repositories.rows import dialect_insert, upsert
from infra.db.tables.notifications import (
    device_table,
    named_circle_table,
    notification_table,
    preferences_table,
)


def to_device(row: Mapping[Any, Any]) -> Device:
    return Device(
        token=row["token"],
        member_id=row["member_id"],
        platform=Platform(row["platform"]),
        app_version=row["app_version"],
        locale=row["locale"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
    )


class SqlDeviceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, device: Device) -> None:
        values = {
            "token": device.token,
            "member_id": device.member_id,
            "platform": device.platform.value,
            "app_version": device.app_version,
            "locale": device.locale,
            "created_at": device.created_at,
            "last_seen_at": device.last_seen_at,
        }
        await upsert(self._session, device_table, values, "token", kept=("created_at",))

    async def remove(self, token: str, member_id: UUID) -> bool:
        t = device_table
        result: Any = await self._session.execute(
            delete(t).where(t.c.token == token, t.c.member_id == member_id)
        )
        return bool(result.rowcount)

    async def trim(self, member_id: UUID, keep: int) -> int:
        t = device_table
        kept = (
            select(t.c.token)
            .where(t.c.member_id == member_id)
            .order_by(t.c.last_seen_at.desc(), t.c.token)
            .limit(keep)
        )
        result: Any = await self._session.execute(
            delete(t).where(t.c.member_id == member_id, t.c.token.not_in(kept))
        )
        return int(result.rowcount or 0)

    async def for_members(self, member_ids: Sequence[UUID]) -> dict[UUID, list[Device]]:
        if not member_ids:
            return {}
        t = device_table
        query = (
            select(t)
            .where(t.c.member_id.in_(list(set(member_ids))))
            .order_by(t.c.member_id, t.c.last_seen_at.desc())
        )
        found: dict[UUID, list[Device]] = defaultdict(list)
        for row in (await self._session.execute(query)).mappings():
            found[row["member_id"]].append(to_device(row))
        return found

    async def delete_tokens(self, tokens: Sequence[str]) -> None:
        if tokens:
            t = device_table
            await self._session.execute(delete(t).where(t.c.token.in_(list(set(tokens)))))


def _time_text(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def to_preferences(row: Mapping[Any, Any]) -> NotificationPreferences:
    quiet = None
    if row["quiet_start"] and row["quiet_end"]:
        quiet = QuietHours(
            time.fromisoformat(row["quiet_start"]), time.fromisoformat(row["quiet_end"])
        )
    return NotificationPreferences(
        member_id=row["member_id"],
        replies=row["replies"],
        reactions=row["reactions"],
        circle_activity=row["circle_activity"],
        check_in_reminders=row["check_in_reminders"],
        quiet_hours=quiet,
        show_previews=row["show_previews"],
        moderation_decisions=row["moderation_decisions"],
        updated_at=row["updated_at"],
    )


class SqlNotificationPreferencesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, member_id: UUID) -> NotificationPreferences | None:
        t, n = preferences_table, named_circle_table
        row = (await self._session.execute(select(t).where(t.c.member_id == member_id))).mappings()
        first = row.first()
        if first is None:
            return None
        named = await self._session.execute(select(n.c.circle_id).where(n.c.member_id == member_id))
        return replace(to_preferences(first), named_circle_ids=frozenset(named.scalars()))

    async def save(self, preferences: NotificationPreferences) -> None:
        quiet = preferences.quiet_hours
        values = {
            "member_id": preferences.member_id,
            "replies": preferences.replies,
            "reactions": preferences.reactions,
            "circle_activity": preferences.circle_activity,
            "check_in_reminders": preferences.check_in_reminders,
            "quiet_start": _time_text(quiet.start) if quiet else None,
            "quiet_end": _time_text(quiet.end) if quiet else None,
            "show_previews": preferences.show_previews,
            "moderation_decisions": preferences.moderation_decisions,
            "updated_at": preferences.updated_at,
        }
        await upsert(self._session, preferences_table, values, "member_id")
        n = named_circle_table
        member = preferences.member_id
        await self._session.execute(delete(n).where(n.c.member_id == member))
        if preferences.named_circle_ids:
            await self._session.execute(
                insert(n),
                [{"member_id": member, "circle_id": c} for c in preferences.named_circle_ids],
            )


def notification_values(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "member_id": n.member_id,
        "kind": n.kind.value,
        "title": n.title,
        "body": n.body,
        "data": dict(n.data),
        "dedupe_key": n.dedupe_key,
        "collapse_key": n.collapse_key,
        "count": n.count,
        "urgent": n.urgent,
        "status": n.status.value,
        "attempts": n.attempts,
        "next_attempt_at": n.next_attempt_at,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "sent_at": n.sent_at,
    }


def to_notification(row: Mapping[Any, Any]) -> Notification:
    return Notification(
        id=row["id"],
        member_id=row["member_id"],
        kind=NotificationKind(row["kind"]),
        title=row["title"],
        body=row["body"],
        data={str(k): str(v) for k, v in (row["data"] or {}).items()},
        dedupe_key=row["dedupe_key"],
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        collapse_key=row["collapse_key"],
        count=row["count"],
        urgent=row["urgent"],
        status=NotificationStatus(row["status"]),
        attempts=row["attempts"],
        read_at=row["read_at"],
        sent_at=row["sent_at"],
    )


class SqlNotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, notification: Notification) -> bool:
        statement = (
            dialect_insert(self._session, notification_table)
            .values(**notification_values(notification))
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        result: Any = await self._session.execute(statement)
        return bool(result.rowcount)

    async def pending_to_collapse(
        self, member_id: UUID, collapse_key: str, since: datetime
    ) -> Notification | None:
        t = notification_table
        query = (
            select(t)
            .where(
                t.c.member_id == member_id,
                t.c.collapse_key == collapse_key,
                t.c.status == NotificationStatus.PENDING.value,
                t.c.created_at >= since,
            )
            .order_by(t.c.created_at.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).mappings().first()
        return to_notification(row) if row else None

    async def update_pending(self, notification: Notification) -> bool:
        t = notification_table
        result: Any = await self._session.execute(
            update(t)
            .where(t.c.id == notification.id, t.c.status == NotificationStatus.PENDING.value)
            .values(
                title=notification.title,
                body=notification.body,
                data=dict(notification.data),
                count=notification.count,
            )
        )
        return bool(result.rowcount)

    async def latest_by_collapse_key(
        self, member_id: UUID, collapse_key: str, since: datetime
    ) -> Notification | None:
        t = notification_table
        query = (
            select(t)
            .where(
                t.c.member_id == member_id,
                t.c.collapse_key == collapse_key,
                t.c.created_at >= since,
            )
            .order_by(t.c.created_at.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).mappings().first()
        return to_notification(row) if row else None

    async def update_text(self, notification: Notification) -> bool:
        t = notification_table
        result: Any = await self._session.execute(
            update(t)
            .where(t.c.id == notification.id)
            .values(
                title=notification.title,
                body=notification.body,
                data=dict(notification.data),
                count=notification.count,
            )
        )
        return bool(result.rowcount)

    async def mark_read(self, member_id: UUID, ids: Sequence[UUID] | None, at: datetime) -> int:
        t = notification_table
        statement = update(t).where(t.c.member_id == member_id, t.c.read_at.is_(None))
        if ids is not None:
            if not ids:
                return 0
            statement = statement.where(t.c.id.in_(list(set(ids))))
        result: Any = await self._session.execute(statement.values(read_at=at))
        return int(result.rowcount or 0)

    async def unread_count(self, member_id: UUID) -> int:
        t = notification_table
        query = select(func.count()).where(t.c.member_id == member_id, t.c.read_at.is_(None))
        return int(await self._session.scalar(query) or 0)
