"""Reads behind ``Member.checkIns``, ``Member.checkInInsights`` and
``Member.checkInReminder`` (``Circle.sharedCheckIns`` is ``api.checkins.shared``).

These fields are only resolved for the viewer themself (the callers check
``Member.isViewer``).
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.checkins.types import (
    CheckInInsightsType,
    CheckInReminderType,
    CheckInType,
    InsightsPeriod,
)
from api.errors import HearthError, TopLevelCode
from api.pagination import Connection, connection, decode_cursor, page_size
from domain.checkins import services as checkins


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise HearthError(
            f"`{name}` needs a timezone offset, e.g. 2026-11-01T00:00:00Z.",
            TopLevelCode.BAD_USER_INPUT,
        )
    return value


async def own_check_ins(
    info: strawberry.Info,
    first: int | None,
    after: str | None,
    start: datetime | None,
    end: datetime | None,
) -> Connection[CheckInType]:
    size = page_size(first)
    viewer = await info.context.member()
    start, end = _aware(start, "from"), _aware(end, "to")
    found = await info.context.services.check_in_reads.own_page(
        viewer.id, size, decode_cursor("check-in", after), start, end
    )
    page = found[:size]
    items = [CheckInType.build(c) for c in page]
    keys = [(c.created_at, c.id) for c in page]
    return connection("check-in", items, keys, len(found) > size, after)


async def own_insights(info: strawberry.Info, period: InsightsPeriod) -> CheckInInsightsType:
    ctx = info.context
    viewer = await ctx.member()
    insights = await checkins.check_in_insights(
        viewer, int(period.value), ctx.services.uow(), ctx.services.clock
    )
    return CheckInInsightsType.build(insights)


async def own_reminder(info: strawberry.Info) -> CheckInReminderType | None:
    viewer = await info.context.member()
    async with info.context.services.uow() as uow:
        reminder = await uow.reminders.get(viewer.id)
    return CheckInReminderType.build(reminder) if reminder else None
