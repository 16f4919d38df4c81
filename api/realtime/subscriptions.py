"""Live circle activity over GraphQL subscriptions.

Events are published only after their transaction commits. Each event is turned
into the same ``Post``/``Reply`` objects queries return, for this viewer, so
every visibility rule holds: anonymous authors stay null, removed content stays
removed, and notes never appear.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api.checkins.shared import build_shared_check_in
from api.errors import HearthError, TopLevelCode, forbidden
from api.members.types import MemberType
from api.node import parse_id, to_global_id, to_pair_id
from api.observability import SUBSCRIPTION_OVERFLOWS, SUBSCRIPTIONS_ACTIVE
from api.posts.assemble import post_type
from api.posts.types import reaction_counts, reply_type, viewer_kinds
from api.realtime import types as t
from api.realtime.cache import SnapshotCache
from domain.checkins.reads import live_share, sees_withdrawal
from domain.circles.model import can_read
from domain.circles.reads import sees_member_event
from domain.events import Event, EventKind, Gap, circle_channel
from domain.posts.reads import live_post_view, live_reply_view, live_tally

QUEUE_SIZE = 100


def _cache(info: strawberry.Info) -> SnapshotCache:
    cache: SnapshotCache = info.context.services.snapshots
    return cache


async def _post_event(info: strawberry.Info, event: Event, viewer_id: UUID) -> t.CircleEvent | None:
    reads, subject = info.context.services.post_reads, event.subject_id
    assert subject is not None
    snapshot = await _cache(info).get((event.id, "post"), lambda: reads.post_snapshot(subject))
    if snapshot is None:
        return None
    view = live_post_view(snapshot, viewer_id, await info.context.filters())
    if view is None:
        return None  # a post by someone a block hides
    post = post_type(view, viewer_id, info)
    kind = {EventKind.POST_CREATED: t.PostCreated, EventKind.POST_EDITED: t.PostEdited}.get(
        event.kind, t.PostRemoved
    )
    return kind(circle_id=to_global_id("Circle", view.message.circle_id), post=post)


async def _reply_event(
    info: strawberry.Info, event: Event, viewer_id: UUID
) -> t.CircleEvent | None:
    reads, subject = info.context.services.post_reads, event.subject_id
    assert subject is not None
    snapshot = await _cache(info).get((event.id, "reply"), lambda: reads.reply_snapshot(subject))
    view = live_reply_view(snapshot, viewer_id) if snapshot is not None else None
    if view is None:
        return None  # a reply by, or under a post by, someone a block hides
    kind = {EventKind.REPLY_EDITED: t.ReplyEdited, EventKind.REPLY_REMOVED: t.ReplyRemoved}.get(
        event.kind, t.ReplyCreated
    )
    m = view.message
    assert m.post_id is not None
    return kind(
        circle_id=to_global_id("Circle", m.circle_id),
        post_id=to_global_id("Post", m.post_id),
        reply=reply_type(view, viewer_id),
    )


async def _reactions_event(
    info: strawberry.Info, event: Event, viewer_id: UUID
) -> t.CircleEvent | None:
    reads, subject = info.context.services.post_reads, event.subject_id
    assert subject is not None
    assert event.circle_id is not None
    snapshot = await _cache(info).get(
        (event.id, "reactions"), lambda: reads.reactions_snapshot(subject)
    )
    tally = live_tally(snapshot, subject, viewer_id) if snapshot is not None else None
    if snapshot is None or tally is None:
        return None
    return t.ReactionsChanged(
        circle_id=to_global_id("Circle", event.circle_id),
        target_id=to_global_id("Post" if snapshot.is_post else "Reply", subject),
        reaction_counts=reaction_counts(tally),
        viewer_reactions=viewer_kinds(tally),
    )


async def _member_event(
    info: strawberry.Info, event: Event, viewer_id: UUID
) -> t.CircleEvent | None:
    reads, circle_id, member_id = (
        info.context.services.circle_reads,
        event.circle_id,
        event.subject_id,
    )
    assert circle_id is not None
    assert member_id is not None
    snapshot = await _cache(info).get(
        (event.id, "member"), lambda: reads.member_event_snapshot(circle_id, member_id)
    )
    if not sees_member_event(snapshot, viewer_id):
        return None  # member lists leave out blocked members, both ways
    circle = to_global_id("Circle", circle_id)
    count = snapshot.member_count
    if event.kind is EventKind.MEMBER_LEFT:
        return t.MemberLeft(
            circle_id=circle, member_id=to_global_id("Member", member_id), member_count=count
        )
    if snapshot.profile is None:
        return None
    profile = MemberType.from_profile(snapshot.profile, viewer_id)
    return t.MemberJoined(circle_id=circle, member=profile, member_count=count)


async def _check_in_event(
    info: strawberry.Info, event: Event, viewer_id: UUID
) -> t.CircleEvent | None:
    reads, circle_id, subject = (
        info.context.services.check_in_reads,
        event.circle_id,
        event.subject_id,
    )
    assert circle_id is not None
    assert subject is not None
    snapshot = await _cache(info).get(
        (event.id, "check-in"), lambda: reads.share_snapshot(circle_id, subject)
    )
    share = live_share(snapshot, viewer_id)
    if share is None:
        return None
    return t.CheckInShared(
        circle_id=to_global_id("Circle", circle_id),
        check_in=build_shared_check_in(share, viewer_id),
    )


async def _share_withdrawn_event(
    info: strawberry.Info, event: Event, viewer_id: UUID
) -> t.CircleEvent | None:
    reads, circle_id, subject, sharer = (
        info.context.services.moderation_reads,
        event.circle_id,
        event.subject_id,
        event.member_id,
    )
    assert circle_id is not None
    assert subject is not None
    assert sharer is not None
    pairs = await _cache(info).get((event.id, "sharer-blocks"), lambda: reads.block_pairs([sharer]))
    if not sees_withdrawal(sharer, viewer_id, pairs):
        return None  # they never saw the share: a block hides it both ways
    return t.CheckInShareWithdrawn(
        circle_id=to_global_id("Circle", circle_id),
        shared_check_in_id=to_pair_id("SharedCheckIn", subject, circle_id),
    )


RENDERERS = {
    EventKind.POST_CREATED: _post_event,
    EventKind.POST_EDITED: _post_event,
    EventKind.POST_REMOVED: _post_event,
    EventKind.REPLY_CREATED: _reply_event,
    EventKind.REPLY_EDITED: _reply_event,
    EventKind.REPLY_REMOVED: _reply_event,
    EventKind.REACTIONS_CHANGED: _reactions_event,
    EventKind.MEMBER_JOINED: _member_event,
    EventKind.MEMBER_LEFT: _member_event,
    EventKind.CHECK_IN_SHARED: _check_in_event,
    EventKind.CHECK_IN_SHARE_WITHDRAWN: _share_withdrawn_event,
}


def overflow_error() -> HearthError:
    return HearthError(
        "You fell behind on this circle's activity. Refetch and subscribe again.",
        TopLevelCode.SUBSCRIPTION_OVERFLOW,
    )


@strawberry.type
class CircleSubscription:
    @strawberry.subscription(
        description="Live activity of a circle: posts, replies, reactions, members coming and "
        "going. Active members only; the stream ends when the viewer leaves or is banned."
    )
    async def circle_activity(
        self,
        info: strawberry.Info,
        circle_id: Annotated[strawberry.ID, strawberry.argument(description="The circle.")],
    ) -> AsyncGenerator[t.CircleEvent, None]:
        ctx = info.context
        viewer = await ctx.member()
        raw_id = parse_id(circle_id, "Circle", "circleId")
        pair = await ctx.loaders.circle_by_id.load(raw_id) if raw_id else None
        if raw_id is None or pair is None or not can_read(pair[1]):
            raise forbidden("Only the circle's active members can follow its activity.")
        subscription = ctx.services.bus.subscribe(circle_channel(raw_id), QUEUE_SIZE)
        SUBSCRIPTIONS_ACTIVE.inc()
        try:
            async for item in subscription:
                if isinstance(item, Gap):
                    yield t.EventsMayHaveBeenMissed(
                        circle_id=circle_id, reason="event stream interrupted"
                    )
                    continue
                if item.kind is EventKind.CIRCLE_CLOSED or (
                    item.kind is EventKind.MEMBER_LEFT and item.subject_id == viewer.id
                ):
                    return
                render = RENDERERS.get(item.kind)
                rendered = await render(info, item, viewer.id) if render else None
                if rendered is not None:
                    if item.committed_at is not None:
                        rendered.committed_at = datetime.fromtimestamp(item.committed_at, UTC)
                    yield rendered
            if subscription.overflowed:
                SUBSCRIPTION_OVERFLOWS.inc()
                raise overflow_error()
        finally:
            SUBSCRIPTIONS_ACTIVE.dec()
            subscription.close()
