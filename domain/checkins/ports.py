"""Repositories the check-in use cases need (part of the unit of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.checkins.model import CheckIn, CheckInReminder


class CheckInRepository(Protocol):
    """Stores check-ins with the circles they are shared with."""

    async def get(self, check_in_id: UUID) -> CheckIn | None: ...

    async def add(self, check_in: CheckIn) -> None: ...

    async def update(self, check_in: CheckIn) -> None:
        """Save the changes; shares not in ``shared_circle_ids`` any more are removed."""
        ...

    async def delete(self, check_in_id: UUID) -> None:
        """Remove the check-in and every share of it."""
        ...

    async def end_shares(self, member_id: UUID, circle_id: UUID) -> None:
        """End every share of the member's check-ins with the circle, for good
        (a member who leaves or is banned takes their shares with them)."""
        ...

    async def live_shares(
        self, member_id: UUID, circle_id: UUID | None = None
    ) -> list[tuple[UUID, UUID]]:
        """(check-in, circle) of each share of the member's check-ins that its circle can
        see now, i.e. in a circle the member is ACTIVE in (only ``circle_id``, when
        given); oldest share first."""
        ...

    async def created_between(
        self, member_id: UUID, start: datetime, end: datetime
    ) -> list[CheckIn]:
        """The member's check-ins made in ``[start, end)``, oldest first."""
        ...

    async def latest_times(self, member_ids: Sequence[UUID]) -> dict[UUID, datetime]:
        """When each member last checked in (members who never did are left out)."""
        ...


class CheckInReminderRepository(Protocol):
    """Stores one reminder setting per member."""

    async def get(self, member_id: UUID) -> CheckInReminder | None: ...

    async def save(self, reminder: CheckInReminder) -> None:
        """Insert or replace the member's settings."""
        ...

    async def due(self, window_start: datetime, window_end: datetime) -> list[CheckInReminder]:
        """Enabled, unpaused reminders with ``next_fire_at`` in ``[window_start,
        window_end)``, soonest first (served by an index on ``next_fire_at``)."""
        ...
