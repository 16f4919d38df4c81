"""Repositories the safety-team use cases need (part of the unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.safety.team import AuditEntry, RiskRating, SafeSaid, SafetyItem, StaffGrant, TargetKind


class RiskRatingRepository(Protocol):
    async def add(self, rating: RiskRating) -> None: ...

    async def latest(self, target_kind: TargetKind, target_id: UUID) -> RiskRating | None: ...


class StaffRepository(Protocol):
    async def get(self, firebase_uid: str) -> StaffGrant | None: ...

    async def save(self, grant: StaffGrant) -> None:
        """Insert or replace."""
        ...

    async def delete(self, firebase_uid: str) -> bool: ...

    async def on_call_member_ids(self) -> list[UUID]:
        """Members whose account holds an on-call SAFETY grant."""
        ...


class SafetyItemRepository(Protocol):
    async def get(self, item_id: UUID) -> SafetyItem | None: ...

    async def add(self, item: SafetyItem) -> None: ...

    async def update(self, item: SafetyItem) -> bool:
        """Save status, level, reasons, note and who/when, only if the stored status is still the
        one this item was read with (``expected``); False when it changed meanwhile."""
        ...

    async def unresolved_for(
        self, target_kind: TargetKind, target_id: UUID
    ) -> SafetyItem | None: ...

    async def due_for_realert(self, cutoff: datetime) -> list[SafetyItem]:
        """OPEN URGENT items last alerted at or before ``cutoff``."""
        ...

    async def mark_alerted(self, item_id: UUID, expected: datetime | None, at: datetime) -> bool:
        """Move ``last_alerted_at`` from ``expected`` to ``at`` (count one alert);
        False when another worker moved it first."""
        ...


class SafetyAuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...


class SafeSaidRepository(Protocol):
    async def add(self, said: SafeSaid) -> None: ...
