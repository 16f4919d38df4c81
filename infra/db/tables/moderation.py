"""Blocks, topic filters, reports and the moderation log.

Reports and log lines keep their target's id without a foreign key: they outlive
the content (and the circle) they are about, for the safety team and the audit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, Table, Text, false, text
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class MemberBlockRow(SQLModel, table=True):
    __tablename__ = "member_block"
    __table_args__ = (Index("ix_member_block_blocked", "blocked_id", "blocker_id"),)

    blocker_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    blocked_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(sa_column=utc_column())


class TopicFilterRow(SQLModel, table=True):
    __tablename__ = "topic_filter"

    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    muted_topics: str = Field(max_length=400)  # ",GRIEF,TRAUMA," like circle topics
    updated_at: datetime = Field(sa_column=utc_column())


class ReportRow(SQLModel, table=True):
    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_circle_status", "circle_id", "status", "target_id"),
        Index(
            "ux_report_open_per_reporter",
            "reporter_id",
            "target_id",
            unique=True,
            sqlite_where=text("status = 'OPEN'"),
            postgresql_where=text("status = 'OPEN'"),
        ),
        Index("ix_report_safety_review", "safety_review", "status", "created_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    circle_id: uuid.UUID
    reporter_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    target_type: str = Field(max_length=10)
    target_id: uuid.UUID
    target_member_id: uuid.UUID
    reason: str = Field(max_length=30)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(max_length=10)
    safety_review: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(sa_column=utc_column())
    resolved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    resolved_by: uuid.UUID | None = None
    decision_message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ModerationActionRow(SQLModel, table=True):
    __tablename__ = "moderation_action"
    __table_args__ = (Index("ix_moderation_action_circle", "circle_id", "created_at", "id"),)

    id: uuid.UUID = Field(primary_key=True)
    circle_id: uuid.UUID
    actor_id: uuid.UUID
    kind: str = Field(max_length=20)
    target_type: str = Field(max_length=10)
    target_id: uuid.UUID
    target_member_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=30)
    message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())


block_table: Table = MemberBlockRow.__table__  # type: ignore[attr-defined]
topic_filter_table: Table = TopicFilterRow.__table__  # type: ignore[attr-defined]
report_table: Table = ReportRow.__table__  # type: ignore[attr-defined]
moderation_action_table: Table = ModerationActionRow.__table__  # type: ignore[attr-defined]
