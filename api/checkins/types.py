"""GraphQL types for check-ins, their insights and reminders.

Privacy: ``CheckIn`` (with its note) is built only for its owner. What circles
see is ``SharedCheckIn``, a different type that has no note field at all.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from api.enums import described_enum
from api.node import NODE_RESOLVERS, Node, register_node, to_global_id
from domain.checkins.insights import Insights
from domain.checkins.model import MOOD_LABELS, CheckIn, CheckInReminder, Emotion

if TYPE_CHECKING:
    from api.circles.types import CircleType
    from api.members.types import MemberType

MOOD_DESCRIPTION = "How the member felt, 1 to 5: 1 Very low, 2 Low, 3 Okay, 4 Good, 5 Very good."
_MOOD_LABEL = 'The mood in words: "Very low", "Low", "Okay", "Good" or "Very good".'

EmotionEnum = described_enum(
    Emotion,
    "Emotion",
    "A named feeling a member can add to a check-in (at most 10 per check-in).",
    {
        "ANXIOUS": "Worried, on edge.",
        "CALM": "Settled, at ease.",
        "SAD": "Down, low, tearful.",
        "HOPEFUL": "Looking forward; things may get better.",
        "ANGRY": "Cross, frustrated, furious.",
        "LONELY": "Alone, cut off from others.",
        "GRATEFUL": "Thankful for something or someone.",
        "TIRED": "Worn out, low on energy.",
        "OVERWHELMED": "Too much at once.",
        "CONTENT": "Fine as things are.",
        "ASHAMED": "Embarrassed or bad about oneself.",
        "PROUD": "Pleased with something one did.",
        "NUMB": "Flat, feeling little or nothing.",
        "IRRITABLE": "Easily annoyed, short-tempered.",
        "SAFE": "Secure, out of harm's way.",
        "CONNECTED": "Close to others, understood.",
    },
)


class InsightsPeriod(Enum):
    """How far back insights look; the value is the number of local days."""

    LAST_7_DAYS = 7
    LAST_30_DAYS = 30
    LAST_90_DAYS = 90


InsightsPeriodEnum = described_enum(
    InsightsPeriod,
    "CheckInInsightsPeriod",
    "How far back check-in insights look, in local days, today included.",
    {
        "LAST_7_DAYS": "The last 7 local days, today included.",
        "LAST_30_DAYS": "The last 30 local days, today included.",
        "LAST_90_DAYS": "The last 90 local days, today included.",
    },
)


@strawberry.type(
    name="CheckIn",
    description="One of your own check-ins. Only its owner can ever see it (`node(id)` "
    "gives null to anyone else); circles see only `SharedCheckIn`, without the note.",
)
class CheckInType(Node):
    mood: int = strawberry.field(description=MOOD_DESCRIPTION)
    mood_label: str = strawberry.field(description=_MOOD_LABEL)
    emotions: list[Emotion] = strawberry.field(description="The emotions named, in order chosen.")
    note: str | None = strawberry.field(
        description="Your private note (at most 2,000 characters). Never shared with anyone."
    )
    created_at: datetime = strawberry.field(description="When you checked in.")
    edited_at: datetime | None = strawberry.field(description="When you last changed it.")
    editable_until: datetime = strawberry.field(
        description="You can change it until then (24 hours after checking in)."
    )
    shared_circle_ids: strawberry.Private[tuple[UUID, ...]]

    @classmethod
    def build(cls, check_in: CheckIn) -> CheckInType:
        return cls(
            id=to_global_id("CheckIn", check_in.id),
            mood=check_in.mood,
            mood_label=MOOD_LABELS[check_in.mood],
            emotions=list(check_in.emotions),
            note=check_in.note,
            created_at=check_in.created_at,
            edited_at=check_in.edited_at,
            editable_until=check_in.editable_until(),
            shared_circle_ids=check_in.shared_circle_ids,
        )

    @strawberry.field(
        description="Circles its mood and emotions are shared with (those you can still see)."
    )
    async def shared_with(
        self, info: strawberry.Info
    ) -> list[Annotated[CircleType, strawberry.lazy("api.circles.types")]]:
        # Through node(id:)'s resolver of circles (api.circles.types registers it), so
        # that this module does not import the circle types, which import it.
        circles = await NODE_RESOLVERS["Circle"](info, list(self.shared_circle_ids))
        return [c for c in circles if c is not None]


@register_node("CheckIn")
async def resolve_check_ins(info: strawberry.Info, ids: list[UUID]) -> list[CheckInType | None]:
    """Only the owner resolves their check-ins; everyone else gets null."""
    viewer = await info.context.member_or_none()
    if viewer is None:
        return [None] * len(ids)
    found = await info.context.services.check_in_reads.own_by_ids(ids, viewer.id)
    return [CheckInType.build(found[i]) if i in found else None for i in ids]


@strawberry.type(
    name="SharedCheckIn",
    description="A check-in a member shared with a circle: their mood and emotions only. "
    "The private note is never part of it.",
)
class SharedCheckInType(Node):
    sharer: Annotated[MemberType, strawberry.lazy("api.members.types")] = strawberry.field(
        description="Who checked in (their public profile and pseudonym)."
    )
    mood: int = strawberry.field(description=MOOD_DESCRIPTION)
    mood_label: str = strawberry.field(description=_MOOD_LABEL)
    emotions: list[Emotion] = strawberry.field(description="The emotions they named.")
    checked_in_at: datetime = strawberry.field(description="When they checked in.")
    shared_at: datetime = strawberry.field(description="When they shared it with this circle.")
    circle_id: strawberry.ID = strawberry.field(
        description="The circle it is shared with (one check-in shared with two circles is "
        "two SharedCheckIns with different ids)."
    )


@strawberry.type(name="CheckInDayMood", description="The average mood of one local day.")
class DayMoodType:
    day: date = strawberry.field(description="The day, in your timezone.")
    average_mood: float = strawberry.field(description="Average mood that day (1 to 5).")
    count: int = strawberry.field(description="Check-ins that day.")


@strawberry.type(name="EmotionCount", description="How often an emotion was named.")
class EmotionCountType:
    emotion: Emotion = strawberry.field(description="The emotion.")
    count: int = strawberry.field(description="In how many check-ins it was named.")


@strawberry.type(
    name="CheckInInsights",
    description="A summary of your own check-ins over recent days, counted by local day in "
    "your current timezone.",
)
class CheckInInsightsType:
    days: int = strawberry.field(description="How many local days the summary covers.")
    timezone: str = strawberry.field(description="The timezone the days are counted in.")
    first_day: date = strawberry.field(description="The first local day covered.")
    last_day: date = strawberry.field(description="The last local day covered (today).")
    count: int = strawberry.field(description="Check-ins in the period.")
    average_mood: float | None = strawberry.field(
        description="Average mood (1 to 5, two decimals); null without check-ins."
    )
    mood_by_day: list[DayMoodType] = strawberry.field(
        description="Average mood of each day that has check-ins, oldest first."
    )
    emotion_counts: list[EmotionCountType] = strawberry.field(
        description="Emotions named, most frequent first."
    )
    current_streak: int = strawberry.field(
        description="Consecutive days with a check-in, ending today (or yesterday, when you "
        "have not checked in yet today)."
    )
    longest_streak: int = strawberry.field(
        description="The longest run of consecutive days with a check-in in the period."
    )

    @classmethod
    def build(cls, insights: Insights) -> CheckInInsightsType:
        return cls(
            days=insights.days,
            timezone=insights.timezone,
            first_day=insights.first_day,
            last_day=insights.last_day,
            count=insights.count,
            average_mood=insights.average_mood,
            mood_by_day=[
                DayMoodType(day=d.day, average_mood=d.average_mood, count=d.count)
                for d in insights.mood_by_day
            ],
            emotion_counts=[
                EmotionCountType(emotion=e.emotion, count=e.count) for e in insights.emotion_counts
            ],
            current_streak=insights.current_streak,
            longest_streak=insights.longest_streak,
        )


@strawberry.type(name="CheckInReminder", description="When Hearth reminds you to check in.")
class CheckInReminderType:
    id: strawberry.ID = strawberry.field(
        description="Stable for each member: one reminder setting per member (for caches)."
    )
    enabled: bool = strawberry.field(description="False when reminders are off.")
    local_times: list[str] = strawberry.field(
        description='Up to three 24-hour local times, "HH:MM", earliest first.'
    )
    weekdays: list[int] = strawberry.field(
        description="ISO weekdays it fires on: 1 Monday ... 7 Sunday."
    )
    timezone: str = strawberry.field(
        description="The timezone the times are in: yours; it follows profile changes."
    )
    next_reminder_at: datetime | None = strawberry.field(
        description="The next reminder (skipped if you already checked in that day); null when off."
    )

    @classmethod
    def build(cls, reminder: CheckInReminder) -> CheckInReminderType:
        schedule = reminder.schedule
        return cls(
            id=to_global_id("CheckInReminder", reminder.member_id),
            enabled=schedule.enabled,
            local_times=[t.strftime("%H:%M") for t in schedule.local_times],
            weekdays=sorted(schedule.weekdays),
            timezone=schedule.timezone,
            next_reminder_at=reminder.next_fire_at if schedule.enabled else None,
        )
