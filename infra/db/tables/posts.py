"""Post, reply and reaction tables. ``author_id`` of anonymous content is kept
for safety work and never leaves the server."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, Table, Text
from sqlmodel import Field, SQLModel

from infra.db.tables.members import partial_index, utc_column

REMOVED = "removed_at IS NOT NULL"


class PostRow(SQLModel, table=True):
    __tablename__ = "post"
    __table_args__ = (
        Index("ix_post_circle_feed", "circle_id", "created_at", "id"),
        # posts still waiting for a first reply, oldest first (domain.support)
        Index("ix_post_awaiting", "circle_id", "first_reply_at", "created_at"),
        # the nudge job's scan of recent unanswered posts in every circle
        Index("ix_post_unanswered", "first_reply_at", "created_at"),
        # the retention job's hourly look for tombstones past their 30 days
        partial_index("ix_post_removed", "removed_at", where=REMOVED),
    )

    id: uuid.UUID = Field(primary_key=True)
    circle_id: uuid.UUID = Field(foreign_key="circle.id", ondelete="CASCADE")
    author_id: uuid.UUID = Field(foreign_key="member.id", index=True)
    anonymous: bool = Field(default=False)
    body: str = Field(sa_column=Column(Text, nullable=False))
    cw_topics: str | None = Field(default=None, max_length=400)
    cw_note: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=utc_column())
    edited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    removed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    removed_by: uuid.UUID | None = Field(default=None, foreign_key="member.id")
    # kinds of contact details masked, comma-separated (a flag for moderators)
    contact_masked: str | None = Field(default=None, max_length=80)
    # The latest rating's level (domain.safety.model.RiskLevel); every rating is in risk_rating.
    risk_level: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    hidden_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    hidden_by: uuid.UUID | None = None
    hidden_reason: str | None = Field(default=None, max_length=600)
    # The first reply by someone other than the author (set once, on reply): when, and
    # how many seconds after the post, so support statistics are plain SQL over columns.
    first_reply_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    first_reply_seconds: int | None = None


class ReplyRow(SQLModel, table=True):
    __tablename__ = "reply"
    __table_args__ = (
        Index("ix_reply_post_thread", "post_id", "created_at", "id"),
        partial_index("ix_reply_removed", "removed_at", where=REMOVED),
    )

    id: uuid.UUID = Field(primary_key=True)
    post_id: uuid.UUID = Field(foreign_key="post.id", ondelete="CASCADE")
    circle_id: uuid.UUID = Field(foreign_key="circle.id", ondelete="CASCADE", index=True)
    author_id: uuid.UUID = Field(foreign_key="member.id", index=True)
    anonymous: bool = Field(default=False)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=utc_column())
    edited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    removed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    removed_by: uuid.UUID | None = Field(default=None, foreign_key="member.id")
    contact_masked: str | None = Field(default=None, max_length=80)
    # The latest rating's level (domain.safety.model.RiskLevel); every rating is in risk_rating.
    risk_level: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    hidden_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    hidden_by: uuid.UUID | None = None
    hidden_reason: str | None = Field(default=None, max_length=600)


class ReactionRow(SQLModel, table=True):
    __tablename__ = "reaction"

    target_id: uuid.UUID = Field(primary_key=True)  # a post or a reply
    member_id: uuid.UUID = Field(foreign_key="member.id", primary_key=True, index=True)
    kind: str = Field(max_length=12, primary_key=True)
    circle_id: uuid.UUID = Field(foreign_key="circle.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(sa_column=utc_column())


post_table: Table = PostRow.__table__  # type: ignore[attr-defined]
reply_table: Table = ReplyRow.__table__  # type: ignore[attr-defined]
reaction_table: Table = ReactionRow.__table__  # type: ignore[attr-defined]
