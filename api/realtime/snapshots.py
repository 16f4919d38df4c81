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
from infra.db.reads import checkins as check_in_reads
from infra.db.reads import feed
from infra.db.tables.circles import circle_table
from infra.db.tables.members import member_table
from infra.db.tables.posts import post_table

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


async def post_snapshot(services: Services, post_id: UUID) -> tuple[Any, list[Any]]:
    async with services.reads() as conn:
        rows = await feed.posts_by_ids(conn, [post_id])
        reactions = await feed.reaction_rows(conn, [post_id])
    return (rows[0] if rows else None), reactions


async def reply_snapshot(services: Services, reply_id: UUID) -> tuple[Any, list[Any]]:
    async with services.reads() as conn:
        rows = await feed.replies_by_ids(conn, [reply_id])
        reactions = await feed.reaction_rows(conn, [reply_id])
    return (rows[0] if rows else None), reactions


async def reactions_snapshot(services: Services, target_id: UUID) -> tuple[bool, list[Any]]:
    """Whether the target is a post (else a reply), and its reactions."""
    async with services.reads() as conn:
        is_post = (
            await conn.execute(select(post_table.c.id).where(post_table.c.id == target_id))
        ).first()
        return is_post is not None, await feed.reaction_rows(conn, [target_id])


async def member_snapshot(services: Services, circle_id: UUID, member_id: UUID) -> tuple[Any, int]:
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
    return member, int(count or 0)


async def shared_check_in_snapshot(services: Services, circle_id: UUID, check_in_id: UUID) -> Any:
    async with services.reads() as conn:
        return await check_in_reads.shared_one(conn, circle_id, check_in_id)
