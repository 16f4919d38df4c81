"""Validation of circle input."""

from __future__ import annotations

from collections.abc import Sequence

from domain.circles.model import Topic
from domain.errors import DomainError, ErrorCode
from domain.members.rules import normalize_display_name, normalize_text

NAME_MIN, NAME_MAX = 3, 60
DESCRIPTION_MAX = 500
GUIDELINES_MAX = 2_000
CAPACITY_MIN, CAPACITY_MAX, CAPACITY_DEFAULT = 2, 100, 30
TOPICS_MAX = 5
NUDGE_MIN, NUDGE_MAX, NUDGE_DEFAULT = 5, 240, 20
"""Minutes a post waits unanswered before an available member is nudged."""


def field(name: str) -> tuple[str, ...]:
    return ("input", name)


def check_name(raw: str, errors: list[DomainError]) -> str:
    name = normalize_display_name(raw)
    if len(name) < NAME_MIN:
        errors.append(
            DomainError(ErrorCode.TOO_SHORT, "Name needs at least 3 characters.", field("name"))
        )
    elif len(name) > NAME_MAX:
        errors.append(
            DomainError(ErrorCode.TOO_LONG, "Name can have at most 60 characters.", field("name"))
        )
    return name


def check_text(raw: str, limit: int, name: str, errors: list[DomainError]) -> str:
    text = normalize_text(raw)
    if len(text) > limit:
        errors.append(
            DomainError(
                ErrorCode.TOO_LONG, f"This can have at most {limit} characters.", field(name)
            )
        )
    return text


def check_topics(raw: Sequence[Topic], errors: list[DomainError]) -> tuple[Topic, ...]:
    topics = tuple(dict.fromkeys(raw))
    if not topics:
        errors.append(DomainError(ErrorCode.INVALID, "Choose at least one topic.", field("topics")))
    elif len(topics) > TOPICS_MAX:
        errors.append(
            DomainError(ErrorCode.TOO_LONG, f"Choose at most {TOPICS_MAX} topics.", field("topics"))
        )
    return topics


def check_capacity(capacity: int, errors: list[DomainError], active: int = 0) -> int:
    if not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                f"Capacity must be between {CAPACITY_MIN} and {CAPACITY_MAX}.",
                field("capacity"),
            )
        )
    elif capacity < active:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                f"The circle already has {active} members; capacity can't be lower.",
                field("capacity"),
            )
        )
    return capacity


def check_nudge_minutes(minutes: int, errors: list[DomainError]) -> int:
    if not NUDGE_MIN <= minutes <= NUDGE_MAX:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                f"Nudge after {NUDGE_MIN} to {NUDGE_MAX} minutes.",
                field("nudgeAfterMinutes"),
            )
        )
    return minutes
