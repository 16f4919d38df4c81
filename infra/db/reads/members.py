"""Set-based reads of members with Core selects (the fast path for loaders)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.members.model import Member
from domain.moderation.model import ViewerFilters
from infra.db.mapping import topics_from_text
from infra.db.reads import Connect
from infra.db.reads.statements import fetch, ids_in, per_dialect, unique
from infra.db.repositories.members import member_from_mapping
from infra.db.tables.members import member_table
from infra.db.tables.moderation import block_table, topic_filter_table

_BY_IDS = per_dialect(lambda pg: select(member_table).where(ids_in(member_table.c.id, "ids", pg)))


def _ids_of(column: Any, where: Any, pg: bool) -> Any:
    """One correlated aggregate of ids: an array on PostgreSQL, text on SQLite."""
    aggregate = func.array_agg(column) if pg else func.group_concat(column)
    return select(aggregate).where(where).scalar_subquery()


def _viewers(pg: bool) -> Any:
    """Members with what they must not see (who they blocked, who blocked them, the
    topics they muted), so a request's viewer and their filters cost one statement."""
    b, f, m = block_table, topic_filter_table, member_table
    return select(
        m,
        _ids_of(b.c.blocked_id, b.c.blocker_id == m.c.id, pg).label("blocked_ids"),
        _ids_of(b.c.blocker_id, b.c.blocked_id == m.c.id, pg).label("blocker_ids"),
        select(f.c.muted_topics).where(f.c.member_id == m.c.id).scalar_subquery().label("muted"),
    )


_BY_UIDS = per_dialect(
    lambda pg: _viewers(pg).where(ids_in(member_table.c.firebase_uid, "uids", pg))
)
_BY_UID = per_dialect(
    lambda pg: _viewers(pg).where(member_table.c.firebase_uid == bindparam("uid"))
)
"""A request's one viewer. With ``= ANY($1)`` PostgreSQL planned the prepared statement
again on every execution (0.195 against 0.075 ms of its CPU, on every request); with
an equality it keeps one plan (``tests/integration/test_read_plans.py``)."""


def _uuids(value: Any) -> set[UUID]:
    if not value:
        return set()
    if isinstance(value, str):
        return {UUID(part) for part in value.split(",") if part}
    return {v if isinstance(v, UUID) else UUID(str(v)) for v in value}


def viewer_filters(row: Any) -> ViewerFilters:
    hidden = _uuids(row["blocked_ids"]) | _uuids(row["blocker_ids"])
    return ViewerFilters(frozenset(hidden), frozenset(topics_from_text(row["muted"])))


async def by_ids(conn: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, Member]:
    rows = await fetch(conn, _BY_IDS(conn), {"ids": unique(ids)})
    return {row["id"]: member_from_mapping(row) for row in rows}


async def by_uids(
    conn: AsyncConnection, uids: Sequence[str]
) -> dict[str, tuple[Member, ViewerFilters]]:
    """Members by sign-in uid, each with their :class:`ViewerFilters`."""
    wanted = unique(uids)
    if len(wanted) == 1:
        rows = await fetch(conn, _BY_UID(conn), {"uid": wanted[0]})
    else:
        rows = await fetch(conn, _BY_UIDS(conn), {"uids": wanted})
    return {row["firebase_uid"]: (member_from_mapping(row), viewer_filters(row)) for row in rows}


class SqlMemberReads:
    """``domain.members.reads.MemberReads``: one connection per call, one statement."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    async def by_ids(self, ids: Sequence[UUID]) -> dict[UUID, Member]:
        async with self._connect() as conn:
            return await by_ids(conn, ids)

    async def viewers_by_uids(self, uids: Sequence[str]) -> dict[str, tuple[Member, ViewerFilters]]:
        async with self._connect() as conn:
            return await by_uids(conn, uids)
