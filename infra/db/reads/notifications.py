"""Set-based reads of a member's inbox (their own notifications only), and the outbox's
backlog for the metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.notifications.model import Notification, NotificationStatus
from domain.notifications.reads import InboxKey
from infra.db.repositories.notifications import to_notification
from infra.db.tables.notifications import notification_table

Keyset = InboxKey


async def inbox_page(
    conn: AsyncConnection, member_id: UUID, first: int, after: Keyset | None
) -> list[Notification]:
    """Up to ``first + 1`` of the member's notifications, newest first (every status:
    the inbox shows what was pushed and what was kept in-app only)."""
    t = notification_table
    query = select(t).where(t.c.member_id == member_id)
    if after is not None:
        query = query.where(tuple_(t.c.created_at, t.c.id) < tuple_(*after))
    query = query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(first + 1)
    return [to_notification(r) for r in (await conn.execute(query)).mappings()]


async def unread_count(conn: AsyncConnection, member_id: UUID) -> int:
    t = notification_table
    query = select(func.count()).where(t.c.member_id == member_id, t.c.read_at.is_(None))
    return int(await conn.scalar(query) or 0)


async def own_by_ids(
    conn: AsyncConnection, ids: Sequence[UUID], member_id: UUID
) -> dict[UUID, Notification]:
    t = notification_table
    query = select(t).where(t.c.id.in_(list(set(ids))), t.c.member_id == member_id)
    return {r["id"]: to_notification(r) for r in (await conn.execute(query)).mappings()}


class SqlNotificationReads:
    """``domain.notifications.reads.NotificationReads`` on a connection per call."""

    def __init__(self, connect: Callable[[], AsyncConnection]) -> None:
        self._connect = connect

    async def inbox_page(
        self, member_id: UUID, first: int, after: Keyset | None
    ) -> list[Notification]:
        async with self._connect() as conn:
            return await inbox_page(conn, member_id, first, after)

    async def unread_count(self, member_id: UUID) -> int:
        async with self._connect() as conn:
            return await unread_count(conn, member_id)

    async def own_by_ids(self, ids: Sequence[UUID], member_id: UUID) -> dict[UUID, Notification]:
        async with self._connect() as conn:
            return await own_by_ids(conn, ids, member_id)

    async def badge(
        self, member_id: UUID, notification_id: UUID | None
    ) -> tuple[Notification | None, int]:
        async with self._connect() as conn:
            found = None
            if notification_id is not None:
                found = (await own_by_ids(conn, [notification_id], member_id)).get(notification_id)
            return found, await unread_count(conn, member_id)


async def outbox_backlog(engine: AsyncEngine) -> tuple[int, float]:
    """(PENDING notifications, seconds the oldest due one has waited) for the metrics."""
    t = notification_table
    now = datetime.now(UTC)
    due = case((t.c.next_attempt_at <= now, t.c.next_attempt_at))
    query = select(func.count(), func.min(due)).where(
        t.c.status == NotificationStatus.PENDING.value
    )
    async with engine.connect() as conn:
        count, oldest = (await conn.execute(query)).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return int(count or 0), (now - oldest).total_seconds() if oldest is not None else 0.0
