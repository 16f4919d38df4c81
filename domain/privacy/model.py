"""Consents, and the limits of the data-rights use cases.

Hearth asks for two consents. The community guidelines (with the adult gate) are
accepted at onboarding and cover community content (posts, replies, reactions).
The health-data consent (GDPR article 9(2)(a): explicit consent) covers check-ins,
their notes and shares, reminders and the insights computed from them; it is
separate, optional at onboarding, and can be withdrawn at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

CURRENT_HEALTH_DATA_CONSENT_VERSION = "2026-12"
"""The health-data consent text a member must accept before checking in."""

HEALTH_DATA_CONSENT_SUMMARY = (
    "Check-ins are health data. If you agree, Hearth stores your moods, emotions, private "
    "notes and reminder times to show them back to you, to share the mood and emotions you "
    "choose with your circles, and to remind you to check in. Only you ever see your notes. "
    "You can withdraw this consent at any time: your check-ins, notes, shares and reminders "
    "are then deleted. Posts and replies are not health data under this consent."
)

REAUTH_WINDOW = timedelta(minutes=5)
"""Deleting an account needs a sign-in at most this old."""


class ConsentKind(StrEnum):
    """What a member agreed to."""

    GUIDELINES = "GUIDELINES"
    HEALTH_DATA = "HEALTH_DATA"


@dataclass(frozen=True, slots=True)
class Consent:
    """One consent given by a member, and when it was withdrawn (if it was)."""

    id: UUID
    member_id: UUID
    kind: ConsentKind
    version: str
    given_at: datetime
    withdrawn_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
