"""Inputs and payloads of the check-in mutations."""

from __future__ import annotations

import strawberry

from api.checkins.types import MOOD_DESCRIPTION, CheckInReminderType, CheckInType
from api.errors import UserError
from api.mutation_support import IDEMPOTENCY_KEY
from api.safety.prompts import SafetyPrompt
from domain.checkins.model import Emotion

_ERRORS = "Why the input was refused."


@strawberry.input(description="How you feel right now.")
class CheckInInput:
    mood: int = strawberry.field(description=MOOD_DESCRIPTION)
    emotions: list[Emotion] = strawberry.field(
        default_factory=list, description="Up to 10 emotions; repeats are ignored."
    )
    note: str | None = strawberry.field(
        default=None, description="A private note, at most 2,000 characters. Never shared."
    )
    share_with_circle_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Circles (you are an active member of, at most 10) to share the mood and "
        "emotions with. The note is never shared.",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="Changes to one of your check-ins, within 24 hours of making it.")
class EditCheckInInput:
    check_in_id: strawberry.ID = strawberry.field(description="The check-in.")
    mood: int | None = strawberry.field(default=None, description="A new mood, 1 to 5.")
    emotions: list[Emotion] | None = strawberry.field(
        default=None, description="Replaces the emotions; omit to keep them."
    )
    note: str | None = strawberry.field(
        default=None, description="Replaces the note; an empty string clears it."
    )
    share_with_circle_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Replaces the circles it is shared with; an empty list stops sharing.",
    )


@strawberry.input(description="One of your check-ins.")
class DeleteCheckInInput:
    check_in_id: strawberry.ID = strawberry.field(description="The check-in.")


@strawberry.input(description="Your check-in reminder settings, in your profile's timezone.")
class SetCheckInReminderInput:
    enabled: bool = strawberry.field(description="False turns reminders off.")
    local_times: list[str] = strawberry.field(
        default_factory=list,
        description='Up to three 24-hour local times, "HH:MM" (e.g. "08:30"); at least one '
        "when enabled.",
    )
    weekdays: list[int] = strawberry.field(
        default_factory=list,
        description="ISO weekdays, 1 Monday ... 7 Sunday; at least one when enabled.",
    )


@strawberry.type(description="The result of `checkIn` or `editCheckIn`.")
class CheckInPayload:
    check_in: CheckInType | None = strawberry.field(
        description="The check-in after the change; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
    safety: SafetyPrompt | None = strawberry.field(
        default=None,
        description="Support for the author when what they wrote was rated CONCERN or "
        "higher (only they see it: no one else is told about a note); null otherwise.",
    )


@strawberry.type(description="The result of `deleteCheckIn`.")
class DeleteCheckInPayload:
    deleted_check_in_id: strawberry.ID | None = strawberry.field(
        description="The ID of the deleted check-in; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `setCheckInReminder`.")
class SetCheckInReminderPayload:
    reminder: CheckInReminderType | None = strawberry.field(
        description="The saved settings; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
