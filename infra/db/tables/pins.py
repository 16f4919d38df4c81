"""Circle pins: up to three resources or posts a circle's moderators keep on top."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Table
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class CirclePinRow(SQLModel, table=True):
    """One pin. The primary key (circle, slot) with slots 1 to 3 caps a circle at
    three pins in the database itself, even under concurrent pinning."""

    __tablename__ = "circle_pin"
    __table_args__ = (
        CheckConstraint("slot BETWEEN 1 AND 3", name="ck_circle_pin_slot"),
        Index("ix_circle_pin_item", "circle_id", "item_id", unique=True),
    )

    circle_id: uuid.UUID = Field(foreign_key="circle.id", primary_key=True, ondelete="CASCADE")
    slot: int = Field(primary_key=True)
    kind: str = Field(max_length=10)  # POST or RESOURCE
    item_id: uuid.UUID  # a post's id, or a resource's id (derived from its slug)
    pinned_by: uuid.UUID = Field(foreign_key="member.id")
    pinned_at: datetime = Field(sa_column=utc_column())


circle_pin_table: Table = CirclePinRow.__table__  # type: ignore[attr-defined]
