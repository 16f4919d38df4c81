"""GraphQL enums mirroring the domain's, each value described."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from domain.circles.model import MembershipStatus, Role, Topic, Visibility
from domain.moderation.model import (
    ModerationActionKind,
    ReportDecision,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.posts.model import ReactionKind
from domain.safety.model import RiskLevel
from domain.support.model import StatsPeriod


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
ReportReasonEnum = described_enum(
    ReportReason,
    "ReportReason",
    "Why a member reports a post, a reply or a member.",
    {
        "HARASSMENT": "Harassment or bullying.",
        "SELF_HARM_RISK": "Someone may hurt themselves (also reaches the safety team).",
        "SUICIDE_RISK": "Someone may be thinking about suicide (also reaches the safety team).",
        "SPAM": "Spam, selling or recruiting.",
        "HATE": "Hate against a group or identity.",
        "SEXUAL_CONTENT": "Sexual content.",
        "GROOMING": "Grooming, or pressing someone into private contact.",
        "PRIVATE_INFORMATION": "Shares identifying or private information.",
        "MISINFORMATION": "Harmful misinformation, e.g. unqualified medical advice.",
        "IMPERSONATION": "Pretends to be someone else.",
        "OTHER": "Something else (say what in the note).",
    },
)
ReportStatusEnum = described_enum(
    ReportStatus,
    "ModerationStatus",
    "Where reports about an item stand.",
    {
        "OPEN": "Waiting for a moderator.",
        "ACTIONED": "A moderator upheld them.",
        "DISMISSED": "A moderator found nothing to act on.",
    },
)
ReportDecisionEnum = described_enum(
    ReportDecision,
    "ReportDecision",
    "How a moderator closes reports.",
    {"ACTIONED": "Upheld: the member concerned gets a notice.", "DISMISSED": "Nothing to act on."},
)
TargetTypeEnum = described_enum(
    TargetType,
    "ModerationTargetType",
    "What a report or moderation action is about.",
    {"POST": "A post.", "REPLY": "A reply.", "MEMBER": "A member."},
)
ModerationActionKindEnum = described_enum(
    ModerationActionKind,
    "ModerationActionKind",
    "What a moderator did.",
    {
        "HIDE_CONTENT": "Hid a post or reply.",
        "RESTORE_CONTENT": "Restored a hidden post or reply.",
        "REMOVE_CONTENT": "Removed someone else's post or reply.",
        "REMOVE_MEMBER": "Took a member out of the circle.",
        "BAN_MEMBER": "Banned a member.",
        "UNBAN_MEMBER": "Lifted a ban.",
        "MUTE_MEMBER": "Muted a member (or lifted a mute).",
        "RESOLVE_ACTIONED": "Upheld reports.",
        "RESOLVE_DISMISSED": "Dismissed reports.",
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
StatsPeriodEnum = described_enum(
    StatsPeriod,
    "SupportStatsPeriod",
    "The window of a circle's support statistics, ending now.",
    {
        "DAY": "The last 24 hours.",
        "WEEK": "The last 7 days.",
        "MONTH": "The last 30 days.",
    },
)
