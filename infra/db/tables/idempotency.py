"""Idempotency keys of the mutations that create things (domain.idempotency)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Table
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class IdempotencyKeyRow(SQLModel, table=True):
    """One key a member sent with a createPost, replyToPost, checkIn or react, and what
    the first send created. Kept 24 hours; the worker's retention pass drops older ones."""

    __tablename__ = "idempotency_key"
    __table_args__ = (Index("ix_idempotency_key_created", "created_at"),)

    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=100)
    operation: str = Field(max_length=20)
    result_id: uuid.UUID
    created_at: datetime = Field(sa_column=utc_column())


idempotency_key_table: Table = IdempotencyKeyRow.__table__  # type: ignore[attr-defined]
