"""The worker's retention job: deletes what Hearth no longer needs to keep
(``domain.privacy.retention`` says how long each kind of data stays)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Delete, and_, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.idempotency import KEY_TTL
from domain.notifications.model import NotificationStatus
from domain.privacy import retention
from infra.db.tables.idempotency import idempotency_key_table
from infra.db.tables.notifications import notification_table
from infra.db.tables.posts import post_table, reaction_table, reply_table
from infra.db.tables.privacy import data_export_chunk_table, data_export_table

log = logging.getLogger("hearth.retention")
_UNDELIVERED = (
    NotificationStatus.PENDING.value,
    NotificationStatus.SENDING.value,
    NotificationStatus.FAILED.value,
)
_DELIVERED = (NotificationStatus.SENT.value, NotificationStatus.INBOX_ONLY.value)


@dataclass
class Purged:
    replies: int = 0
    posts: int = 0
    read_notifications: int = 0
    unread_notifications: int = 0
    outbox: int = 0
    exports: int = 0
    idempotency_keys: int = 0


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


def _old_replies(before: datetime) -> Any:
    return reply_table.c.removed_at < before


def _old_posts(before: datetime) -> Any:
    p, r = post_table, reply_table
    live_reply = exists().where(r.c.post_id == p.c.id, r.c.removed_at.is_(None))
    return and_(p.c.removed_at < before, ~live_reply)


def _read_notifications(now: datetime) -> Any:
    return notification_table.c.read_at < now - retention.READ_NOTIFICATIONS


def _unread_notifications(now: datetime) -> Any:
    n = notification_table
    return and_(
        n.c.read_at.is_(None),
        n.c.status.in_(_DELIVERED),
        n.c.created_at < now - retention.UNREAD_NOTIFICATIONS,
    )


def _undelivered(now: datetime) -> Any:
    n = notification_table
    return and_(n.c.status.in_(_UNDELIVERED), n.c.created_at < now - retention.OUTBOX)


def purges(now: datetime) -> dict[str, Delete]:
    """The deletes of the job's growing tables, by what they purge. Each finds its rows
    through an index (partial ones for removed content and read and unread
    notifications: migration 0012), not by reading the table; the plan test reads them."""
    before = now - retention.REMOVED_CONTENT
    return {
        "replies": delete(reply_table).where(_old_replies(before)),
        "posts": delete(post_table).where(_old_posts(before)),
        "read_notifications": delete(notification_table).where(_read_notifications(now)),
        "unread_notifications": delete(notification_table).where(_unread_notifications(now)),
        "outbox": delete(notification_table).where(_undelivered(now)),
    }


class RetentionJob:
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def run(self) -> Purged:
        """One pass; each kind in its own short transaction."""
        now = self._clock.now()
        purged = Purged()
        p, r, x = post_table, reply_table, reaction_table
        before = now - retention.REMOVED_CONTENT
        deletes = purges(now)
        async with self._engine.begin() as conn:
            old_replies = select(r.c.id).where(_old_replies(before))
            await conn.execute(delete(x).where(x.c.target_id.in_(old_replies)))
            purged.replies = _count(await conn.execute(deletes["replies"]))
        async with self._engine.begin() as conn:
            old_posts = select(p.c.id).where(_old_posts(before))
            await conn.execute(delete(x).where(x.c.target_id.in_(old_posts)))
            post_replies = select(r.c.id).where(r.c.post_id.in_(old_posts))
            await conn.execute(delete(x).where(x.c.target_id.in_(post_replies)))
            await conn.execute(delete(r).where(r.c.post_id.in_(old_posts)))
            purged.posts = _count(await conn.execute(deletes["posts"]))
        async with self._engine.begin() as conn:
            purged.read_notifications = _count(await conn.execute(deletes["read_notifications"]))
            unread = deletes["unread_notifications"]
            purged.unread_notifications = _count(await conn.execute(unread))
            purged.outbox = _count(await conn.execute(deletes["outbox"]))
        async with self._engine.begin() as conn:
            e, c = data_export_table, data_export_chunk_table
            expired = select(e.c.id).where(e.c.expires_at <= now)
            await conn.execute(delete(c).where(c.c.export_id.in_(expired)))
            purged.exports = _count(await conn.execute(delete(e).where(e.c.expires_at <= now)))
        async with self._engine.begin() as conn:
            k = idempotency_key_table
            purged.idempotency_keys = _count(
                await conn.execute(delete(k).where(k.c.created_at < now - KEY_TTL))
            )
        if any(vars(purged).values()):
            log.info("retention purged %s", vars(purged))
        return purged
