"""Live circle activity over GraphQL subscriptions.

Events are published only after their transaction commits. Each event is turned
into the same ``Post``/``Reply`` objects queries return, for this viewer, so
every visibility rule holds: anonymous authors stay null, removed content stays
removed, and notes never appear.

What a subscriber may see of an event is decided here, per subscriber (a block drops
it, leaving or a ban ends the stream); the event object is then rendered once for
every subscriber who sees it the same way and sends the same document
(``Seen``, ``api.execution.audience``; ``HEARTH_LIVE_RENDER_ONCE``).

A process hears each circle once (``api.realtime.fanout``): :func:`deliver` goes
through the circle's subscriptions in one pass per event, and a subscription whose
socket takes pre-serialised frames is offered the audience's bytes, which its task
writes as they are; the others get the event object or the ``SharedEvent`` and run
it through GraphQL execution as before.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any
from uuid import UUID

import strawberry

from api.checkins.shared import build_shared_check_in
from api.context import Context
from api.errors import HearthError, TopLevelCode, forbidden
from api.execution.audience import SharedEvent, peek_render, shared_render
from api.execution.base import SUBSCRIBING
from api.members.types import MemberType
from api.node import parse_id, to_global_id, to_pair_id
from api.observability import LIVE_DELIVERIES, SUBSCRIPTION_OVERFLOWS, SUBSCRIPTIONS_ACTIVE
from api.posts.assemble import post_type
from api.posts.types import reaction_counts, reply_type, viewer_kinds
from api.realtime import types as t
from api.realtime.cache import MISSING, SnapshotCache
from api.realtime.fanout import DIRECT, Ended, Frame, Sink, Writer, finished
from domain.checkins.reads import live_share, sees_withdrawal
from domain.circles.model import can_read
from domain.circles.reads import sees_member_event
from domain.events import Event, EventKind, Gap, circle_channel, heard_by
from domain.posts.reads import live_post_view, live_reply_view, live_tally

QUEUE_SIZE = 100
FRAMES = LIVE_DELIVERIES.labels("frame")
EXECUTED = LIVE_DELIVERIES.labels("execution")


@dataclass(frozen=True, slots=True)
class Seen:
    """What one subscriber sees of an event, reduced to what tells subscribers apart.

    ``build(view, shown, info)`` makes the event object from ``view`` (a tuple of the
    event's facts and the subscriber's domain view: frozen, hashable dataclasses) and
    ``shown`` (the subscriber, when the event shows them as a member, so that
    ``isViewer`` is true; None otherwise) and nothing else of the viewer: so two
    subscribers with equal ``(build, view, shown)`` get the same object, and a
    document that reads only its attributes renders once for both
    (``api.execution.audience``). ``info`` is given only for one subscriber's own
    object, for fields that read more through their context (``latestReplies``)."""

    build: Callable[[Any, UUID | None, strawberry.Info | None], t.CircleEvent]
    view: Hashable
    shown: UUID | None = None

    def key(self, event: Event) -> Hashable:
        return (event.id, self.build, self.view, self.shown)

    def make(self, event: Event, info: strawberry.Info | None) -> t.CircleEvent:
        built = self.build(self.view, self.shown, info)
        if event.committed_at is not None:
            built.committed_at = datetime.fromtimestamp(event.committed_at, UTC)
        return built


def _shown(member_id: UUID | None, viewer_id: UUID) -> UUID | None:
    return viewer_id if member_id == viewer_id else None


def _cache(info: strawberry.Info) -> SnapshotCache:
    cache: SnapshotCache = info.context.services.snapshots
    return cache


POST_EVENTS = {EventKind.POST_CREATED: t.PostCreated, EventKind.POST_EDITED: t.PostEdited}
REPLY_EVENTS = {EventKind.REPLY_EDITED: t.ReplyEdited, EventKind.REPLY_REMOVED: t.ReplyRemoved}


def _build_post(view: Any, shown: UUID | None, info: strawberry.Info | None) -> t.CircleEvent:
    kind, post = view
    return POST_EVENTS.get(kind, t.PostRemoved)(
        circle_id=to_global_id("Circle", post.message.circle_id),
        post=post_type(post, shown, info),
    )


async def _post_event(info: strawberry.Info, event: Event, viewer_id: UUID) -> Seen | None:
    reads, subject = info.context.services.post_reads, event.subject_id
    assert subject is not None
    snapshot = _cache(info).peek((event.id, "post"))  # read by the circle's first subscriber
    if snapshot is MISSING:
        snapshot = await _cache(info).get((event.id, "post"), lambda: reads.post_snapshot(subject))
    if snapshot is None:
        return None
    view = live_post_view(snapshot, viewer_id, await info.context.filters())
    if view is None:
        return None  # a post by someone a block hides
    author = view.author.id if view.author is not None else None
    return Seen(_build_post, (event.kind, view), _shown(author, viewer_id))


def _build_reply(view: Any, shown: UUID | None, info: strawberry.Info | None) -> t.CircleEvent:
    kind, reply = view
    m = reply.message
    assert m.post_id is not None
    return REPLY_EVENTS.get(kind, t.ReplyCreated)(
        circle_id=to_global_id("Circle", m.circle_id),
        post_id=to_global_id("Post", m.post_id),
        reply=reply_type(reply, shown),
    )


async def _reply_event(info: strawberry.Info, event: Event, viewer_id: UUID) -> Seen | None:
    reads, subject = info.context.services.post_reads, event.subject_id
    assert subject is not None
    snapshot = await _cache(info).get((event.id, "reply"), lambda: reads.reply_snapshot(subject))
    view = live_reply_view(snapshot, viewer_id) if snapshot is not None else None
    if view is None:
        return None  # a reply by, or under a post by, someone a block hides
    author = view.author.id if view.author is not None else None
    return Seen(_build_reply, (event.kind, view), _shown(author, viewer_id))


def _build_reactions(view: Any, shown: UUID | None, info: strawberry.Info | None) -> t.CircleEvent:
    circle_id, target_id, tally = view
    return t.ReactionsChanged(
        circle_id=circle_id,
        target_id=target_id,
        reaction_counts=reaction_counts(tally),
        viewer_reactions=viewer_kinds(tally),
    )


async def _reactions_event(info: strawberry.Info, event: Event, viewer_id: UUID) -> Seen | None:
    reads, subject = info.context.services.post_reads, event.subject_id
    assert subject is not None
    assert event.circle_id is not None
    snapshot = await _cache(info).get(
        (event.id, "reactions"), lambda: reads.reactions_snapshot(subject)
    )
    tally = live_tally(snapshot, subject, viewer_id) if snapshot is not None else None
    if snapshot is None or tally is None:
        return None
    target = to_global_id("Post" if snapshot.is_post else "Reply", subject)
    return Seen(_build_reactions, (to_global_id("Circle", event.circle_id), target, tally))


def _build_member(view: Any, shown: UUID | None, info: strawberry.Info | None) -> t.CircleEvent:
    kind, circle_id, member_id, profile, count = view
    circle = to_global_id("Circle", circle_id)
    if kind is EventKind.MEMBER_LEFT:
        return t.MemberLeft(
            circle_id=circle, member_id=to_global_id("Member", member_id), member_count=count
        )
    member = MemberType.from_profile(profile, shown)
    return t.MemberJoined(circle_id=circle, member=member, member_count=count)


async def _member_event(info: strawberry.Info, event: Event, viewer_id: UUID) -> Seen | None:
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
    left = event.kind is EventKind.MEMBER_LEFT
    if not left and snapshot.profile is None:
        return None
    profile = None if left else snapshot.profile
    view = (event.kind, circle_id, member_id, profile, snapshot.member_count)
    return Seen(_build_member, view, None if left else _shown(member_id, viewer_id))


def _build_share(view: Any, shown: UUID | None, info: strawberry.Info | None) -> t.CircleEvent:
    circle_id, share = view
    return t.CheckInShared(
        circle_id=to_global_id("Circle", circle_id),
        check_in=build_shared_check_in(share, shown),
    )


async def _check_in_event(info: strawberry.Info, event: Event, viewer_id: UUID) -> Seen | None:
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
    return Seen(_build_share, (circle_id, share), _shown(share.sharer.member_id, viewer_id))


def _build_withdrawal(view: Any, shown: UUID | None, info: strawberry.Info | None) -> t.CircleEvent:
    circle_id, subject = view
    return t.CheckInShareWithdrawn(
        circle_id=to_global_id("Circle", circle_id),
        shared_check_in_id=to_pair_id("SharedCheckIn", subject, circle_id),
    )


async def _share_withdrawn_event(
    info: strawberry.Info, event: Event, viewer_id: UUID
) -> Seen | None:
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
    return Seen(_build_withdrawal, (circle_id, subject))


RENDERERS: dict[EventKind, Callable[[strawberry.Info, Event, UUID], Awaitable[Seen | None]]] = {
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


def shared_event(
    seen: Seen,
    event: Event,
    info: strawberry.Info,
    renders: SnapshotCache,
    neutral: Callable[[], Context],
) -> SharedEvent:
    """The event as ``api.execution.audience`` renders it once per audience."""
    return SharedEvent(
        key=seen.key(event),
        build=partial(seen.make, event, None),
        own=partial(seen.make, event, info),
        renders=renders,
        context=neutral,
    )


def overflow_error() -> HearthError:
    return HearthError(
        "You fell behind on this circle's activity. Refetch and subscribe again.",
        TopLevelCode.SUBSCRIPTION_OVERFLOW,
    )


@dataclass(frozen=True, slots=True)
class Follower:
    """One ``circleActivity`` subscription, as the circle's fan-out delivers to it."""

    viewer_id: UUID
    info: strawberry.Info
    once: bool
    """Render once per audience (``HEARTH_LIVE_RENDER_ONCE``)."""
    executor: Any | None
    """The subscription's executor when its socket takes pre-serialised frames."""
    direct: Writer | None
    """How its frames are written (with ``executor``)."""
    renders: SnapshotCache
    neutral: Callable[[], Context]


