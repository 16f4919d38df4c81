"""``myActivity``: the viewer's own in-app notifications, live, so the badge stays right."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from uuid import UUID

import strawberry

from api.notifications.types import NotificationType
from api.observability import SUBSCRIPTION_OVERFLOWS, SUBSCRIPTIONS_ACTIVE
from api.realtime.subscriptions import QUEUE_SIZE, overflow_error
from api.support.queries import awaiting_count
from api.support.types import AwaitingSupportChanged
from domain.events import Event, EventKind, Gap, member_channel


@strawberry.type(description="A change to the viewer's in-app notifications.")
class ActivityUpdate:
    notification: NotificationType | None = strawberry.field(
        description="The new (or newly collapsed) notification; null for a count-only update "
        "(on subscribe, after marking read, or after a gap)."
    )
    unread_count: int = strawberry.field(description="Unread notifications now: the badge.")
    awaiting_support: AwaitingSupportChanged | None = strawberry.field(
        default=None,
        description="Set when your count of posts that need a reply changed (and on "
        "subscribe); null otherwise.",
    )


async def _update(info: strawberry.Info, viewer_id: UUID, event: Event | None) -> ActivityUpdate:
    new = None
    if event is not None and event.kind is EventKind.NOTIFICATION_CREATED:
        new = event.subject_id
    notification, count = await info.context.services.notification_reads.badge(viewer_id, new)
    built = NotificationType.build(notification) if notification is not None else None
    return ActivityUpdate(notification=built, unread_count=count)


@strawberry.type
class ActivitySubscription:
    @strawberry.subscription(
        description="The viewer's new in-app notifications and unread count, live, and "
        "their count of posts that need a reply (`awaitingSupport`) whenever it changes. The "
        "first update carries both counts."
    )
    async def my_activity(self, info: strawberry.Info) -> AsyncGenerator[ActivityUpdate, None]:
        viewer = await info.context.member()
        subscription = info.context.services.bus.subscribe(member_channel(viewer.id), QUEUE_SIZE)
        SUBSCRIPTIONS_ACTIVE.inc()
        try:
            waiting = await awaiting_count(info, viewer.id, None)
            first = await _update(info, viewer.id, None)
            first.awaiting_support = AwaitingSupportChanged(count=waiting)
            yield first
            async for item in subscription:
                event = None if isinstance(item, Gap) else item
                if event is not None and event.kind is EventKind.AWAITING_SUPPORT_CHANGED:
                    now_waiting = await awaiting_count(info, viewer.id, None)
                    if now_waiting == waiting:
                        continue  # nothing this viewer sees changed
                    waiting = now_waiting
                    update = await _update(info, viewer.id, None)
                    update.awaiting_support = AwaitingSupportChanged(count=waiting)
                    yield update
                    continue
                if event is None:  # a gap: recount too
                    waiting = await awaiting_count(info, viewer.id, None)
                update = await _update(info, viewer.id, event)
                if event is None:
                    update.awaiting_support = AwaitingSupportChanged(count=waiting)
                yield update
            if subscription.overflowed:
                SUBSCRIPTION_OVERFLOWS.inc()
                raise overflow_error()
        finally:
            SUBSCRIPTIONS_ACTIVE.dec()
            subscription.close()
