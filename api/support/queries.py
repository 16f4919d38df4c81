"""Reads of the support area: the awaiting list and counts, circle stats, the guide."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.errors import HearthError, TopLevelCode
from api.members.own import answers
from api.node import to_global_id
from api.pagination import Connection, Edge, connection_of, decode_cursor, encode_cursor, page_size
from api.posts.assemble import latest_replies_wanted, post_types
from api.support.types import (
    AwaitingSupportItem,
    SupportGuide,
    SupportGuideSection,
    SupportGuideSource,
    SupportStats,
)
from domain.moderation import support as guide
from domain.support.model import StatsPeriod
from domain.support.reads import AwaitingKey
from domain.support.rules import RESPONDER_HINT

_KINDS = ("awaiting1", "awaiting0")


def _decode(after: str | None) -> AwaitingKey | None:
    """An awaiting-list cursor: its kind carries the urgency flag."""
    if after is None:
        return None
    for kind in _KINDS:
        try:
            found = decode_cursor(kind, after)
        except HearthError:
            continue
        assert found is not None
        return (1 if kind == "awaiting1" else 0, found[0], found[1])
    raise HearthError("That cursor is not valid for this list.", TopLevelCode.BAD_USER_INPUT)


@answers("awaitingSupport")
async def awaiting_support(
    info: strawberry.Info, first: int | None, after: str | None
) -> Connection[AwaitingSupportItem]:
    size = page_size(first)
    viewer = await info.context.member()
    found = await info.context.services.support_reads.awaiting_page(
        viewer.id, await info.context.filters(), size, _decode(after), latest_replies_wanted(info)
    )
    page = found[:size]
    posts = post_types(info, [item.post for item in page], viewer.id)
    edges = []
    for item, post in zip(page, posts, strict=True):
        message = item.post.message
        node = AwaitingSupportItem(
            post=post,
            circle_id=to_global_id("Circle", message.circle_id),
            waiting_since=message.created_at,
            is_urgent=item.urgent,
            responder_hint=RESPONDER_HINT if item.urgent else None,
        )
        urgent, at, raw_id = item.key
        edges.append(Edge(cursor=encode_cursor(_KINDS[1 - urgent], at, raw_id), node=node))
    return connection_of(edges, len(found) > size, after)


async def awaiting_count(info: strawberry.Info, viewer_id: UUID, circle_id: UUID | None) -> int:
    """The viewer's "needs a reply" count (one circle, or all of theirs)."""
    filters = await info.context.filters()
    hidden, muted = sorted(filters.hidden_authors), sorted(filters.muted_topics)
    support = info.context.services.support_reads
    count: int = await support.awaiting_count(viewer_id, hidden, muted, circle_id)
    return count


async def circle_support_stats(
    info: strawberry.Info, circle_id: UUID, period: StatsPeriod
) -> SupportStats:
    now = info.context.services.clock.now()
    start = now - period.length
    stats = await info.context.services.support_reads.stats(circle_id, start, now)
    return SupportStats(
        period=period,
        since=start,
        posts=stats.posts,
        answered=stats.answered,
        median_first_reply_seconds=stats.median_seconds,
        p90_first_reply_seconds=stats.p90_seconds,
        unanswered_after_1h_share=stats.unanswered_after_1h,
        unanswered_after_24h_share=stats.unanswered_after_24h,
        active_listeners=stats.active_listeners,
        available_now=stats.available_now,
    )


def support_guide() -> SupportGuide:
    return SupportGuide(
        version=guide.REPLY_GUIDE_VERSION,
        summary=guide.REPLY_GUIDE_SUMMARY,
        sections=[
            SupportGuideSection(title=s.title, points=list(s.points)) for s in guide.REPLY_GUIDE
        ],
        sources=[
            SupportGuideSource(title=s.title, url=s.url, checked_on=s.checked_on)
            for s in guide.REPLY_GUIDE_SOURCES
        ],
    )


@strawberry.type
class SupportQueries:
    @strawberry.field(
        description="How to reply supportively (validation, no advice-dumping, safe "
        "messaging about suicide, when to point to crisis lines), with its sources. The app "
        "shows it before a member's first reply. No sign-in needed."
    )
    def support_guide(self) -> SupportGuide:
        return support_guide()