async def deliver(item: Event | Gap, sinks: list[Sink]) -> None:
    """What each subscription of the circle gets of ``item``: one pass, in the
    circle's fan-out task (``api.realtime.fanout``). The event's snapshot is read
    once; each subscriber's view of it is decided here, per viewer, as before."""
    if isinstance(item, Gap):
        for sink in sinks:
            sink.offer(item)
        return
    for sink in sinks:
        try:
            await _deliver_to(item, sink)
        except Exception as error:  # this subscription ends with it, the others go on
            sink.offer(Ended(error))


async def _deliver_to(event: Event, sink: Sink) -> None:
    follower: Follower = sink.state
    viewer = follower.viewer_id
    if event.kind is EventKind.CIRCLE_CLOSED or (
        event.kind is EventKind.MEMBER_LEFT and event.subject_id == viewer
    ):
        sink.offer(Ended())
        return
    render = RENDERERS.get(event.kind) if heard_by(event, viewer) else None
    seen = await render(follower.info, event, viewer) if render else None
    if seen is None:
        return  # nothing this viewer may see
    if not follower.once:
        sink.offer(seen.make(event, follower.info))
        return
    if follower.executor is not None:
        data = peek_render(follower.executor, seen.key(event), follower.renders)
        if data is MISSING:  # the audience's first subscriber: render it
            data = await shared_render(follower.executor, _shared(seen, event, follower))
        if data is not None:
            # written in the pass when nothing of this subscription is queued or being
            # sent (its order holds) and the socket takes it at once
            if sink.consumer_waiting and follower.direct is not None and follower.direct.now(data):
                FRAMES.inc()
            else:
                sink.offer(Frame(data))
            return
    # graphql-core hands it to api.execution.audience in the subscriber's own task
    sink.offer(_shared(seen, event, follower))


