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
from api.node import register_pair_node, to_global_id, to_pair_id
from api.pagination import Connection, connection, decode_cursor, page_size
from domain.checkins import services as checkins
from domain.checkins.model import MOOD_LABELS
from domain.circles.model import can_read
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


def build_shared_check_in(r: Any, viewer_id: UUID, circle_id: UUID) -> SharedCheckInType:
    """What a circle sees of a shared check-in: never the note."""
    return SharedCheckInType(
        id=to_pair_id("SharedCheckIn", r["id"], circle_id),
        circle_id=to_global_id("Circle", circle_id),
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
    items = [build_shared_check_in(r, viewer.id, circle_id) for r in page]
    keys = [(r["shared_at"], r["id"]) for r in page]
    return connection("shared-check-in", items, keys, len(rows) > size, after)


@register_pair_node("SharedCheckIn")
async def resolve_shared_check_ins(
    info: strawberry.Info, keys: list[tuple[UUID, UUID]]
) -> list[SharedCheckInType | None]:
    """A share resolves, as ``Circle.sharedCheckIns`` lists it, only for the circle's
    active members, while the sharer is still an active member and neither has blocked
    the other; null for everyone else."""
    viewer = await info.context.member_or_none()
    if viewer is None:
        return [None] * len(keys)
    hidden = (await info.context.filters()).hidden_authors
    found: list[SharedCheckInType | None] = []
    async with info.context.services.reads() as conn:
        for check_in_id, circle_id in keys:
            pair = await info.context.loaders.circle_by_id.load(circle_id)
            if pair is None or not can_read(pair[1]):
                found.append(None)
                continue
            row = await reads.shared_one(conn, circle_id, check_in_id, sharer_active=True)
            if row is None or row["member_id"] in hidden:
                found.append(None)
                continue
            found.append(build_shared_check_in(row, viewer.id, circle_id))
    return found
