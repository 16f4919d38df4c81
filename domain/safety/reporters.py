"""Who reported a post or reply as a suicide or self-harm risk: for the safety team
only (never the author, never peer moderators), and the read port that answers it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation.model import ReportReason


@dataclass(frozen=True, slots=True)
class SafetyReporterView:
    reporter_id: UUID
    display_name: str
    reason: ReportReason
    reported_at: datetime


class SafetyReporterReads(Protocol):
    async def safety_reporters(
        self, target_ids: Sequence[UUID]
    ) -> Mapping[UUID, list[SafetyReporterView]]:
        """For each post or reply, who reported it as a risk, oldest first."""
        ...