def _shared(seen: Seen, event: Event, follower: Follower) -> SharedEvent:
    return shared_event(seen, event, follower.info, follower.renders, follower.neutral)


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
        executor, direct = SUBSCRIBING.get(), DIRECT.get()  # set in this operation's task
        viewer = await ctx.member()
        raw_id = parse_id(circle_id, "Circle", "circleId")
        pair = await ctx.loaders.circle_by_id.load(raw_id) if raw_id else None
        if raw_id is None or pair is None or not can_read(pair[1]):
            raise forbidden("Only the circle's active members can follow its activity.")
        ctx.release_loaders()  # the socket's context keeps none while the stream lasts
        once = ctx.services.settings.hearth_live_render_once
        framed = once and executor is not None and direct is not None
        follower = Follower(
            viewer.id,
            info,
            once,
            executor if framed else None,
            direct if framed else None,
            ctx.services.live_renders,
            partial(Context, ctx.services, None),
        )
        sink = Sink(follower, QUEUE_SIZE)
        leave = ctx.services.live.join(ctx.services.bus, circle_channel(raw_id), sink, deliver)
        SUBSCRIPTIONS_ACTIVE.inc()
        try:
            async for item in sink:
                if isinstance(item, Frame):
                    assert direct is not None
                    await direct(item.data)  # no execution: the audience's bytes
                    FRAMES.inc()
                elif isinstance(item, Gap):
                    yield t.EventsMayHaveBeenMissed(
                        circle_id=circle_id, reason="event stream interrupted"
                    )
                elif finished(item):  # left, banned, circle closed; or its render failed
                    return
                else:
                    EXECUTED.inc()
                    yield item
                    # executed and sent: its reads are not kept for the next event
                    ctx.release_loaders()
            if sink.overflowed:
                SUBSCRIPTION_OVERFLOWS.inc()
                raise overflow_error()
        finally:
            SUBSCRIPTIONS_ACTIVE.dec()
            leave()
