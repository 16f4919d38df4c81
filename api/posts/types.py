"""GraphQL types for posts, replies and reactions.

Leaf fields are plain attributes filled in from ``domain.posts.reads`` views (here
and in ``api.posts.assemble``) read in a few set-based statements, so a feed page
costs a fixed number of statements. Anonymous
authorship never reaches these objects: ``author`` is None and only ``isMine``
tells the author it is theirs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.enums import ReactionKindEnum, RiskLevelEnum, TopicEnum  # noqa: F401 - registers the enums
from api.members.types import MemberType
from api.node import Node, load_node, to_global_id
from api.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.posts.rendered import rendered_page
from domain.circles.model import Topic
from domain.posts.model import ReactionKind
from domain.posts.reads import KINDS, AuthorView, PostView, ReactionTally, ReplyView
from domain.safety.model import RiskLevel
from domain.safety.visibility import risk_badge

if TYPE_CHECKING:
    from api.circles.types import CircleType


@strawberry.type(description="A content warning the author put on a post.")
class ContentWarning:
    topics: list[Topic] = strawberry.field(description="Topics the post touches on.")
    note: str | None = strawberry.field(description="The author's own words of warning.")


@strawberry.type(description="How many members sent one kind of reaction.")
class ReactionCount:
    kind: ReactionKind = strawberry.field(description="The kind of reaction.")
    count: int = strawberry.field(description="How many members sent it.")


_BADGE = (
    "For the circle's owner and moderators only: CONCERN or URGENT when Hearth's risk "
    "detector rated it so, as a badge for their moderation view. Null for everyone else, and "
    "when nothing was found. Moderators do not have to act alone: URGENT posts and replies "
    "also go to Hearth's safety team."
)


async def _badge(
    info: strawberry.Info, circle_id: UUID, level: int, removed: bool
) -> RiskLevel | None:
    if level < RiskLevel.CONCERN or removed:
        return None  # no read needed
    pair = await info.context.loaders.circle_by_id.load(circle_id)
    return risk_badge(level, removed, pair[1] if pair else None)


@strawberry.type(name="Reply", description="A reply to a post. Members of the circle only.")
class ReplyType(Node):
    body: str | None = strawberry.field(description="Plain text; null once removed.")
    created_at: datetime = strawberry.field(description="When it was written.")
    edited_at: datetime | None = strawberry.field(description="When it was last edited.")
    is_removed: bool = strawberry.field(
        description="True once the author or a moderator removed it."
    )
    is_anonymous: bool = strawberry.field(description="True when posted anonymously.")
    is_mine: bool = strawberry.field(
        description="True when the viewer wrote it (even anonymously)."
    )
    author: MemberType | None = strawberry.field(
        description="Who wrote it; null when anonymous (for every viewer) or removed."
    )
    reaction_counts: list[ReactionCount] = strawberry.field(
        description="Counts of each reaction kind, in a fixed order."
    )
    viewer_reactions: list[ReactionKind] = strawberry.field(description="Kinds the viewer sent.")
    sensitive: bool = strawberry.field(
        description="True when Hearth's risk detector rated it URGENT. Show it behind a gentle "
        "interstitial with the crisis lines (crisisResources); it is never hidden or removed "
        "for this."
    )
    is_hidden: bool = strawberry.field(
        default=False,
        description="True when a moderator hid it: readers see it as hidden by a moderator "
        "(no body); its author still sees it, with the reason.",
    )
    hidden_reason: str | None = strawberry.field(
        default=None, description="Why a moderator hid it. Only for its author; null otherwise."
    )
    post_id: strawberry.Private[UUID]
    circle_id: strawberry.Private[UUID]
    risk_level: strawberry.Private[int] = 0

    @strawberry.field(description=_BADGE)
    async def risk_badge(self, info: strawberry.Info) -> RiskLevel | None:
        return await _badge(info, self.circle_id, self.risk_level, self.is_removed)


@strawberry.type(name="Post", description="A post in a circle. Members of the circle only.")
class PostType(Node):
    body: str | None = strawberry.field(description="Plain text; null once removed.")
    content_warning: ContentWarning | None = strawberry.field(
        description="The author's content warning, if any."
    )
    created_at: datetime = strawberry.field(description="When it was posted.")
    edited_at: datetime | None = strawberry.field(description="When it was last edited.")
    is_removed: bool = strawberry.field(
        description="True once removed: a tombstone whose replies stay."
    )
    is_anonymous: bool = strawberry.field(description="True when posted anonymously.")
    is_mine: bool = strawberry.field(
        description="True when the viewer wrote it (even anonymously)."
    )
    author: MemberType | None = strawberry.field(
        description="Who posted it; null when anonymous (for every viewer) or removed."
    )
    reply_count: int = strawberry.field(description="Replies that were not removed.")
    reaction_counts: list[ReactionCount] = strawberry.field(
        description="Counts of each reaction kind, in a fixed order."
    )
    viewer_reactions: list[ReactionKind] = strawberry.field(description="Kinds the viewer sent.")
    sensitive: bool = strawberry.field(
        description="True when Hearth's risk detector rated it URGENT. Show it behind a gentle "
        "interstitial with the crisis lines (crisisResources); it is never hidden or removed "
        "for this."
    )
    risk_level: strawberry.Private[int] = 0
    is_hidden: bool = strawberry.field(
        default=False,
        description="True when a moderator hid it: readers see it as hidden by a moderator "
        "(no body, no warning); its author still sees it, with the reason.",
    )
    hidden_reason: str | None = strawberry.field(
        default=None, description="Why a moderator hid it. Only for its author; null otherwise."
    )
    folded: bool = strawberry.field(
        default=False,
        description="True when its content warning carries a topic you muted (`muteTopics`): "
        "show it folded, opened only on request.",
    )
    folded_reason: str | None = strawberry.field(
        default=None, description="Why it is folded for you; null when it is not."
    )
    prefetched_replies: strawberry.Private[list[ReplyType] | None] = None
    # Loads them when they were not prefetched (a post built outside a feed page).
    replies_loader: strawberry.Private[Callable[[int], Awaitable[list[ReplyType]]] | None] = None
    raw_id: strawberry.Private[UUID]
    circle_id: strawberry.Private[UUID]

    @strawberry.field(
        description="The newest replies (not removed), newest first: a preview for feeds. "
        "At most 10."
    )
    def latest_replies(
        self,
        first: Annotated[int, strawberry.argument(description="How many, 1 to 10.")] = 3,
    ) -> list[ReplyType]:
        # Synchronous and without Info, so the fast execution path calls it
        # directly on a feed page, where the replies were prefetched.
        n = min(max(first, 1), 10)
        if self.prefetched_replies is not None:
            return self.prefetched_replies[:n]
        if self.replies_loader is None:
            raise RuntimeError("a post was built without its replies or a way to load them")
        return self.replies_loader(n)  # type: ignore[return-value]  # awaited by the executor

    @strawberry.field(description="All replies, oldest first, removed ones as tombstones.")
    async def replies(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[ReplyType]:
        return await replies_connection(info, self, first, after)

    @strawberry.field(description=_BADGE)
    async def risk_badge(self, info: strawberry.Info) -> RiskLevel | None:
        return await _badge(info, self.circle_id, self.risk_level, self.is_removed)

    @strawberry.field(description="The circle the post is in.")
    async def circle(
        self, info: strawberry.Info
    ) -> Annotated[CircleType, strawberry.lazy("api.circles.types")]:
        circle: CircleType | None = await load_node(info, "Circle", self.circle_id)
        assert circle is not None  # the viewer reads the post, so they see its circle
        return circle


@lru_cache(maxsize=2048)
def _counts(counts: tuple[int, ...]) -> list[ReactionCount]:
    # Read-only once built, so every post with the same counts shares one list.
    return [ReactionCount(kind=k, count=n) for k, n in zip(KINDS, counts, strict=True)]


@lru_cache(maxsize=64)
def _mine(mine: tuple[ReactionKind, ...]) -> list[ReactionKind]:
    return list(mine)


def reaction_counts(tally: ReactionTally) -> list[ReactionCount]:
    return _counts(tally.counts)


def viewer_kinds(tally: ReactionTally) -> list[ReactionKind]:
    """The viewer's own reactions, in the fixed kind order."""
    return _mine(tally.mine)


