"""Set-based reads behind circles' feeds and threads.

A feed page costs a fixed number of statements whatever its size: the page with
its authors and reply counts, the reactions of every post (and reply) on it, and
the latest replies of every post with their authors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.reads.statements import fetch, ids_in, ids_not_in, param, per_dialect, unique
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


def _reply_count(pg: bool) -> Any:
    """Replies the viewer can see: not removed, not by anyone in ``hidden`` (blocks)."""
    r = reply_table
    return (
        select(func.count())
        .where(
            r.c.post_id == post_table.c.id,
            r.c.removed_at.is_(None),
            ids_not_in(r.c.author_id, "hidden", pg),
        )
        .scalar_subquery()
        .label("reply_count")
    )


def _keyset(table: Any) -> Any:
    """The ``after`` cursor's (created_at, id), typed like the columns."""
    return tuple_(param("after_at", table.c.created_at), param("after_id", table.c.id))


def _posts(pg: bool) -> Any:
    """Posts with authors and visible reply counts, leaving out the ``hidden`` authors'."""
    p = post_table
    columns: list[Any] = [p, *_AUTHOR_COLUMNS, _reply_count(pg)]
    return (
        select(*columns)
        .join(member_table, member_table.c.id == p.c.author_id)
        .where(ids_not_in(p.c.author_id, "hidden", pg))
    )


def _page_statements(
    table: Any, parent: str, newest_first: bool, base: Callable[[bool], Any]
) -> dict[bool, Callable[[AsyncConnection], Any]]:
    """Keyset-paged children of one parent, without and with an ``after`` cursor."""

    def build(after: bool) -> Callable[[bool], Any]:
        def statement(postgresql: bool) -> Any:
            t = table
            query = base(postgresql).where(t.c[parent] == param(parent, t.c[parent]))
            key = tuple_(t.c.created_at, t.c.id)
            if after:
                query = query.where(key < _keyset(t) if newest_first else key > _keyset(t))
            order = (t.c.created_at, t.c.id)
            if newest_first:
                order = (t.c.created_at.desc(), t.c.id.desc())
            return query.order_by(*order).limit(bindparam("limit"))

        return statement

    return {False: per_dialect(build(False)), True: per_dialect(build(True))}


async def _page(
    conn: AsyncConnection,
    statements: dict[bool, Callable[[AsyncConnection], Any]],
    params: dict[str, Any],
    first: int,
    after: Keyset | None,
) -> Sequence[Any]:
    params["limit"] = first + 1
    if after is not None:
        params["after_at"], params["after_id"] = after
    return await fetch(conn, statements[after is not None](conn), params)


_POSTS_PAGE = _page_statements(post_table, "circle_id", True, _posts)


def visible_posts(pg: bool) -> Any:
    """Posts with authors and visible reply counts, leaving out the authors in the
    ``hidden`` parameter (for other lists of posts, such as domain.support's)."""
    return _posts(pg)


Hidden = frozenset[UUID] | set[UUID]
"""Authors whose content the viewer must not see (``ViewerFilters.hidden_authors``)."""


async def posts_page(
    conn: AsyncConnection, circle_id: UUID, first: int, after: Keyset | None, hidden: Hidden
) -> Sequence[Any]:
    """Up to ``first + 1`` posts, newest first, with authors and reply counts."""
    params = {"circle_id": circle_id, "hidden": list(hidden)}
    return await _page(conn, _POSTS_PAGE, params, first, after)


_POSTS_BY_IDS = per_dialect(lambda pg: _posts(pg).where(ids_in(post_table.c.id, "ids", pg)))


async def posts_by_ids(
    conn: AsyncConnection, ids: Sequence[UUID], hidden: Hidden = frozenset()
) -> Sequence[Any]:
    params = {"ids": unique(ids), "hidden": list(hidden)}
    return await fetch(conn, _POSTS_BY_IDS(conn), params)


def _reactions(pg: bool) -> Any:
    t = reaction_table
    mine: Any = func.sum(case((t.c.member_id == param("viewer_id", t.c.member_id), 1), else_=0))
    return (
        select(t.c.target_id, t.c.kind, func.count(), mine)
        .where(ids_in(t.c.target_id, "ids", pg), ids_not_in(t.c.member_id, "hidden", pg))
        .group_by(t.c.target_id, t.c.kind)
    )


_REACTIONS = per_dialect(_reactions)


