"""The worker's retention job: deletes what Hearth no longer needs to keep
(``domain.privacy.retention`` says how long each kind of data stays)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, select
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


@dataclass
class Purged:
    replies: int = 0
    posts: int = 0
    read_notifications: int = 0
    outbox: int = 0
    exports: int = 0
    idempotency_keys: int = 0


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


class RetentionJob:
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def run(self) -> Purged:
        """One pass; each kind in its own short transaction."""
        now = self._clock.now()
        purged = Purged()
        p, r, x, n = post_table, reply_table, reaction_table, notification_table
        removed_before = now - retention.REMOVED_CONTENT
        async with self._engine.begin() as conn:
            old_replies = select(r.c.id).where(r.c.removed_at < removed_before)
            await conn.execute(delete(x).where(x.c.target_id.in_(old_replies)))
            purged.replies = _count(
                await conn.execute(delete(r).where(r.c.removed_at < removed_before))
            )
        async with self._engine.begin() as conn:
            live_reply = exists().where(r.c.post_id == p.c.id, r.c.removed_at.is_(None))
            old_posts = select(p.c.id).where(p.c.removed_at < removed_before, ~live_reply)
            await conn.execute(delete(x).where(x.c.target_id.in_(old_posts)))
            post_replies = select(r.c.id).where(r.c.post_id.in_(old_posts))
            await conn.execute(delete(x).where(x.c.target_id.in_(post_replies)))
            await conn.execute(delete(r).where(r.c.post_id.in_(old_posts)))
            purged.posts = _count(
                await conn.execute(delete(p).where(p.c.removed_at < removed_before, ~live_reply))
            )
        async with self._engine.begin() as conn:
            read_before = now - retention.READ_NOTIFICATIONS
            purged.read_notifications = _count(
                await conn.execute(delete(n).where(n.c.read_at < read_before))
            )
            outbox = and_(n.c.status.in_(_UNDELIVERED), n.c.created_at < now - retention.OUTBOX)
            purged.outbox = _count(await conn.execute(delete(n).where(outbox)))
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
