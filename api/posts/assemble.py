"""Builds Post and Reply objects from set-based reads (no per-field queries)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache, partial
from typing import Any
from uuid import UUID

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from api.members.types import MemberType
from api.node import register_node, to_global_id
from api.pagination import Connection, connection, decode_cursor, page_size
from api.posts.types import ContentWarning, PostType, ReactionCount, ReplyType
from domain.moderation.model import NO_FILTERS, ViewerFilters
from domain.moderation.visibility import folded_reason, muted_in
from domain.posts.model import ReactionKind
from domain.safety.visibility import is_sensitive
from infra.db.mapping import topics_from_text
from infra.db.reads import feed
from infra.db.reads.circles import memberships_of

KINDS = tuple(ReactionKind)
EMPTY = feed.ReactionTally({}, [])


def viewer_kinds(tally: feed.ReactionTally) -> list[ReactionKind]:
    """The viewer's own reactions, in the fixed kind order."""
    return [k for k in KINDS if k.value in tally.mine]


@lru_cache(maxsize=2048)
def _count(kind: ReactionKind, count: int) -> ReactionCount:
    # Read-only once built, so every post with 2 hugs can share one object.
    return ReactionCount(kind=kind, count=count)


def reaction_counts(tally: feed.ReactionTally) -> list[ReactionCount]:
    counts = tally.counts
    return [_count(k, counts.get(k.value, 0)) for k in KINDS]


def _author(row: Mapping[str, Any], viewer_id: UUID) -> MemberType | None:
    if row["anonymous"] or row["removed_at"] is not None:
        return None
    return MemberType.public(
        row["author_id"],
        row["author_name"],
        row["author_pronouns"],
        row["author_bio"],
        row["author_since"],
        viewer_id,
    )


def _hidden(row: Mapping[str, Any], mine: bool) -> tuple[bool, str | None, bool]:
    """(hidden by a moderator, the reason the author sees, the body is withheld)."""
    hidden = row["hidden_at"] is not None
    return hidden, row["hidden_reason"] if hidden and mine else None, hidden and not mine


def build_reply(row: Mapping[str, Any], viewer_id: UUID, tally: feed.ReactionTally) -> ReplyType:
    removed = row["removed_at"] is not None
    mine = row["author_id"] == viewer_id
    hidden, reason, withheld = _hidden(row, mine)
    return ReplyType(
        id=to_global_id("Reply", row["id"]),
        body=None if removed or withheld else row["body"],
        created_at=row["created_at"],
        edited_at=row["edited_at"],
        is_removed=removed,
        is_anonymous=row["anonymous"],
        is_mine=mine,
        author=_author(row, viewer_id),
        reaction_counts=reaction_counts(tally),
        viewer_reactions=viewer_kinds(tally),
        sensitive=is_sensitive(row["risk_level"], removed),
        risk_level=row["risk_level"],
        is_hidden=hidden,
        hidden_reason=reason,
        post_id=row["post_id"],
        circle_id=row["circle_id"],
    )


def build_post(
    row: Mapping[str, Any],
    viewer_id: UUID,
    tally: feed.ReactionTally,
    replies: list[ReplyType] | None,
    filters: ViewerFilters = NO_FILTERS,
    reply_count: int | None = None,
) -> PostType:
    removed = row["removed_at"] is not None
    mine = row["author_id"] == viewer_id
    hidden, reason, withheld = _hidden(row, mine)
    warning = None
    muted: list[Any] = []
    if not (removed or withheld) and (row["cw_topics"] is not None or row["cw_note"] is not None):
        topics = topics_from_text(row["cw_topics"])
        warning = ContentWarning(topics=list(topics), note=row["cw_note"])
        muted = muted_in(filters, topics)
    return PostType(
        id=to_global_id("Post", row["id"]),
        body=None if removed or withheld else row["body"],
        content_warning=warning,
        created_at=row["created_at"],
        edited_at=row["edited_at"],
        is_removed=removed,
        is_anonymous=row["anonymous"],
        is_mine=mine,
        author=_author(row, viewer_id),
        reply_count=row.get("reply_count", 0) if reply_count is None else reply_count,
        reaction_counts=reaction_counts(tally),
        viewer_reactions=viewer_kinds(tally),
        sensitive=is_sensitive(row["risk_level"], removed),
        risk_level=row["risk_level"],
        is_hidden=hidden,
        hidden_reason=reason,
        folded=bool(muted),
        folded_reason=folded_reason(muted),
        prefetched_replies=replies,
        raw_id=row["id"],
        circle_id=row["circle_id"],
    )


def latest_replies_wanted(info: strawberry.Info) -> int:
    """How many latest replies the operation asks for under this field (0: none)."""
    wanted = 0
    stack: list[Any] = list(info.selected_fields)
    while stack:
        item = stack.pop()
        if isinstance(item, SelectedField) and item.name == "latestReplies":
            wanted = max(wanted, min(max(int(item.arguments.get("first", 3)), 1), 10))
        if isinstance(item, SelectedField | FragmentSpread | InlineFragment):
            stack.extend(item.selections)
    return wanted


