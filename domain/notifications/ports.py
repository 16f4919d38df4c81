"""Repositories the notification use cases need (part of the unit of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.notifications.model import Device, Notification, NotificationPreferences


class DeviceRepository(Protocol):
    """Push registrations, keyed by FID (one member per FID)."""

    async def save(self, device: Device) -> None:
        """Insert, or move an existing FID to ``device.member_id`` and refresh it."""
        ...

    async def remove(self, token: str, member_id: UUID) -> bool:
        """Delete the member's registration of ``token``; False when there was none."""
        ...

    async def trim(self, member_id: UUID, keep: int) -> int:
        """Keep the member's ``keep`` most recently seen devices; returns how many went."""
        ...

    async def for_members(self, member_ids: Sequence[UUID]) -> dict[UUID, list[Device]]: ...

    async def delete_tokens(self, tokens: Sequence[str]) -> None: ...


class NotificationPreferencesRepository(Protocol):
    async def get(self, member_id: UUID) -> NotificationPreferences | None: ...

    async def save(self, preferences: NotificationPreferences) -> None:
        """Insert or replace."""
        ...


class NotificationRepository(Protocol):
    """The outbox and inbox."""

    async def add(self, notification: Notification) -> bool:
        """Insert; False (and nothing written) when its ``dedupe_key`` already exists."""
        ...

    async def pending_to_collapse(
        self, member_id: UUID, collapse_key: str, since: datetime
    ) -> Notification | None:
        """The newest PENDING notification with this collapse key created at or after
        ``since``."""
        ...

    async def update_pending(self, notification: Notification) -> bool:
        """Save title, body, data and count, only if the row is still PENDING."""
        ...

    async def latest_by_collapse_key(
        self, member_id: UUID, collapse_key: str, since: datetime
    ) -> Notification | None:
        """The newest notification with this collapse key created at or after ``since``,
        whatever its status (pending, sent or inbox only)."""
        ...

    async def update_text(self, notification: Notification) -> bool:
        """Save title, body, data and count whatever the row's status (a sent one is
        not pushed again: only the inbox shows the change)."""
        ...

    async def mark_read(self, member_id: UUID, ids: Sequence[UUID] | None, at: datetime) -> int:
        """Mark the member's unread notifications read (all when ``ids`` is None)."""
        ...

    async def unread_count(self, member_id: UUID) -> int:
        """How many of the member's notifications are unread."""
        ...
