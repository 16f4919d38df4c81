"""The safety prompt in the payloads of createPost, editPost, replyToPost, editReply,
checkIn and editCheckIn."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.enums import RiskLevelEnum  # noqa: F401 - registers the enum
from api.node import to_global_id
from api.safety.types import CrisisResourcesType
from domain.members.model import Member
from domain.safety.model import RiskLevel
from domain.safety.prompt import prompt_for
from domain.safety.team import TargetKind

_NODE_TYPES = {TargetKind.POST: "Post", TargetKind.REPLY: "Reply", TargetKind.CHECK_IN: "CheckIn"}


@strawberry.type(
    description="Shown only to the author, right after they wrote something that sounds "
    "like they may be struggling (a rating of CONCERN or higher). What they wrote is "
    "published as it is: Hearth never hides or removes a cry for help. Hearth is peer "
    "support, not a crisis or emergency service."
)
class SafetyPrompt:
    level: RiskLevel = strawberry.field(
        description="CONCERN or URGENT, so that the app can tailor what it shows (for URGENT, "
        "the emergency number first)."
    )
    message: str = strawberry.field(
        description="A short, kind message to show with the resources (plain words, no "
        "clinical labels)."
    )
    resources: CrisisResourcesType = strawberry.field(
        description="Crisis lines and emergency numbers for the member's region, with "
        "international directories as the fallback."
    )
    target_id: strawberry.ID = strawberry.field(
        description="The post, reply or check-in the prompt is about. Pass it to "
        "`imSafeRightNow` when the member says they are safe right now."
    )


def safety_prompt(
    info: strawberry.Info, viewer: Member, kind: TargetKind, target_id: UUID, level: RiskLevel
) -> SafetyPrompt | None:
    """The prompt for the author's own rated content, or None below CONCERN."""
    prompt = prompt_for(
        level, kind, target_id, viewer.region, info.context.services.crisis_directory
    )
    if prompt is None:
        return None
    return SafetyPrompt(
        level=prompt.level,
        message=prompt.message,
        resources=CrisisResourcesType.from_domain(prompt.resources),
        target_id=strawberry.ID(to_global_id(_NODE_TYPES[kind], target_id)),
    )
