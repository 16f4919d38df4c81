"""Member tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, Table, text
from sqlmodel import Column, Field, SQLModel

from infra.db.types import UTCDateTime


def utc_column(*, nullable: bool = False, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable, index=index)


def partial_index(name: str, *columns: str, where: str) -> Index:
    """An index of the rows ``where`` holds, on PostgreSQL and SQLite alike: small when
    those rows are few (removed content, read notifications)."""
    return Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))


class MemberRow(SQLModel, table=True):
    __tablename__ = "member"
    # unique, so no two display names look alike even when two members race
    __table_args__ = (Index("ux_member_name_skeleton", "name_skeleton", unique=True),)

    id: uuid.UUID = Field(primary_key=True)
    firebase_uid: str = Field(max_length=128, unique=True)
    display_name: str = Field(max_length=40)
    display_name_key: str = Field(max_length=80, unique=True)
    pronouns: str | None = Field(default=None, max_length=40)
    bio: str | None = Field(default=None, max_length=300)
    timezone: str = Field(max_length=64)
    region: str = Field(max_length=2)
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    guidelines_version: str = Field(max_length=20)
    guidelines_accepted_at: datetime = Field(sa_column=utc_column())
    adult_confirmed_at: datetime = Field(sa_column=utc_column())
    # the display name's confusable skeleton (infra.confusables); NULL only for names
    # kept from before the rule that looked like an older member's
    name_skeleton: str | None = Field(default=None, max_length=400)


member_table: Table = MemberRow.__table__  # type: ignore[attr-defined]
