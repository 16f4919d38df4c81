"""Circle, membership and invite tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Table
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class CircleRow(SQLModel, table=True):
    __tablename__ = "circle"
    __table_args__ = (Index("ix_circle_visibility_created", "visibility", "created_at", "id"),)

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(max_length=60)
    description: str = Field(max_length=500)
    topics: str = Field(max_length=400)  # ",ANXIETY,GRIEF," so a topic filter is one LIKE
    visibility: str = Field(max_length=10)
    capacity: int
    guidelines: str = Field(max_length=2000)
    created_at: datetime = Field(sa_column=utc_column())
    created_by: uuid.UUID = Field(foreign_key="member.id", index=True)
    active_count: int = Field(default=0)
    nudge_after_minutes: int = Field(default=20, sa_column_kwargs={"server_default": "20"})


class MembershipRow(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (Index("ix_membership_member_status", "member_id", "status"),)

    circle_id: uuid.UUID = Field(foreign_key="circle.id", primary_key=True, ondelete="CASCADE")
    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True)
    role: str = Field(max_length=10)
    status: str = Field(max_length=10)
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    muted_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class InviteRow(SQLModel, table=True):
    __tablename__ = "invite"
    __table_args__ = (Index("ix_invite_circle_code", "circle_id", "code_hash", unique=True),)

    id: uuid.UUID = Field(primary_key=True)
    circle_id: uuid.UUID = Field(foreign_key="circle.id", ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    created_by: uuid.UUID = Field(foreign_key="member.id")
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    max_uses: int
    uses: int = Field(default=0)


circle_table: Table = CircleRow.__table__  # type: ignore[attr-defined]
membership_table: Table = MembershipRow.__table__  # type: ignore[attr-defined]
invite_table: Table = InviteRow.__table__  # type: ignore[attr-defined]
