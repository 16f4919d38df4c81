"""Device, notification-preference and notification (outbox + inbox) tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, false
from sqlmodel import Field, SQLModel

from infra.db.tables.members import partial_index, utc_column


class DeviceRow(SQLModel, table=True):
    """One push registration. ``token`` is the Firebase Installation ID (FID)."""

    __tablename__ = "device"
    __table_args__ = (Index("ix_device_member_seen", "member_id", "last_seen_at"),)

    token: str = Field(primary_key=True, max_length=255)
    member_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    platform: str = Field(max_length=10)
    app_version: str = Field(max_length=40)
    locale: str = Field(max_length=35)
    created_at: datetime = Field(sa_column=utc_column())
    last_seen_at: datetime = Field(sa_column=utc_column())


class NotificationPreferencesRow(SQLModel, table=True):
    __tablename__ = "notification_preferences"

    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    replies: bool
    reactions: bool
    circle_activity: bool
    check_in_reminders: bool
    quiet_start: str | None = Field(default=None, max_length=5)  # "22:00", local
    quiet_end: str | None = Field(default=None, max_length=5)
    show_previews: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    moderation_decisions: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    updated_at: datetime = Field(sa_column=utc_column())


class NamedCircleRow(SQLModel, table=True):
    """A circle whose name the member chose to see in push titles (opt-in, per
    circle; never for circles about the topics in
    ``domain.notifications.rules.NEVER_NAMED_TOPICS``)."""

    __tablename__ = "notification_named_circle"

    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    circle_id: uuid.UUID = Field(foreign_key="circle.id", primary_key=True, ondelete="CASCADE")


class NotificationRow(SQLModel, table=True):
    """The transactional outbox and the in-app inbox in one table."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_status_next", "status", "next_attempt_at"),
        Index("ix_notification_member_created", "member_id", "created_at", "id"),
        Index("ix_notification_member_collapse", "member_id", "collapse_key", "status"),
        Index("ix_notification_member_sent", "member_id", "sent_at"),
        # the retention job's hourly looks: read items past their 90 days, unread ones
        # past their 180 (domain.privacy.retention)
        partial_index("ix_notification_read", "read_at", where="read_at IS NOT NULL"),
        partial_index("ix_notification_unread_created", "created_at", where="read_at IS NULL"),
    )

    id: uuid.UUID = Field(primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)
    title: str = Field(max_length=200)
    body: str = Field(max_length=400)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    dedupe_key: str = Field(max_length=200, unique=True)
    collapse_key: str | None = Field(default=None, max_length=64)
    count: int = Field(default=1)
    urgent: bool = Field(default=False)
    status: str = Field(max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=utc_column())
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_error: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(sa_column=utc_column())
    read_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


device_table: Table = DeviceRow.__table__  # type: ignore[attr-defined]
preferences_table: Table = NotificationPreferencesRow.__table__  # type: ignore[attr-defined]
notification_table: Table = NotificationRow.__table__  # type: ignore[attr-defined]
named_circle_table: Table = NamedCircleRow.__table__  # type: ignore[attr-defined]
