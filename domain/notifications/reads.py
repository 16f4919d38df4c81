"""What the API reads about a member's inbox: their own notifications only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.notifications.model import Notification

InboxKey = tuple[datetime, UUID]
"""A notification's place in the inbox: (created_at, id), newest first."""


class NotificationReads(Protocol):
    async def inbox_page(
        self, member_id: UUID, first: int, after: InboxKey | None
    ) -> list[Notification]:
        """Up to ``first + 1`` of the member's notifications, newest first (every
        status: the inbox shows what was pushed and what was kept in-app only)."""
        ...

    async def unread_count(self, member_id: UUID) -> int: ...

    async def own_by_ids(self, ids: Sequence[UUID], member_id: UUID) -> dict[UUID, Notification]:
        """Those of ``ids`` that are the member's own (nobody reads another's)."""
        ...

    async def badge(
        self, member_id: UUID, notification_id: UUID | None
    ) -> tuple[Notification | None, int]:
        """For a live update, on one connection: the new notification (when it is the
        member's own and still there) and the member's unread count."""
        ...