async def reactions(
    conn: AsyncConnection, target_ids: Sequence[UUID], viewer_id: UUID | None, hidden: Hidden
) -> dict[UUID, ReactionTally]:
    """Counts per kind for each target (leaving out the ``hidden`` members'
    reactions), and which kinds the viewer added."""
    params = {"ids": unique(target_ids), "viewer_id": viewer_id, "hidden": list(hidden)}
    tallies: dict[UUID, ReactionTally] = defaultdict(lambda: ReactionTally({}, []))
    rows = await fetch(conn, _REACTIONS(conn), params, tuples=True)
    for target_id, kind, count, viewer_count in rows:
        tally = tallies[target_id]
        tally.counts[kind] = count
        if viewer_count:
            tally.mine.append(kind)
    return tallies


def _latest_replies(pg: bool) -> Any:
    r = reply_table
    rank: Any = (
        func.row_number()
        .over(partition_by=r.c.post_id, order_by=(r.c.created_at.desc(), r.c.id.desc()))
        .label("rank")
    )
    inner = (
        select(r, *_AUTHOR_COLUMNS, rank)
        .join(member_table, member_table.c.id == r.c.author_id)
        .where(
            ids_in(r.c.post_id, "ids", pg),
            r.c.removed_at.is_(None),
            ids_not_in(r.c.author_id, "hidden", pg),
        )
        .subquery()
    )
    return (
        select(inner).where(inner.c.rank <= bindparam("n")).order_by(inner.c.post_id, inner.c.rank)
    )


_LATEST_REPLIES = per_dialect(_latest_replies)


async def latest_replies(
    conn: AsyncConnection, post_ids: Sequence[UUID], n: int, hidden: Hidden
) -> dict[UUID, list[Any]]:
    """The ``n`` newest visible replies of each post, newest first, with authors."""
    params = {"ids": unique(post_ids), "n": n, "hidden": list(hidden)}
    grouped: dict[UUID, list[Any]] = defaultdict(list)
    for row in await fetch(conn, _LATEST_REPLIES(conn), params):
        grouped[row["post_id"]].append(row)
    return grouped


def _replies(pg: bool) -> Any:
    r = reply_table
    return (
        select(r, *_AUTHOR_COLUMNS)
        .join(member_table, member_table.c.id == r.c.author_id)
        .where(ids_not_in(r.c.author_id, "hidden", pg))
    )


_REPLIES_PAGE = _page_statements(reply_table, "post_id", False, _replies)


async def replies_page(
    conn: AsyncConnection, post_id: UUID, first: int, after: Keyset | None, hidden: Hidden
) -> Sequence[Any]:
    """Up to ``first + 1`` replies of one post, oldest first (tombstones included)."""
    params = {"post_id": post_id, "hidden": list(hidden)}
    return await _page(conn, _REPLIES_PAGE, params, first, after)


_REPLIES_BY_IDS = per_dialect(lambda pg: _replies(pg).where(ids_in(reply_table.c.id, "ids", pg)))


async def replies_by_ids(
    conn: AsyncConnection, ids: Sequence[UUID], hidden: Hidden = frozenset()
) -> Sequence[Any]:
    params = {"ids": unique(ids), "hidden": list(hidden)}
    return await fetch(conn, _REPLIES_BY_IDS(conn), params)


_REACTION_ROWS = per_dialect(
    lambda pg: select(
        reaction_table.c.target_id, reaction_table.c.member_id, reaction_table.c.kind
    ).where(ids_in(reaction_table.c.target_id, "ids", pg))
)


async def reaction_rows(
    conn: AsyncConnection, target_ids: Sequence[UUID]
) -> list[tuple[UUID, UUID, str]]:
    """Every (target, member, kind) of these targets: one read serves many viewers."""
    rows = await fetch(conn, _REACTION_ROWS(conn), {"ids": unique(target_ids)}, tuples=True)
    return [(row[0], row[1], row[2]) for row in rows]


def tally_for(
    rows: Sequence[tuple[UUID, UUID, str]],
    target_id: UUID,
    viewer_id: UUID,
    hidden: Hidden = frozenset(),
) -> ReactionTally:
    tally = ReactionTally({}, [])
    for target, member, kind in rows:
        if target == target_id and member not in hidden:
            tally.counts[kind] = tally.counts.get(kind, 0) + 1
            if member == viewer_id:
                tally.mine.append(kind)
    return tally
