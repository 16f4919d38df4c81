"""Posts and replies: the set-based reads behind circles' feeds and threads, and
``SqlPostReads``, the implementation of ``domain.posts.reads.PostReads``.

A feed page costs a fixed number of statements whatever its size: the page with
its authors, reply counts and reaction tallies, and the latest replies of every
post with their authors and reaction tallies. Rows are mapped to
``domain.posts.reads.Message`` here and never leave this module; what a viewer
sees of them is decided by ``domain.posts.reads`` (``post_view``, ``reply_view``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Integer,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, array
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.moderation.model import ViewerFilters
from domain.posts.model import ContentWarning
from domain.posts.reads import (
    KINDS,
    AuthorView,
    Hidden,
    Keyset,
    Message,
    Page,
    PostSnapshot,
    PostView,
    Reaction,
    ReactionsSnapshot,
    ReactionTally,
    Rendered,
    ReplySnapshot,
    ReplyView,
    Shape,
    Wanted,
    post_view,
    readable_circles,
    reply_view,
    tally_of,
)
from infra.db.mapping import warning_from_row
from infra.db.reads import moderation as moderation_reads
from infra.db.reads.circles import memberships_of
from infra.db.reads.rendered import render
from infra.db.reads.statements import (
    fetch,
    id_rows,
    ids_in,
    ids_not_in,
    param,
    per_dialect,
    unique,
)
from infra.db.tables.members import member_table
from infra.db.tables.posts import post_table, reaction_table, reply_table

_AUTHOR_COLUMNS = (
    member_table.c.display_name.label("author_name"),
    member_table.c.pronouns.label("author_pronouns"),
    member_table.c.bio.label("author_bio"),
    member_table.c.created_at.label("author_since"),
)


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


def _tally(target_id: Any, pg: bool) -> Any:
    """The reactions to ``target_id`` as ``domain.posts.reads.tally_of`` reads them:
    the count of each kind in ``KINDS`` order, then the viewer's (``viewer_id``) own,
    leaving out the ``hidden`` members' reactions. One subquery per row through the
    reaction's primary key (target first), instead of a statement of its own: an
    array on PostgreSQL, a JSON array on SQLite (``tally_in`` reads either)."""
    t = reaction_table.alias("rx")
    viewer = t.c.member_id == param("viewer_id", t.c.member_id)
    counts = [func.count().filter(t.c.kind == kind.value) for kind in KINDS]
    sent = [func.count().filter(and_(t.c.kind == kind.value, viewer)) for kind in KINDS]
    vector = array([*counts, *sent]) if pg else func.json_array(*counts, *sent)
    return (
        select(vector)
        .where(t.c.target_id == target_id, ids_not_in(t.c.member_id, "hidden", pg))
        .scalar_subquery()
        .label("tally")
    )


def tally_in(row: Mapping[str, Any]) -> ReactionTally:
    """The ``tally`` column of a row read with ``_tally``."""
    vector = row["tally"]
    return tally_of(json.loads(vector) if isinstance(vector, str) else vector)


def _keyset(table: Any) -> Any:
    """The ``after`` cursor's (created_at, id), typed like the columns."""
    return tuple_(param("after_at", table.c.created_at), param("after_id", table.c.id))


def _posts(pg: bool) -> Any:
    """Posts with authors, visible reply counts and the ``viewer_id``'s reaction
    tallies, leaving out the ``hidden`` authors'."""
    p = post_table
    columns: list[Any] = [p, *_AUTHOR_COLUMNS, _reply_count(pg), _tally(p.c.id, pg)]
    return (
        select(*columns)
        .join(member_table, member_table.c.id == p.c.author_id)
        .where(ids_not_in(p.c.author_id, "hidden", pg))
    )


def _by_ids(table: Any, base: Callable[[bool], Any], pg: bool) -> Any:
    """``base`` for the rows of these ids (on PostgreSQL, starting from the ids)."""
    if pg:
        wanted = id_rows(table.c.id, "ids", "wanted")
        return base(pg).join(wanted, wanted.c.id == table.c.id)
    return base(pg).where(ids_in(table.c.id, "ids", pg))


PageStatement = Callable[[AsyncConnection, bool, int], Any]
"""``(connection, after a cursor?, LIMIT)`` -> the page's statement."""


