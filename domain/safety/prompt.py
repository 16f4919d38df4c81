"""What a member sees right after writing something the detector rated CONCERN or
URGENT: a short, kind message, the crisis lines of their region, and a way to say
"I'm safe right now".

The wording follows the Samaritans' guidelines for online platforms and #chatsafe:
warm and plain, no clinical labels, no alarm, no judgement, and always a path to real
help. The content itself is published as written; nothing is hidden or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.errors import DomainError
from domain.safety.crisis import CrisisDirectory, CrisisResources, resources_for
from domain.safety.model import RiskLevel
from domain.safety.team import TargetKind

CONCERN_MESSAGE = (
    "Thank you for sharing this. It sounds like things are really hard right now, and "
    "you don't have to carry it alone. If you'd like to talk to someone, the people at "
    "these services are there to listen."
)
URGENT_MESSAGE = (
    "We're really glad you told us. It sounds like you're going through a lot right now. "
    "You deserve support, and you can talk to someone now: these services are free and "
    "confidential. If you are in danger, please call your emergency number."
)


@dataclass(frozen=True, slots=True)
class SafetyPrompt:
    """Shown only to the author, with the rating's level so the app can tailor it."""

    level: RiskLevel
    message: str
    resources: CrisisResources
    target_kind: TargetKind
    target_id: UUID


def prompt_for(
    level: RiskLevel,
    target_kind: TargetKind,
    target_id: UUID,
    region: str | None,
    directory: CrisisDirectory,
) -> SafetyPrompt | None:
    """The prompt for a rating, or None below CONCERN. A region the crisis data does not
    know falls back to the international directories instead of failing the write."""
    if level < RiskLevel.CONCERN:
        return None
    message = URGENT_MESSAGE if level >= RiskLevel.URGENT else CONCERN_MESSAGE
    try:
        resources = resources_for(directory, region)
    except DomainError:  # never let signposting fail the member's own write
        resources = resources_for(directory, None)
    return SafetyPrompt(level, message, resources, target_kind, target_id)
