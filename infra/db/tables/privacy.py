"""Consent, data-export and export-chunk tables.

An export's JSON document is stored in ordered chunks (``data_export_chunk``), so
the worker writes it and the download route streams it without holding the whole
document in memory.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, Table, Text
from sqlmodel import Field, SQLModel

from infra.db.tables.members import utc_column


class ConsentRow(SQLModel, table=True):
    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_member_kind", "member_id", "kind", "given_at"),)

    id: uuid.UUID = Field(primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)
    version: str = Field(max_length=20)
    given_at: datetime = Field(sa_column=utc_column())
    withdrawn_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class DataExportRow(SQLModel, table=True):
    __tablename__ = "data_export"
    __table_args__ = (
        Index("ix_data_export_member_requested", "member_id", "requested_at"),
        Index("ix_data_export_status", "status", "requested_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    member_id: uuid.UUID = Field(foreign_key="member.id", ondelete="CASCADE")
    status: str = Field(max_length=10)
    requested_at: datetime = Field(sa_column=utc_column())
    completed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    expires_at: datetime = Field(sa_column=utc_column(index=True))
    byte_size: int = Field(default=0)
    attempts: int = Field(default=0)
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class DataExportChunkRow(SQLModel, table=True):
    __tablename__ = "data_export_chunk"

    export_id: uuid.UUID = Field(foreign_key="data_export.id", primary_key=True, ondelete="CASCADE")
    seq: int = Field(primary_key=True)
    data: str = Field(sa_column=Column(Text, nullable=False))


consent_table: Table = ConsentRow.__table__  # type: ignore[attr-defined]
data_export_table: Table = DataExportRow.__table__  # type: ignore[attr-defined]
data_export_chunk_table: Table = DataExportChunkRow.__table__  # type: ignore[attr-defined]