def _page_statements(
    table: Any, parent: str, newest_first: bool, base: Callable[[bool], Any]
) -> PageStatement:
    """Keyset-paged children of one parent, without and with an ``after`` cursor, one
    statement per page size: the LIMIT is written in the SQL, not a parameter. With
    ``LIMIT $n`` PostgreSQL judged every plan made without the parameters' values too
    costly (it assumes a tenth of the rows) and planned the prepared statement again
    on every execution: 0.90 ms of its CPU per feed page, against 0.38 ms on the plan
    it now keeps (``tests/integration/test_read_plans.py``). Limits are 2 to 51
    (``first`` + 1), so a table's pages have at most 100 statements per dialect, with
    and without a cursor; apps ask for a few page sizes, and asyncpg keeps each
    connection's ``HEARTH_DB_STATEMENT_CACHE`` (100) most recent statements prepared."""
    built: dict[tuple[str, bool, int], Any] = {}

    def build(postgresql: bool, after: bool, limit: int) -> Any:
        t = table
        query = base(postgresql).where(t.c[parent] == param(parent, t.c[parent]))
        key = tuple_(t.c.created_at, t.c.id)
        if after:
            query = query.where(key < _keyset(t) if newest_first else key > _keyset(t))
        order = (t.c.created_at, t.c.id)
        if newest_first:
            order = (t.c.created_at.desc(), t.c.id.desc())
        return query.order_by(*order).limit(literal_column(str(int(limit)), Integer))

    def statement(conn: AsyncConnection, after: bool, limit: int) -> Any:
        key = (conn.dialect.name, after, limit)
        found = built.get(key)
        if found is None:
            found = built[key] = build(key[0] == "postgresql", after, limit)
        return found

    return statement


async def _page(
    conn: AsyncConnection,
    statement: PageStatement,
    params: dict[str, Any],
    first: int,
    after: Keyset | None,
) -> Sequence[Any]:
    if after is not None:
        params["after_at"], params["after_id"] = after
    return await fetch(conn, statement(conn, after is not None, first + 1), params)


def visible_posts(pg: bool) -> Any:
    """Posts with authors, visible reply counts and reaction tallies, leaving out the
    authors in the ``hidden`` parameter (for other lists of posts, such as
    domain.support's; it takes ``viewer_id`` and ``hidden``)."""
    return _posts(pg)


def _latest_replies(pg: bool) -> Any:
    r = reply_table
    if pg:
        # per post, its newest n through ix_reply_post_thread (not all its replies)
        posts = id_rows(r.c.post_id, "ids", "wanted")
        newest = (
            select(r)
            .where(
                r.c.post_id == posts.c.id,
                r.c.removed_at.is_(None),
                ids_not_in(r.c.author_id, "hidden", pg),
            )
            .order_by(r.c.created_at.desc(), r.c.id.desc())
            .limit(bindparam("n"))
            .lateral("newest")
        )
        return (
            select(newest, *_AUTHOR_COLUMNS, _tally(newest.c.id, pg))
            .select_from(posts)
            .join(newest, true())
            .join(member_table, member_table.c.id == newest.c.author_id)
            .order_by(newest.c.post_id, newest.c.created_at.desc(), newest.c.id.desc())
        )
    rank: Any = (
        func.row_number()
        .over(partition_by=r.c.post_id, order_by=(r.c.created_at.desc(), r.c.id.desc()))
        .label("rank")
    )
    inner = (
        select(r, *_AUTHOR_COLUMNS, _tally(r.c.id, pg), rank)
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
    conn: AsyncConnection, post_ids: Sequence[UUID], n: int, viewer_id: UUID, hidden: Hidden
) -> dict[UUID, list[Any]]:
    """The ``n`` newest visible replies of each post, newest first, with authors and
    reaction tallies."""
    params = {"ids": unique(post_ids), "n": n, "viewer_id": viewer_id, "hidden": list(hidden)}
    grouped: dict[UUID, list[Any]] = defaultdict(list)
    for row in await fetch(conn, _LATEST_REPLIES(conn), params):
        grouped[row["post_id"]].append(row)
    return grouped


def _replies(pg: bool) -> Any:
    r = reply_table
    return (
        select(r, *_AUTHOR_COLUMNS, _tally(r.c.id, pg))
        .join(member_table, member_table.c.id == r.c.author_id)
        .where(ids_not_in(r.c.author_id, "hidden", pg))
    )


