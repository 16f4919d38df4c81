"""Check-in, check-in share and check-in reminder tables.

``check_in.note`` is private to the member: only the owner's reads select it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, Table, Text, false
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class CheckInRow(SQLModel, table=True):
    __tablename__ = "check_in"
    __table_args__ = (Index("ix_check_in_member_created", "member_id", "created_at", "id"),)

    id: uuid.UUID = Field(primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    mood: int
    emotions: str = Field(default="", max_length=200)  # ",ANXIOUS,TIRED," like circle topics
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    edited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The note's latest rating (domain.safety.model.RiskLevel); never shown to anyone else.
    risk_level: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class CheckInShareRow(SQLModel, table=True):
    __tablename__ = "check_in_share"
    __table_args__ = (
        Index("ix_check_in_share_circle_feed", "circle_id", "shared_at", "check_in_id"),
    )

    check_in_id: uuid.UUID = Field(foreign_key="check_in.id", primary_key=True, ondelete="CASCADE")
    circle_id: uuid.UUID = Field(foreign_key="circle.id", primary_key=True, ondelete="CASCADE")
    shared_at: datetime = Field(sa_column=utc_column())


class CheckInReminderRow(SQLModel, table=True):
    __tablename__ = "check_in_reminder"

    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    enabled: bool
    local_times: str = Field(max_length=20)  # "08:00,20:30"
    weekdays: str = Field(max_length=20)  # "1,2,3,4,5"
    timezone: str = Field(max_length=64)
    next_fire_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    consecutive_unanswered: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    paused: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    updated_at: datetime = Field(sa_column=utc_column())


check_in_table: Table = CheckInRow.__table__  # type: ignore[attr-defined]
check_in_share_table: Table = CheckInShareRow.__table__  # type: ignore[attr-defined]
check_in_reminder_table: Table = CheckInReminderRow.__table__  # type: ignore[attr-defined]
