"""Reads behind ``Member.notifications``, ``Member.unreadNotificationCount`` and
``Member.notificationPreferences`` (resolved only for the viewer themself)."""

from __future__ import annotations

import strawberry

from api.notifications.types import NotificationPreferencesType, NotificationType
from api.pagination import Connection, connection, decode_cursor, page_size
from domain.notifications.settings import preferences_of


async def own_notifications(
    info: strawberry.Info, first: int | None, after: str | None
) -> Connection[NotificationType]:
    size = page_size(first)
    viewer = await info.context.member()
    reads = info.context.services.notification_reads
    found = await reads.inbox_page(viewer.id, size, decode_cursor("notification", after))
    page = found[:size]
    items = [NotificationType.build(n) for n in page]
    keys = [(n.created_at, n.id) for n in page]
    return connection("notification", items, keys, len(found) > size, after)


async def own_unread_count(info: strawberry.Info) -> int:
    viewer = await info.context.member()
    count: int = await info.context.services.notification_reads.unread_count(viewer.id)
    return count


async def own_preferences(info: strawberry.Info) -> NotificationPreferencesType:
    viewer = await info.context.member()
    async with info.context.services.uow() as uow:
        prefs = await preferences_of(uow, viewer.id)
    return NotificationPreferencesType.build(prefs)