class _Messages:
    """Posts or replies, with their authors: a keyset page of one parent's (``parent``,
    the column naming it), or some by id. ``base`` is the select with authors that
    leaves out the ``hidden`` authors."""

    def __init__(
        self,
        table: Any,
        parent: str,
        newest_first: bool,
        base: Callable[[bool], Any],
        type_name: str,
    ) -> None:
        self._parent = parent
        self._newest_first = newest_first
        self._type_name = type_name
        self.statement = _page_statements(table, parent, newest_first, base)
        self._by_ids = per_dialect(lambda pg: _by_ids(table, base, pg))
        # One id (a mutation's payload, a node) is compared with `=`: from `unnest` of a
        # list of one, PostgreSQL planned the statement again on every run.
        one = bindparam("id", type_=table.c.id.type)
        self._by_id = per_dialect(lambda pg: base(pg).where(table.c.id == one))

    async def page(
        self,
        conn: AsyncConnection,
        parent_id: UUID,
        first: int,
        after: Keyset | None,
        viewer_id: UUID | None,
        hidden: Hidden,
    ) -> Sequence[Any]:
        """Up to ``first + 1`` rows (one more says that there is a next page)."""
        params = {self._parent: parent_id, "viewer_id": viewer_id, "hidden": list(hidden)}
        return await _page(conn, self.statement, params, first, after)

    async def rendered(
        self,
        conn: AsyncConnection,
        parent_id: UUID,
        first: int,
        after: Keyset | None,
        viewer_id: UUID,
        hidden: Hidden,
        shape: Shape,
    ) -> Page[Rendered] | None:
        """A page rendered to JSON by PostgreSQL (``_rendered``); None elsewhere, or
        for a shape with a field it does not render."""
        if conn.dialect.name != "postgresql":
            return None
        page = self.statement(conn, after is not None, first + 1)
        statement = _rendering(page, first, shape, self._type_name, self._newest_first)
        if statement is None:
            return None
        params = {self._parent: parent_id, "viewer_id": viewer_id, "hidden": list(hidden)}
        if after is not None:
            params["after_at"], params["after_id"] = after
        rows = await fetch(conn, statement, params, tuples=True)
        return Page([Rendered(*row[:3]) for row in rows], bool(rows) and rows[0][3] > first)

    async def by_ids(
        self,
        conn: AsyncConnection,
        ids: Sequence[UUID],
        viewer_id: UUID | None = None,
        hidden: Hidden = frozenset(),
    ) -> Sequence[Any]:
        wanted = unique(ids)
        params = {"viewer_id": viewer_id, "hidden": list(hidden)}
        if len(wanted) == 1:
            return await fetch(conn, self._by_id(conn), params | {"id": wanted[0]})
        return await fetch(conn, self._by_ids(conn), params | {"ids": wanted})


_POSTS = _Messages(post_table, "circle_id", True, _posts, "Post")
"""A circle's posts, newest first, with authors and reply counts."""
_REPLIES = _Messages(reply_table, "post_id", False, _replies, "Reply")
"""A post's replies, oldest first (tombstones included), with authors."""


_REACTION_ROWS = per_dialect(
    lambda pg: select(
        reaction_table.c.target_id, reaction_table.c.member_id, reaction_table.c.kind
    ).where(ids_in(reaction_table.c.target_id, "ids", pg))
)


async def reaction_rows(conn: AsyncConnection, target_ids: Sequence[UUID]) -> list[Reaction]:
    """Every (target, member, kind) of these targets: one read serves many viewers."""
    rows = await fetch(conn, _REACTION_ROWS(conn), {"ids": unique(target_ids)}, tuples=True)
    return [(row[0], row[1], row[2]) for row in rows]


def _author(row: Mapping[str, Any]) -> AuthorView:
    return AuthorView(
        row["author_id"],
        row["author_name"],
        row["author_pronouns"],
        row["author_bio"],
        row["author_since"],
    )


def post_message(row: Mapping[str, Any]) -> Message:
    """A post's row, with its author's columns."""
    return _message(row, None, warning_from_row(row))


def reply_message(row: Mapping[str, Any]) -> Message:
    """A reply's row, with its author's columns."""
    return _message(row, row["post_id"], None)


def _message(
    row: Mapping[str, Any], post_id: UUID | None, warning: ContentWarning | None
) -> Message:
    return Message(
        row["id"],
        row["circle_id"],
        post_id,
        _author(row),
        row["anonymous"],
        row["body"],
        warning,
        row["created_at"],
        row["edited_at"],
        row["removed_at"] is not None,
        row["risk_level"],
        row["hidden_at"] is not None,
        row["hidden_reason"],
    )


