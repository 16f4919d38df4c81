"""Reads behind ``Member.checkIns``, ``Member.checkInInsights``,
``Member.checkInReminder`` and ``Circle.sharedCheckIns``.

The member fields are only resolved for the viewer themself (the callers check
``Member.isViewer``); the circle field only for its active members.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from api.checkins.types import (
    CheckInInsightsType,
    CheckInReminderType,
    CheckInType,
    InsightsPeriod,
    SharedCheckInType,
)
from api.errors import HearthError, TopLevelCode
from api.members.types import MemberType
from api.pagination import Connection, connection, decode_cursor, page_size
from domain.checkins import services as checkins
from domain.checkins.model import MOOD_LABELS
from infra.db.reads import checkins as reads
from infra.db.repositories.checkins import emotions_from_text


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
    async with info.context.services.reads() as conn:
        found = await reads.own_page(
            conn, viewer.id, size, decode_cursor("check-in", after), start, end
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


def build_shared_check_in(r: Any, viewer_id: UUID) -> SharedCheckInType:
    """What a circle sees of a shared check-in: never the note."""
    return SharedCheckInType(
        sharer=MemberType.public(
            r["member_id"], r["display_name"], r["pronouns"], r["bio"], r["member_since"], viewer_id
        ),
        mood=r["mood"],
        mood_label=MOOD_LABELS[r["mood"]],
        emotions=list(emotions_from_text(r["emotions"])),
        checked_in_at=r["created_at"],
        shared_at=r["shared_at"],
    )


async def shared_check_ins(
    info: strawberry.Info, circle_id: UUID, first: int | None, after: str | None
) -> Connection[SharedCheckInType]:
    size = page_size(first)
    viewer = await info.context.member()
    hidden = tuple((await info.context.filters()).hidden_authors)
    async with info.context.services.reads() as conn:
        rows = await reads.shared_page(
            conn, circle_id, size, decode_cursor("shared-check-in", after), hidden
        )
    page = rows[:size]
    items = [build_shared_check_in(r, viewer.id) for r in page]
    keys = [(r["shared_at"], r["id"]) for r in page]
    return connection("shared-check-in", items, keys, len(rows) > size, after)