async def assemble_posts(
    info: strawberry.Info,
    conn: AsyncConnection,
    viewer_id: UUID,
    rows: Sequence[Mapping[str, Any]],
    filters: ViewerFilters,
) -> list[PostType]:
    """Posts with reactions and (when asked for) latest replies: 1 + 1 statements."""
    n = latest_replies_wanted(info)
    hidden = filters.hidden_authors
    post_ids = [row["id"] for row in rows]
    replies = await feed.latest_replies(conn, post_ids, n, hidden) if n and post_ids else {}
    reply_ids = [r["id"] for rs in replies.values() for r in rs]
    tallies = await feed.reactions(conn, post_ids + reply_ids, viewer_id, hidden) if rows else {}
    posts = []
    for row in rows:
        prefetched = None
        if n:
            prefetched = [
                build_reply(r, viewer_id, tallies.get(r["id"], EMPTY))
                for r in replies.get(row["id"], [])
            ]
        post = build_post(row, viewer_id, tallies.get(row["id"], EMPTY), prefetched, filters)
        if prefetched is None:  # not asked for here; a fragment elsewhere could still ask
            post.replies_loader = partial(latest_replies_for, info, post)
        posts.append(post)
    return posts


async def _readable(
    conn: AsyncConnection, viewer_id: UUID, circle_ids: Sequence[UUID]
) -> set[UUID]:
    """The circles among these where the viewer is an ACTIVE member."""
    memberships = await memberships_of(conn, viewer_id, circle_ids)
    return {cid for cid, m in memberships.items() if m.is_active}


async def _tallies(
    conn: AsyncConnection, rows: Sequence[Mapping[str, Any]], viewer_id: UUID, hidden: feed.Hidden
) -> dict[UUID, feed.ReactionTally]:
    if not rows:
        return {}
    return await feed.reactions(conn, [r["id"] for r in rows], viewer_id, hidden)


@register_node("Post")
async def resolve_posts(info: strawberry.Info, ids: list[UUID]) -> list[PostType | None]:
    ctx = info.context
    viewer = await ctx.member_or_none()
    if viewer is None:
        return [None] * len(ids)
    filters = await ctx.filters()
    async with ctx.services.reads() as conn:
        rows = await feed.posts_by_ids(conn, ids, filters.hidden_authors)
        allowed = await _readable(conn, viewer.id, [r["circle_id"] for r in rows])
        readable = [r for r in rows if r["circle_id"] in allowed]
        assembled = await assemble_posts(info, conn, viewer.id, readable, filters)
        posts = {p.raw_id: p for p in assembled}
    return [posts.get(i) for i in ids]


@register_node("Reply")
async def resolve_replies(info: strawberry.Info, ids: list[UUID]) -> list[ReplyType | None]:
    ctx = info.context
    viewer = await ctx.member_or_none()
    if viewer is None:
        return [None] * len(ids)
    hidden = (await ctx.filters()).hidden_authors
    async with ctx.services.reads() as conn:
        found = await feed.replies_by_ids(conn, ids, hidden)
        allowed = await _readable(conn, viewer.id, [r["circle_id"] for r in found])
        rows = [r for r in found if r["circle_id"] in allowed]
        tallies = await _tallies(conn, rows, viewer.id, hidden)
    replies = {r["id"]: build_reply(r, viewer.id, tallies.get(r["id"], EMPTY)) for r in rows}
    return [replies.get(i) for i in ids]


async def latest_replies_for(info: strawberry.Info, post: PostType, n: int) -> list[ReplyType]:
    ctx = info.context
    viewer = await ctx.member()
    hidden = (await ctx.filters()).hidden_authors
    async with ctx.services.reads() as conn:
        rows = (await feed.latest_replies(conn, [post.raw_id], n, hidden)).get(post.raw_id, [])
        tallies = await _tallies(conn, rows, viewer.id, hidden)
    return [build_reply(r, viewer.id, tallies.get(r["id"], EMPTY)) for r in rows]


async def replies_connection(
    info: strawberry.Info, post: PostType, first: int | None, after: str | None
) -> Connection[ReplyType]:
    ctx = info.context
    viewer = await ctx.member()
    hidden = (await ctx.filters()).hidden_authors
    size = page_size(first)
    async with ctx.services.reads() as conn:
        cursor = decode_cursor("reply", after)
        rows = await feed.replies_page(conn, post.raw_id, size, cursor, hidden)
        tallies = await _tallies(conn, rows, viewer.id, hidden)
    page = rows[:size]
    replies = [build_reply(r, viewer.id, tallies.get(r["id"], EMPTY)) for r in page]
    keys = [(r["created_at"], r["id"]) for r in page]
    return connection("reply", replies, keys, len(rows) > size, after)