def _replies_of(rows: Sequence[Mapping[str, Any]], viewer_id: UUID) -> list[ReplyView]:
    """Replies read with their tallies (``_tally``), as ``viewer_id`` sees them."""
    return [reply_view(reply_message(r), viewer_id, tally_in(r)) for r in rows]


async def post_views(
    conn: AsyncConnection,
    rows: Sequence[Mapping[str, Any]],
    viewer_id: UUID,
    filters: ViewerFilters,
    latest: int,
) -> list[PostView]:
    """Posts read with ``visible_posts`` as ``viewer_id`` sees them (their tallies
    included), with (``latest`` > 0) their ``latest`` newest replies: one statement."""
    hidden = filters.hidden_authors
    post_ids = [row["id"] for row in rows]
    replies = (
        await latest_replies(conn, post_ids, latest, viewer_id, hidden)
        if latest and post_ids
        else {}
    )
    views = []
    for row in rows:
        prefetched = None
        if latest:
            prefetched = tuple(_replies_of(replies.get(row["id"], ()), viewer_id))
        m = post_message(row)
        views.append(
            post_view(m, viewer_id, filters, tally_in(row), row["reply_count"], prefetched)
        )
    return views


def _rendered(page: Any, first: int, shape: Shape, type_name: str, newest_first: bool) -> Any:
    """The statement that renders a page's posts (``type_name`` "Post") or replies
    ("Reply") as ``shape`` asks, on top of the page statement ``page``
    (``infra.db.reads.rendered``): (created_at, id, JSON text, how many rows the page
    statement found) for its ``first`` items, in its order; None when the shape has a
    field it does not render. The page statement reads one more row than the page, to
    tell whether more follow; that row is counted, not rendered (PostgreSQL computes a
    row's output only when the LIMIT above pulls it)."""
    p = page.subquery("p")
    viewer = bindparam("viewer_id", type_=post_table.c.author_id.type)

    def replies(post_id: Any, want: Wanted) -> Any | None:
        r = reply_table
        assert want.of is not None
        assert want.first is not None
        newest = (
            _replies(True)
            .where(r.c.post_id == post_id, r.c.removed_at.is_(None))
            .order_by(r.c.created_at.desc(), r.c.id.desc())
            .limit(literal_column(str(int(want.first)), Integer))
            .correlate(p)
            .subquery("lr")
        )
        node = render(newest, viewer, "Reply", want.of, lambda *_: None)
        if node is None:
            return None
        ordered = aggregate_order_by(node, newest.c.created_at.desc(), newest.c.id.desc())
        listed = func.coalesce(func.json_agg(ordered), literal_column("'[]'::json"))
        return select(listed).select_from(newest).scalar_subquery()

    node = render(p, viewer, type_name, shape, replies)
    if node is None:
        return None
    order = (p.c.created_at, p.c.id)
    if newest_first:
        order = (p.c.created_at.desc(), p.c.id.desc())
    found = func.count().over()
    return (
        select(p.c.created_at, p.c.id, cast(node, Text), found)
        .order_by(*order)
        .limit(literal_column(str(int(first)), Integer))
    )


_RENDERED: dict[tuple[int, Shape], Any] = {}
"""Rendering statements by (page statement, shape); None for a shape that cannot be
rendered. Bounded by ``_RENDERED_LIMIT``: shapes come from known documents."""
_RENDERED_LIMIT = 256


def _rendering(
    page: Any, first: int, shape: Shape, type_name: str = "Post", newest_first: bool = True
) -> Any | None:
    """``_rendered``, built once per page statement (one per page size and cursor) and
    shape."""
    key = (id(page), shape)
    if key in _RENDERED:
        return _RENDERED[key]
    if len(_RENDERED) >= _RENDERED_LIMIT:
        _RENDERED.clear()
    found = _RENDERED[key] = _rendered(page, first, shape, type_name, newest_first)
    return found


Connect = Callable[[], AbstractAsyncContextManager[AsyncConnection]]
"""``Services.reads``: a pooled connection without a transaction of its own."""


