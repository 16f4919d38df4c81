"""Set-based reads behind circles' feeds and threads.

A feed page costs a fixed number of statements whatever its size: the page with
its authors and reply counts, the reactions of every post (and reply) on it, and
the latest replies of every post with their authors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.tables.members import member_table
from infra.db.tables.posts import post_table, reaction_table, reply_table

Keyset = tuple[datetime, UUID]

_AUTHOR_COLUMNS = (
    member_table.c.display_name.label("author_name"),
    member_table.c.pronouns.label("author_pronouns"),
    member_table.c.bio.label("author_bio"),
    member_table.c.created_at.label("author_since"),
)


@dataclass(slots=True)
class ReactionTally:
    counts: dict[str, int]
    mine: list[str]


def _reply_count() -> Any:
    r = reply_table
    return (
        select(func.count())
        .where(r.c.post_id == post_table.c.id, r.c.removed_at.is_(None))
        .scalar_subquery()
        .label("reply_count")
    )


async def posts_page(
    conn: AsyncConnection, circle_id: UUID, first: int, after: Keyset | None, *, with_counts: bool
) -> Sequence[Any]:
    """Up to ``first + 1`` posts, newest first, joined with their authors."""
    p = post_table
    columns: list[Any] = [p, *_AUTHOR_COLUMNS]
    if with_counts:
        columns.append(_reply_count())
    query = select(*columns).join(member_table, member_table.c.id == p.c.author_id)
    query = query.where(p.c.circle_id == circle_id)
    if after is not None:
        query = query.where(tuple_(p.c.created_at, p.c.id) < tuple_(*after))
    query = query.order_by(p.c.created_at.desc(), p.c.id.desc()).limit(first + 1)
    return (await conn.execute(query)).mappings().all()


async def posts_by_ids(
    conn: AsyncConnection, ids: Sequence[UUID], *, with_counts: bool
) -> Sequence[Any]:
    p = post_table
    columns: list[Any] = [p, *_AUTHOR_COLUMNS]
    if with_counts:
        columns.append(_reply_count())
    query = select(*columns).join(member_table, member_table.c.id == p.c.author_id)
    return (await conn.execute(query.where(p.c.id.in_(list(set(ids)))))).mappings().all()


async def reply_counts(conn: AsyncConnection, post_ids: Sequence[UUID]) -> dict[UUID, int]:
    r = reply_table
    query = (
        select(r.c.post_id, func.count())
        .where(r.c.post_id.in_(list(set(post_ids))), r.c.removed_at.is_(None))
        .group_by(r.c.post_id)
    )
    return {row[0]: row[1] for row in (await conn.execute(query)).all()}


async def reactions(
    conn: AsyncConnection, target_ids: Sequence[UUID], viewer_id: UUID | None
) -> dict[UUID, ReactionTally]:
    """Counts per kind for each target, and which kinds the viewer added."""
    t = reaction_table
    mine: Any = func.sum(case((t.c.member_id == viewer_id, 1), else_=0))
    query = (
        select(t.c.target_id, t.c.kind, func.count(), mine)
        .where(t.c.target_id.in_(list(set(target_ids))))
        .group_by(t.c.target_id, t.c.kind)
    )
    tallies: dict[UUID, ReactionTally] = defaultdict(lambda: ReactionTally({}, []))
    for target_id, kind, count, viewer_count in (await conn.execute(query)).all():
        tally = tallies[target_id]
        tally.counts[kind] = count
        if viewer_count:
            tally.mine.append(kind)
    return tallies


async def latest_replies(
    conn: AsyncConnection, post_ids: Sequence[UUID], n: int
) -> dict[UUID, list[Any]]:
    """The ``n`` newest visible replies of each post, newest first, with authors."""
    r = reply_table
    rank: Any = (
        func.row_number()
        .over(partition_by=r.c.post_id, order_by=(r.c.created_at.desc(), r.c.id.desc()))
        .label("rank")
    )
    inner = (
        select(r, *_AUTHOR_COLUMNS, rank)
        .join(member_table, member_table.c.id == r.c.author_id)
        .where(r.c.post_id.in_(list(set(post_ids))), r.c.removed_at.is_(None))
        .subquery()
    )
    query = select(inner).where(inner.c.rank <= n).order_by(inner.c.post_id, inner.c.rank)
    grouped: dict[UUID, list[Any]] = defaultdict(list)
    for row in (await conn.execute(query)).mappings().all():
        grouped[row["post_id"]].append(row)
    return grouped


async def replies_page(
    conn: AsyncConnection, post_id: UUID, first: int, after: Keyset | None
) -> Sequence[Any]:
    """Up to ``first + 1`` replies of one post, oldest first (tombstones included)."""
    r = reply_table
    query = (
        select(r, *_AUTHOR_COLUMNS)
        .join(member_table, member_table.c.id == r.c.author_id)
        .where(r.c.post_id == post_id)
    )
    if after is not None:
        query = query.where(tuple_(r.c.created_at, r.c.id) > tuple_(*after))
    query = query.order_by(r.c.created_at, r.c.id).limit(first + 1)
    return (await conn.execute(query)).mappings().all()


async def replies_by_ids(conn: AsyncConnection, ids: Sequence[UUID]) -> Sequence[Any]:
    r = reply_table
    query = select(r, *_AUTHOR_COLUMNS).join(member_table, member_table.c.id == r.c.author_id)
    return (await conn.execute(query.where(r.c.id.in_(list(set(ids)))))).mappings().all()


async def reaction_rows(
    conn: AsyncConnection, target_ids: Sequence[UUID]
) -> list[tuple[UUID, UUID, str]]:
    """Every (target, member, kind) of these targets: one read serves many viewers."""
    t = reaction_table
    query = select(t.c.target_id, t.c.member_id, t.c.kind).where(
        t.c.target_id.in_(list(set(target_ids)))
    )
    return [(row[0], row[1], row[2]) for row in (await conn.execute(query)).all()]


def tally_for(
    rows: Sequence[tuple[UUID, UUID, str]], target_id: UUID, viewer_id: UUID
) -> ReactionTally:
    tally = ReactionTally({}, [])
    for target, member, kind in rows:
        if target == target_id:
            tally.counts[kind] = tally.counts.get(kind, 0) + 1
            if member == viewer_id:
                tally.mine.append(kind)
    return tally
