"""Support availability ("I'm around to listen") and the nudges sent about
unanswered posts (domain.support)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Table
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class SupportAvailabilityRow(SQLModel, table=True):
    """One row per circle the member offered to listen in, until ``until``."""

    __tablename__ = "support_availability"
    __table_args__ = (Index("ix_support_availability_circle", "circle_id", "until"),)

    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    circle_id: uuid.UUID = Field(foreign_key="circle.id", primary_key=True, ondelete="CASCADE")
    until: datetime = Field(sa_column=utc_column())
    all_circles: bool = Field(default=False)
    set_at: datetime = Field(sa_column=utc_column())


class SupportNudgeRow(SQLModel, table=True):
    """A push that asked an available member to look at an unanswered post. ``seq``
    (1..3) is unique per post: a second worker (or a restarted one) cannot send the
    same nudge twice."""

    __tablename__ = "support_nudge"
    __table_args__ = (
        Index("ux_support_nudge_post_seq", "post_id", "seq", unique=True),
        Index("ix_support_nudge_member", "member_id", "nudged_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    post_id: uuid.UUID = Field(foreign_key="post.id", ondelete="CASCADE")
    circle_id: uuid.UUID = Field(foreign_key="circle.id", ondelete="CASCADE", index=True)
    member_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    seq: int
    nudged_at: datetime = Field(sa_column=utc_column())


support_availability_table: Table = SupportAvailabilityRow.__table__  # type: ignore[attr-defined]
support_nudge_table: Table = SupportNudgeRow.__table__  # type: ignore[attr-defined]