class SqlPostReads:
    """``domain.posts.reads.PostReads`` over the database: one connection per question."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    async def feed_page(
        self,
        viewer_id: UUID,
        circle_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
        latest_replies: int,
    ) -> Page[PostView]:
        async with self._connect() as conn:
            hidden = filters.hidden_authors
            rows = await _POSTS.page(conn, circle_id, first, after, viewer_id, hidden)
            views = await post_views(conn, rows[:first], viewer_id, filters, latest_replies)
        return Page(views, len(rows) > first)

    async def rendered_feed_page(
        self,
        viewer_id: UUID,
        circle_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
        shape: Shape,
    ) -> Page[Rendered] | None:
        hidden = filters.hidden_authors
        async with self._connect() as conn:
            return await _POSTS.rendered(conn, circle_id, first, after, viewer_id, hidden, shape)

    async def rendered_replies_page(
        self,
        viewer_id: UUID,
        post_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
        shape: Shape,
    ) -> Page[Rendered] | None:
        hidden = filters.hidden_authors
        async with self._connect() as conn:
            return await _REPLIES.rendered(conn, post_id, first, after, viewer_id, hidden, shape)

    async def posts(
        self, viewer_id: UUID, ids: Sequence[UUID], filters: ViewerFilters, latest_replies: int
    ) -> dict[UUID, PostView]:
        async with self._connect() as conn:
            rows = await _POSTS.by_ids(conn, ids, viewer_id, filters.hidden_authors)
            allowed = await _readable(conn, viewer_id, rows)
            readable = [r for r in rows if r["circle_id"] in allowed]
            views = await post_views(conn, readable, viewer_id, filters, latest_replies)
        return {v.message.id: v for v in views}

    async def replies(
        self, viewer_id: UUID, ids: Sequence[UUID], filters: ViewerFilters
    ) -> dict[UUID, ReplyView]:
        hidden = filters.hidden_authors
        async with self._connect() as conn:
            found = await _REPLIES.by_ids(conn, ids, viewer_id, hidden)
            allowed = await _readable(conn, viewer_id, found)
            rows = [r for r in found if r["circle_id"] in allowed]
        return {v.message.id: v for v in _replies_of(rows, viewer_id)}

    async def latest_replies(
        self, viewer_id: UUID, post_id: UUID, n: int, filters: ViewerFilters
    ) -> list[ReplyView]:
        hidden = filters.hidden_authors
        async with self._connect() as conn:
            rows = (await latest_replies(conn, [post_id], n, viewer_id, hidden)).get(post_id, [])
        return _replies_of(rows, viewer_id)

    async def replies_page(
        self,
        viewer_id: UUID,
        post_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
    ) -> Page[ReplyView]:
        hidden = filters.hidden_authors
        async with self._connect() as conn:
            rows = await _REPLIES.page(conn, post_id, first, after, viewer_id, hidden)
        return Page(_replies_of(rows[:first], viewer_id), len(rows) > first)

    async def post_snapshot(self, post_id: UUID) -> PostSnapshot | None:
        async with self._connect() as conn:
            rows = await _POSTS.by_ids(conn, [post_id])
            if not rows:
                return None
            found = await reaction_rows(conn, [post_id])
            repliers = await moderation_reads.visible_reply_authors(conn, post_id)
            people = [rows[0]["author_id"], *(r[1] for r in found), *repliers]
            pairs = await moderation_reads.block_pairs(conn, people)
        return PostSnapshot(post_message(rows[0]), tuple(found), tuple(pairs), tuple(repliers))

    async def reply_snapshot(self, reply_id: UUID) -> ReplySnapshot | None:
        async with self._connect() as conn:
            rows = await _REPLIES.by_ids(conn, [reply_id])
            if not rows:
                return None
            row = rows[0]
            found = await reaction_rows(conn, [reply_id])
            post = await moderation_reads.author_of(conn, row["post_id"])
            post_author = post[1] if post else None
            people = [r[1] for r in found] + [row["author_id"]]
            people += [post_author] if post_author else []
            pairs = await moderation_reads.block_pairs(conn, people)
        return ReplySnapshot(reply_message(row), tuple(found), tuple(pairs), post_author)

    async def reactions_snapshot(self, target_id: UUID) -> ReactionsSnapshot | None:
        async with self._connect() as conn:
            target = await moderation_reads.author_of(conn, target_id)
            if target is None:
                return None
            found = await reaction_rows(conn, [target_id])
            people = [r[1] for r in found] + [target[1]]
            pairs = await moderation_reads.block_pairs(conn, people)
        return ReactionsSnapshot(target[0], target[1], tuple(found), tuple(pairs))


async def _readable(
    conn: AsyncConnection, viewer_id: UUID, rows: Sequence[Mapping[str, Any]]
) -> set[UUID]:
    """The circles of these rows whose content the viewer reads (domain's rule)."""
    if not rows:
        return set()
    return readable_circles(await memberships_of(conn, viewer_id, [r["circle_id"] for r in rows]))
