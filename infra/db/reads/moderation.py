"""Reads for blocking and moderation: block pairs for live events, the viewer's
blocked members, a circle's moderation queue and its moderation log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.tables.members import member_table
from infra.db.tables.moderation import block_table
from infra.db.tables.posts import post_table, reply_table

Keyset = tuple[datetime, UUID]


async def block_pairs(conn: AsyncConnection, member_ids: Sequence[UUID]) -> list[tuple[UUID, UUID]]:
    """Every (blocker, blocked) pair where one side is among ``member_ids``."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return []
    b = block_table
    query = select(b.c.blocker_id, b.c.blocked_id).where(
        or_(b.c.blocker_id.in_(ids), b.c.blocked_id.in_(ids))
    )
    return [(r[0], r[1]) for r in (await conn.execute(query)).all()]


async def author_of(conn: AsyncConnection, target_id: UUID) -> tuple[bool, UUID] | None:
    """(is a post, its author) of a post or reply; None when there is neither."""
    for is_post, table in ((True, post_table), (False, reply_table)):
        query = select(table.c.author_id).where(table.c.id == target_id)
        author = (await conn.execute(query)).scalar()
        if author is not None:
            return is_post, author
    return None


async def visible_reply_authors(conn: AsyncConnection, post_id: UUID) -> list[UUID]:
    """The author of each reply of a post that was not removed (for per-viewer counts)."""
    r = reply_table
    query = select(r.c.author_id).where(r.c.post_id == post_id, r.c.removed_at.is_(None))
    return [row[0] for row in (await conn.execute(query)).all()]


async def blocked_page(
    conn: AsyncConnection, blocker_id: UUID, first: int, after: Keyset | None
) -> Sequence[Any]:
    """Members ``blocker_id`` blocked, most recent first, with their public profile."""
    b, m = block_table, member_table
    query = (
        select(
            b.c.blocked_id,
            b.c.created_at,
            m.c.display_name,
            m.c.pronouns,
            m.c.bio,
            m.c.created_at.label("member_since"),
        )
        .join(m, m.c.id == b.c.blocked_id)
        .where(b.c.blocker_id == blocker_id)
    )
    if after is not None:
        query = query.where(tuple_(b.c.created_at, b.c.blocked_id) < tuple_(*after))
    query = query.order_by(b.c.created_at.desc(), b.c.blocked_id.desc()).limit(first + 1)
    return (await conn.execute(query)).mappings().all()
