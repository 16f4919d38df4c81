"""Repositories the moderation use cases need (part of the unit of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.circles.model import Topic
from domain.moderation.model import ModerationAction, Report, ReportStatus


class BlockRepository(Protocol):
    async def add(self, blocker_id: UUID, blocked_id: UUID, at: datetime) -> bool:
        """Record the block; False when it already existed."""
        ...

    async def remove(self, blocker_id: UUID, blocked_id: UUID) -> bool: ...

    async def pairs_involving(self, member_ids: Sequence[UUID]) -> list[tuple[UUID, UUID]]:
        """Every (blocker, blocked) pair where one side is among ``member_ids``."""
        ...


class TopicFilterRepository(Protocol):
    async def get(self, member_id: UUID) -> tuple[Topic, ...]: ...

    async def save(self, member_id: UUID, topics: tuple[Topic, ...], at: datetime) -> None:
        """Insert or replace the member's muted topics."""
        ...


class ReportRepository(Protocol):
    async def add(self, report: Report) -> None: ...

    async def get(self, report_id: UUID) -> Report | None: ...

    async def open_by(self, reporter_id: UUID, target_id: UUID) -> Report | None:
        """The reporter's OPEN report of this target, if any."""
        ...

    async def open_for_target(self, circle_id: UUID, target_id: UUID) -> list[Report]: ...

    async def resolve(
        self,
        report_ids: Sequence[UUID],
        status: ReportStatus,
        by: UUID,
        at: datetime,
        message: str | None,
    ) -> None: ...


class ModerationLogRepository(Protocol):
    async def append(self, action: ModerationAction) -> None:
        """Add a line; lines are never changed or deleted."""
        ...
