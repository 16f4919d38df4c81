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
from infra.db.reads import feed
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


async def post_snapshot(
    services: Services, post_id: UUID
) -> tuple[Any, list[Any], Pairs, list[UUID]]:
    """The post, its reactions, the block pairs of its author and reactors, and the
    authors of its visible replies (so each viewer's reply count leaves out theirs)."""
    async with services.reads() as conn:
        rows = await feed.posts_by_ids(conn, [post_id])
        reactions = await feed.reaction_rows(conn, [post_id])
        repliers = await moderation_reads.visible_reply_authors(conn, post_id)
        people = [r["author_id"] for r in rows] + [r[1] for r in reactions] + repliers
        pairs = await moderation_reads.block_pairs(conn, people)
    return (rows[0] if rows else None), reactions, pairs, repliers


async def reply_snapshot(
    services: Services, reply_id: UUID
) -> tuple[Any, list[Any], Pairs, UUID | None]:
    """The reply, its reactions, the block pairs of its author, its post's author and
    its reactors, and its post's author."""
    async with services.reads() as conn:
        rows = await feed.replies_by_ids(conn, [reply_id])
        reactions = await feed.reaction_rows(conn, [reply_id])
        row = rows[0] if rows else None
        post = await moderation_reads.author_of(conn, row["post_id"]) if row else None
        post_author = post[1] if post else None
        people = [r[1] for r in reactions]
        people += [row["author_id"]] if row else []
        people += [post_author] if post_author else []
        pairs = await moderation_reads.block_pairs(conn, people)
    return row, reactions, pairs, post_author


async def reactions_snapshot(
    services: Services, target_id: UUID
) -> tuple[bool, UUID | None, list[Any], Pairs]:
    """Whether the target is a post (else a reply), its author, its reactions and the
    block pairs of its author and reactors."""
    async with services.reads() as conn:
        found = await moderation_reads.author_of(conn, target_id)
        reactions = await feed.reaction_rows(conn, [target_id])
        author = found[1] if found else None
        people = [r[1] for r in reactions] + ([author] if author else [])
        pairs = await moderation_reads.block_pairs(conn, people)
    return (found is not None and found[0]), author, reactions, pairs


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
