"""Ports of the data-rights area."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.privacy.model import Consent, ConsentKind


class ConsentRepository(Protocol):
    """Consents a member gave (the guidelines consent lives on the member's profile)."""

    async def add(self, consent: Consent) -> None: ...

    async def active(self, member_id: UUID, kind: ConsentKind) -> Consent | None:
        """The member's consent of this kind that is not withdrawn, if any."""
        ...

    async def of_member(self, member_id: UUID) -> list[Consent]:
        """Every consent the member gave, oldest first."""
        ...

    async def withdraw(self, member_id: UUID, kind: ConsentKind, at: datetime) -> None:
        """Mark the member's active consent of this kind withdrawn."""
        ...


class HealthDataEraser(Protocol):
    """Removes everything a member stored under the health-data consent."""

    async def erase_health_data(self, member_id: UUID) -> int:
        """Delete the member's check-ins (notes and shares with them), reminder
        settings and check-in reminder notifications; returns the check-ins deleted."""
        ...
