"""Post and Reply objects from the views of ``domain.posts.reads``.

The reads (``info.context.services.post_reads``) decide what the viewer sees;
this module only translates views into GraphQL types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

import strawberry
from graphql import FieldNode, FragmentSpreadNode, GraphQLInt, Undefined, value_from_ast

from api.execution.internals import graphql_info
from api.node import register_node, to_global_id
from api.pagination import Connection, connection, decode_cursor, page_size
from api.posts.rendered import rendered_page
from api.posts.types import (
    ContentWarning,
    PostType,
    ReplyType,
    message_fields,
    reply_type,
)
from domain.moderation.model import ViewerFilters
from domain.posts.reads import PostView

T = TypeVar("T")
V = TypeVar("V")


def post_type(
    view: PostView, viewer_id: UUID | None, info: strawberry.Info | None = None
) -> PostType:
    """The Post of a view. Without prefetched replies, ``latestReplies`` loads them
    through ``info``'s services. ``viewer_id`` only tells whether a member shown is the
    viewer (``isViewer``): None for a viewer it does not show."""
    m = view.message
    warning = view.content_warning
    prefetched = None
    if view.latest_replies is not None:
        prefetched = [reply_type(r, viewer_id) for r in view.latest_replies]
    post = PostType(
        id=to_global_id("Post", m.id),
        content_warning=None
        if warning is None
        else ContentWarning(topics=list(warning.topics), note=warning.note),
        reply_count=view.reply_count,
        folded=view.folded_reason is not None,
        folded_reason=view.folded_reason,
        prefetched_replies=prefetched,
        raw_id=m.id,
        **message_fields(view, viewer_id),
    )
    if prefetched is None and info is not None:
        # Not asked for here; a fragment elsewhere could still ask.
        post.replies_loader = partial(latest_replies_for, info, post)
    return post


def post_types(info: strawberry.Info, views: Sequence[PostView], viewer_id: UUID) -> list[PostType]:
    return [post_type(v, viewer_id, info) for v in views]


def latest_replies_wanted(info: strawberry.Info) -> int:
    """How many latest replies the operation asks for under this field (0: none).

    It walks the field's AST (fragments, inline fragments, literal and variable
    arguments): ``info.selected_fields`` would convert the whole selection into
    Strawberry objects on every request, a tenth of a millisecond per feed."""
    raw, variables = graphql_info(info), info.variable_values
    wanted = 0
    stack: list[Any] = list(raw.field_nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, FragmentSpreadNode):
            found = raw.fragments.get(node.name.value)
            stack.extend(found.selection_set.selections if found else ())
            continue
        if isinstance(node, FieldNode) and node.name.value == "latestReplies":
            wanted = max(wanted, _first_argument(node, variables))
        if node.selection_set is not None:
            stack.extend(node.selection_set.selections)
    return wanted


def _first_argument(node: FieldNode, variables: dict[str, Any]) -> int:
    """``latestReplies``' ``first`` as its resolver bounds it (default 3, 1 to 10)."""
    value: Any = 3
    for argument in node.arguments or ():
        if argument.name.value == "first":
            given = value_from_ast(argument.value, GraphQLInt, variables)
            value = 3 if given is None or given is Undefined else given
    return min(max(int(value), 1), 10)


async def feed_page(
    info: strawberry.Info, circle_id: UUID, first: int | None, after: str | None
) -> Connection[PostType]:
    """A circle's posts (the caller checked that the viewer reads the circle)."""
    ctx = info.context
    size = page_size(first)
    viewer = await ctx.member()
    filters = await ctx.filters()
    cursor = decode_cursor("post", after)
    rendered = await rendered_page(
        info,
        "post",
        after,
        lambda shape: ctx.services.post_reads.rendered_feed_page(
            viewer.id, circle_id, filters, size, cursor, shape
        ),
    )
    if rendered is not None:
        return rendered  # type: ignore[no-any-return]
    wanted = latest_replies_wanted(info)
    page = await ctx.services.post_reads.feed_page(
        viewer.id, circle_id, filters, size, cursor, wanted
    )
    posts = post_types(info, page.items, viewer.id)
    keys = [(v.message.created_at, v.message.id) for v in page.items]
    return connection("post", posts, keys, page.has_more, after)


@register_node("Post")
async def resolve_posts(info: strawberry.Info, ids: list[UUID]) -> list[PostType | None]:
    reads, wanted = info.context.services.post_reads, latest_replies_wanted(info)
    return await _as_viewer_sees(
        info,
        ids,
        lambda viewer_id, filters: reads.posts(viewer_id, ids, filters, wanted),
        lambda view, viewer_id: post_type(view, viewer_id, info),
    )


@register_node("Reply")
async def resolve_replies(info: strawberry.Info, ids: list[UUID]) -> list[ReplyType | None]:
    reads = info.context.services.post_reads
    return await _as_viewer_sees(
        info, ids, lambda viewer_id, filters: reads.replies(viewer_id, ids, filters), reply_type
    )


async def _as_viewer_sees(
    info: strawberry.Info,
    ids: list[UUID],
    read: Callable[[UUID, ViewerFilters], Awaitable[Mapping[UUID, V]]],
    build: Callable[[V, UUID], T],
) -> list[T | None]:
    """The posts or replies of ``ids`` the viewer sees (None for the others, and for
    all of them before onboarding), in order."""
    ctx = info.context
    viewer = await ctx.member_or_none()
    if viewer is None:
        return [None] * len(ids)
    views = await read(viewer.id, await ctx.filters())
    built = {i: build(v, viewer.id) for i, v in views.items()}
    return [built.get(i) for i in ids]


async def latest_replies_for(info: strawberry.Info, post: PostType, n: int) -> list[ReplyType]:
    ctx = info.context
    viewer = await ctx.member()
    filters = await ctx.filters()
    views = await ctx.services.post_reads.latest_replies(viewer.id, post.raw_id, n, filters)
    return [reply_type(v, viewer.id) for v in views]
