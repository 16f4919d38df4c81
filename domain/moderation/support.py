"""What a member who reports a risk to someone's life or safety is given back."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.moderation.model import SAFETY_REASONS, ReportReason
from domain.safety.crisis import CrisisDirectory, CrisisResources, resources_for

SUPPORT_GUIDE = (
    "Thank you for speaking up. You did the right thing, and the circle's moderators and "
    "Hearth's safety team will see this. If you want to support them: reach out gently "
    "and privately-in-the-circle, say you are worried and that you care; ask directly "
    "whether they are thinking about suicide or hurting themselves (asking does not put "
    "the idea in their head); listen without judging or arguing; encourage them to "
    "contact a crisis line, a doctor or someone they trust, and offer to stay with them "
    "while they do. If someone is in immediate danger, call your local emergency number. "
    "You are not responsible for keeping them safe alone: look after yourself too."
)
"""Shown with SUICIDE_RISK and SELF_HARM_RISK reports, beside the crisis lines for the
reporter's region (:func:`reporter_support`)."""


@dataclass(frozen=True, slots=True)
class ReporterSupport:
    """What a member who reported a risk to someone's life gets back."""

    guide: str
    resources: CrisisResources


def reporter_support(
    reason: ReportReason, region: str | None, directory: CrisisDirectory
) -> ReporterSupport | None:
    """The guide and the crisis lines for the reporter's region (the international
    directories when the region has none verified) for a SUICIDE_RISK or
    SELF_HARM_RISK report; None for any other reason."""
    if reason not in SAFETY_REASONS:
        return None
    try:
        resources = resources_for(directory, region)
    except DomainError:  # an unknown region must not cost the reporter the lines
        resources = resources_for(directory, None)
    return ReporterSupport(SUPPORT_GUIDE, resources)
