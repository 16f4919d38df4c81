"""Check-ins: a member's private note of how they feel, and reminders to make one.

A check-in is always the member's own. Its mood and emotions may be shared with
circles the member is an active member of; its note never leaves the member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.checkins.reminders import ReminderSchedule
from domain.safety.model import RiskLevel

MOOD_MIN, MOOD_MAX = 1, 5
MOOD_LABELS: dict[int, str] = {1: "Very low", 2: "Low", 3: "Okay", 4: "Good", 5: "Very good"}
"""What each mood value means, as members see it."""

MAX_EMOTIONS = 10
"""How many distinct emotions one check-in may name."""
NOTE_MAX = 2_000
"""The longest private note, in characters (after normalisation)."""
MAX_SHARES = 10
"""How many circles one check-in may be shared with."""
EDIT_WINDOW = timedelta(hours=24)
"""A check-in can be edited for this long after it was made."""


class Emotion(StrEnum):
    """Named feelings a member can add to a check-in.

    A deliberately small, plain-language set balanced between hard and easier
    feelings, so a member in a bad moment can pick quickly. The order is the
    display order (and the tie-break order of frequencies).
    """

    ANXIOUS = "ANXIOUS"
    CALM = "CALM"
    SAD = "SAD"
    HOPEFUL = "HOPEFUL"
    ANGRY = "ANGRY"
    LONELY = "LONELY"
    GRATEFUL = "GRATEFUL"
    TIRED = "TIRED"
    OVERWHELMED = "OVERWHELMED"
    CONTENT = "CONTENT"
    ASHAMED = "ASHAMED"
    PROUD = "PROUD"
    NUMB = "NUMB"
    IRRITABLE = "IRRITABLE"
    SAFE = "SAFE"
    CONNECTED = "CONNECTED"


@dataclass(slots=True)
class CheckIn:
    """One check-in. ``note`` is private to ``member_id``, always."""

    id: UUID
    member_id: UUID
    mood: int
    emotions: tuple[Emotion, ...]
    note: str | None
    created_at: datetime
    edited_at: datetime | None = None
    shared_circle_ids: tuple[UUID, ...] = ()
    risk_level: RiskLevel = RiskLevel.NONE

    def editable_until(self) -> datetime:
        """The last instant the member may still edit it."""
        return self.created_at + EDIT_WINDOW

    def can_edit_at(self, now: datetime) -> bool:
        return now < self.editable_until()


@dataclass(slots=True)
class CheckInReminder:
    """A member's reminder settings, stored in the timezone they had when saved.

    ``next_fire_at`` is the next UTC instant to remind them (None when the
    schedule cannot fire). ``consecutive_unanswered`` and ``paused`` belong to
    the reminder worker, which backs off when reminders go unanswered.
    """

    member_id: UUID
    schedule: ReminderSchedule
    next_fire_at: datetime | None
    updated_at: datetime
    consecutive_unanswered: int = 0
    paused: bool = False
