"""GraphQL enums mirroring the domain's, each value described."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from domain.circles.model import MembershipStatus, Role, Topic, Visibility
from domain.posts.model import ReactionKind
from domain.safety.model import RiskLevel


def described_enum(cls: type[Enum], name: str, description: str, values: dict[str, str]) -> Any:
    wrapped: Any = strawberry.enum(cls, name=name, description=description)
    for value in wrapped.__strawberry_definition__.values:
        value.description = values[value.name]
    return wrapped


TopicEnum = described_enum(
    Topic,
    "Topic",
    "What a circle is about; also used to label content warnings.",
    {t.name: t.name.replace("_", " ").capitalize() + "." for t in Topic},
)
VisibilityEnum = described_enum(
    Visibility,
    "Visibility",
    "Who can find a circle. Posts are always for active members only.",
    {
        "PUBLIC": "Anyone signed in can find it and join at once.",
        "PRIVATE": "Only members see it; joining needs an invite code or approval.",
    },
)
RoleEnum = described_enum(
    Role,
    "CircleRole",
    "A member's role in a circle.",
    {
        "OWNER": "Created or was handed the circle; names moderators.",
        "MODERATOR": "Approves requests, invites, removes posts and bans.",
        "MEMBER": "Takes part.",
    },
)
StatusEnum = described_enum(
    MembershipStatus,
    "MembershipStatus",
    "Where a membership stands.",
    {
        "ACTIVE": "In the circle: reads and posts.",
        "PENDING": "Asked to join a private circle; waits for a moderator.",
        "BANNED": "Removed by a moderator; cannot rejoin.",
    },
)
ReactionKindEnum = described_enum(
    ReactionKind,
    "ReactionKind",
    "Supportive reactions. They are not a score.",
    {
        "HUG": "Sending a hug.",
        "ME_TOO": "I've been there too.",
        "STRENGTH": "Sending strength.",
        "THANK_YOU": "Thank you for sharing.",
    },
)
RiskLevelEnum = described_enum(
    RiskLevel,
    "RiskLevel",
    "How worried a reader should be about what was written, as Hearth's risk detector "
    "rated it. A safety net, never a diagnosis.",
    {
        "NONE": "Nothing of concern was found.",
        "CONCERN": "Signs of distress: hopelessness, thoughts of death or self-harm without "
        "a plan, or abuse being disclosed.",
        "URGENT": "Signs of immediate risk: intent, a plan, means or timing, or a goodbye.",
    },
)