def author_type(author: AuthorView | None, viewer_id: UUID | None) -> MemberType | None:
    if author is None:
        return None
    return MemberType.public(
        author.id, author.display_name, author.pronouns, author.bio, author.since, viewer_id
    )


def message_fields(view: PostView | ReplyView, viewer_id: UUID | None) -> dict[str, Any]:
    """What a Post and a Reply show alike of a post's or reply's view."""
    m = view.message
    return {
        "body": view.body,
        "created_at": m.created_at,
        "edited_at": m.edited_at,
        "is_removed": m.removed,
        "is_anonymous": m.anonymous,
        "is_mine": view.is_mine,
        "author": author_type(view.author, viewer_id),
        "reaction_counts": reaction_counts(view.reactions),
        "viewer_reactions": viewer_kinds(view.reactions),
        "sensitive": view.sensitive,
        "risk_level": m.risk_level,
        "is_hidden": m.hidden,
        "hidden_reason": view.hidden_reason,
        "circle_id": m.circle_id,
    }


def reply_type(view: ReplyView, viewer_id: UUID | None) -> ReplyType:
    m = view.message
    assert m.post_id is not None
    return ReplyType(
        id=to_global_id("Reply", m.id), post_id=m.post_id, **message_fields(view, viewer_id)
    )


async def replies_connection(
    info: strawberry.Info, post: PostType, first: int | None, after: str | None
) -> Connection[ReplyType]:
    ctx = info.context
    viewer = await ctx.member()
    filters = await ctx.filters()
    size = page_size(first)
    cursor = decode_cursor("reply", after)
    rendered = await rendered_page(
        info,
        "reply",
        after,
        lambda shape: ctx.services.post_reads.rendered_replies_page(
            viewer.id, post.raw_id, filters, size, cursor, shape
        ),
    )
    if rendered is not None:
        return rendered  # type: ignore[no-any-return]
    page = await ctx.services.post_reads.replies_page(viewer.id, post.raw_id, filters, size, cursor)
    replies = [reply_type(v, viewer.id) for v in page.items]
    keys = [(v.message.created_at, v.message.id) for v in page.items]
    return connection("reply", replies, keys, page.has_more, after)
