"""The worker's export builder: claims pending exports and writes their JSON
document in chunks.

The document is produced section by section (``infra.exports.sections``), each
list read ``PAGE`` rows at a time, and written as ``data_export_chunk`` rows of
about ``chunk_bytes`` each, every chunk in its own short transaction: memory stays
flat whatever the history's size, and the database is never locked for long.
Pages are read outside a transaction, so a member who writes while their export
is built may see the newest rows in one section and not another.

Claims use a lease (``claimed_until``): a worker that dies mid-build leaves the
export PENDING, another one rebuilds it from scratch after the lease; after
``max_attempts`` it is FAILED.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.clock import Clock
from domain.privacy.export import EXPORT_SCHEMA_VERSION, EXPORT_TTL, ExportStatus
from infra.db.engine import reads_engine
from infra.db.tables.privacy import data_export_chunk_table, data_export_table
from infra.exports.sections import SECTIONS, iso

log = logging.getLogger("hearth.exports")
CHUNK_BYTES = 256 * 1024


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def document(
    conn: AsyncConnection, member_id: UUID, export_id: UUID, now: datetime
) -> AsyncIterator[str]:
    """The export document as pieces of JSON text."""
    yield "{" + _dumps("schemaVersion") + ":" + _dumps(EXPORT_SCHEMA_VERSION)
    yield "," + _dumps("exportId") + ":" + _dumps(str(export_id))
    yield "," + _dumps("generatedAt") + ":" + _dumps(iso(now))
    for section in SECTIONS:
        yield "," + _dumps(section.name) + ":"
        if not section.many:
            first = None
            async for item in section.items(conn, member_id):
                first = item
                break
            yield _dumps(first)
            continue
        yield "["
        separator = ""
        async for item in section.items(conn, member_id):
            yield separator + _dumps(item)
            separator = ","
        yield "]"
    yield "}"


class ExportBuilder:
    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        *,
        chunk_bytes: int = CHUNK_BYTES,
        lease: timedelta = timedelta(minutes=10),
        max_attempts: int = 3,
    ) -> None:
        self._engine = engine
        self._reads = reads_engine(engine)
        self._clock = clock
        self._chunk_bytes = chunk_bytes
        self._lease = lease
        self._max_attempts = max_attempts

    async def build_pending(self, limit: int = 5) -> int:
        """Build up to ``limit`` pending exports; returns how many became READY."""
        built = 0
        for export_id, member_id in await self._claim(limit):
            try:
                built += await self.build(export_id, member_id)
            except Exception:
                log.exception("building an export failed")
        return built

    async def _claim(self, limit: int) -> list[tuple[UUID, UUID]]:
        t = data_export_table
        now = self._clock.now()
        free = or_(t.c.claimed_until.is_(None), t.c.claimed_until < now)
        claimed: list[tuple[UUID, UUID]] = []
        async with self._engine.begin() as conn:
            await conn.execute(
                update(t)
                .where(t.c.status == ExportStatus.PENDING.value, free)
                .where(t.c.attempts >= self._max_attempts)
                .values(status=ExportStatus.FAILED.value, claimed_until=None)
            )
            query = (
                select(t.c.id, t.c.member_id, t.c.attempts)
                .where(t.c.status == ExportStatus.PENDING.value, free)
                .order_by(t.c.requested_at)
                .limit(limit)
            )
            for export_id, member_id, attempts in (await conn.execute(query)).all():
                result: Any = await conn.execute(
                    update(t)
                    .where(t.c.id == export_id, t.c.attempts == attempts, free)
                    .values(attempts=attempts + 1, claimed_until=now + self._lease)
                )
                if result.rowcount == 1:
                    claimed.append((export_id, member_id))
        return claimed

    async def _write_chunk(self, export_id: UUID, seq: int, data: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(data_export_chunk_table).values(export_id=export_id, seq=seq, data=data)
            )

    async def build(self, export_id: UUID, member_id: UUID) -> int:
        """Write the document; 1 when the export became READY, 0 when it vanished
        meanwhile (the account was deleted)."""
        c, t = data_export_chunk_table, data_export_table
        async with self._engine.begin() as conn:
            await conn.execute(delete(c).where(c.c.export_id == export_id))  # a dead attempt's
        now = self._clock.now()
        seq, size, buffer, buffered = 0, 0, [], 0
        async with self._reads.connect() as conn:
            async for piece in document(conn, member_id, export_id, now):
                buffer.append(piece)
                buffered += len(piece)
                if buffered >= self._chunk_bytes:
                    data = "".join(buffer)
                    await self._write_chunk(export_id, seq, data)
                    seq, size, buffer, buffered = seq + 1, size + len(data.encode()), [], 0
        if buffer:
            data = "".join(buffer)
            await self._write_chunk(export_id, seq, data)
            size += len(data.encode())
        done = self._clock.now()
        async with self._engine.begin() as conn:
            result: Any = await conn.execute(
                update(t)
                .where(and_(t.c.id == export_id, t.c.status == ExportStatus.PENDING.value))
                .values(
                    status=ExportStatus.READY.value,
                    completed_at=done,
                    expires_at=done + EXPORT_TTL,
                    byte_size=size,
                    claimed_until=None,
                )
            )
            if result.rowcount != 1:
                await conn.execute(delete(c).where(c.c.export_id == export_id))
                return 0
        return 1
