"""What an event refers to, read once per event and process for all subscribers.

A post event read 1,000 times for 1,000 subscribers would cost 1,000 queries;
here the viewer-independent rows are read once, and each subscriber's view
(``isMine``, ``viewerReactions``, anonymity) is built from them in memory.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from sqlalchemy import select

from api.container import Services
from domain.checkins.reads import SharedCheckInView
from infra.db.reads import checkins as check_in_reads
from infra.db.reads import moderation as moderation_reads
from infra.db.tables.circles import circle_table
from infra.db.tables.members import member_table

Loader = Callable[[], Awaitable[Any]]


class SnapshotCache:
    """A small LRU of in-flight or finished reads, keyed by (event id, what)."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[tuple[UUID, str], asyncio.Future[Any]] = OrderedDict()

    async def get(self, key: tuple[UUID, str], load: Loader) -> Any:
        future = self._items.get(key)
        if future is None:
            future = asyncio.ensure_future(load())
            self._items[key] = future
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return await asyncio.shield(future)


Pairs = list[tuple[UUID, UUID]]
"""(blocker, blocked) pairs touching the people an event is about: each subscriber's
view drops what a block hides from them (``domain.moderation.visibility``)."""


async def member_snapshot(
    services: Services, circle_id: UUID, member_id: UUID
) -> tuple[Any, int, Pairs]:
    async with services.reads() as conn:
        member = (
            (await conn.execute(select(member_table).where(member_table.c.id == member_id)))
            .mappings()
            .first()
        )
        count = (
            await conn.execute(
                select(circle_table.c.active_count).where(circle_table.c.id == circle_id)
            )
        ).scalar()
        pairs = await moderation_reads.block_pairs(conn, [member_id])
    return member, int(count or 0), pairs


async def shared_check_in_snapshot(
    services: Services, circle_id: UUID, check_in_id: UUID
) -> tuple[SharedCheckInView | None, Pairs]:
    async with services.reads() as conn:
        row = await check_in_reads.shared_one(conn, circle_id, check_in_id)
        pairs = await moderation_reads.block_pairs(conn, [row["member_id"]] if row else [])
    return (check_in_reads.to_shared_view(row, circle_id) if row else None), pairs


async def block_pairs_snapshot(services: Services, member_id: UUID) -> Pairs:
    """The blocks involving one member (the sharer of a withdrawn share)."""
    async with services.reads() as conn:
        return await moderation_reads.block_pairs(conn, [member_id])
