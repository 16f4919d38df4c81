"""Safety tables: ratings (never the text), staff roles, the safety queue, its audit
trail, and members' "I'm safe right now"."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, Table, Text
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class RiskRatingRow(SQLModel, table=True):
    __tablename__ = "risk_rating"
    __table_args__ = (Index("ix_risk_rating_target", "target_kind", "target_id", "rated_at"),)

    id: uuid.UUID = Field(primary_key=True)
    target_kind: str = Field(max_length=10)
    target_id: uuid.UUID
    level: int
    reasons: str = Field(sa_column=Column(Text, nullable=False))  # a JSON list of rule ids
    detector_version: str = Field(max_length=200)
    rated_at: datetime = Field(sa_column=utc_column())


class StaffRoleRow(SQLModel, table=True):
    __tablename__ = "staff_role"

    firebase_uid: str = Field(primary_key=True, max_length=128)
    role: str = Field(max_length=20)
    on_call: bool = Field(default=False)
    granted_at: datetime = Field(sa_column=utc_column())
    granted_by: str = Field(max_length=200)


class SafetyItemRow(SQLModel, table=True):
    __tablename__ = "safety_item"
    __table_args__ = (
        Index("ix_safety_item_queue", "status", "level", "created_at"),
        Index("ix_safety_item_target", "target_kind", "target_id"),
    )

    id: uuid.UUID = Field(primary_key=True)
    source: str = Field(max_length=20)
    target_kind: str = Field(max_length=10)
    target_id: uuid.UUID
    circle_id: uuid.UUID | None = Field(default=None, foreign_key="circle.id", ondelete="SET NULL")
    author_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    level: int
    reasons: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=utc_column())
    status: str = Field(max_length=15)
    last_alerted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    alert_count: int = Field(default=0)
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    acknowledged_by: uuid.UUID | None = Field(default=None)
    resolved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    resolved_by: uuid.UUID | None = Field(default=None)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SafetyAuditRow(SQLModel, table=True):
    __tablename__ = "safety_audit"

    id: uuid.UUID = Field(primary_key=True)
    at: datetime = Field(sa_column=utc_column(index=True))
    actor: str = Field(max_length=200)
    action: str = Field(max_length=30)
    subject: str = Field(max_length=200)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SafeSaidRow(SQLModel, table=True):
    __tablename__ = "safe_said"
    __table_args__ = (Index("ix_safe_said_target", "target_kind", "target_id", "at"),)

    id: uuid.UUID = Field(primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    target_kind: str = Field(max_length=10)
    target_id: uuid.UUID
    at: datetime = Field(sa_column=utc_column())


risk_rating_table: Table = RiskRatingRow.__table__  # type: ignore[attr-defined]
staff_role_table: Table = StaffRoleRow.__table__  # type: ignore[attr-defined]
safety_item_table: Table = SafetyItemRow.__table__  # type: ignore[attr-defined]
safety_audit_table: Table = SafetyAuditRow.__table__  # type: ignore[attr-defined]
safe_said_table: Table = SafeSaidRow.__table__  # type: ignore[attr-defined]
