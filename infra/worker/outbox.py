"""The outbox in SQL: claim due rows, count today's pushes, record outcomes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    column,
    delete,
    func,
    or_,
    select,
    update,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.notifications.model import (
    Device,
    NotificationKind,
    NotificationStatus,
)
from domain.notifications.rules import local_day_bounds
from infra.db.repositories.notifications import to_device
from infra.db.tables.members import member_table
from infra.db.tables.notifications import device_table, notification_table, preferences_table
from infra.worker.messages import _PENDING, _SENDING, Claimed, _quiet


async def claim_rows(
    engine: AsyncEngine,
    postgres: bool,
    worker_id: str,
    now: datetime,
    lease: timedelta,
    batch_size: int,
) -> list[Claimed]:
    """Claim due rows (PENDING and due, or SENDING with an expired lease) for this worker."""
    t = notification_table
    due = or_(
        and_(t.c.status == _PENDING, t.c.next_attempt_at <= now),
        and_(t.c.status == _SENDING, t.c.claimed_until < now),
    )
    pick = select(t.c.id).where(due).order_by(t.c.next_attempt_at).limit(batch_size)
    if postgres:
        pick = pick.with_for_update(skip_locked=True)
    async with engine.begin() as conn:
        ids = list((await conn.execute(pick)).scalars())
        if not ids:
            return []
        await conn.execute(
            update(t)
            .where(t.c.id.in_(ids))
            .values(
                status=_SENDING,
                claimed_by=worker_id,
                claimed_until=now + lease,
                attempts=t.c.attempts + 1,
            )
        )
        m, p = member_table, preferences_table
        query = (
            select(t, m.c.timezone, p.c.quiet_start, p.c.quiet_end)
            .join(m, m.c.id == t.c.member_id)
            .outerjoin(p, p.c.member_id == t.c.member_id)
            .where(t.c.id.in_(ids))
            .order_by(t.c.next_attempt_at)
        )
        rows = [
            Claimed(
                id=r["id"],
                member_id=r["member_id"],
                kind=NotificationKind(r["kind"]),
                title=r["title"],
                body=r["body"],
                data=dict(r["data"] or {}),
                collapse_key=r["collapse_key"],
                count=r["count"],
                urgent=r["urgent"],
                attempts=r["attempts"],
                created_at=r["created_at"],
                timezone=r["timezone"],
                quiet=_quiet(r["quiet_start"], r["quiet_end"]),
            )
            for r in (await conn.execute(query)).mappings()
        ]
        d = device_table
        member_ids = list({r.member_id for r in rows})
        devices: dict[UUID, list[Device]] = defaultdict(list)
        for dev in (await conn.execute(select(d).where(d.c.member_id.in_(member_ids)))).mappings():
            devices[dev["member_id"]].append(to_device(dev))
    for row in rows:
        row.devices = devices.get(row.member_id, [])
    return rows


def sent_today_query(postgres: bool, days: list[tuple[UUID, datetime, datetime]]) -> Any:
    """(member, count of pushes SENT in [day start, day end)) for each (member, start,
    end): one count per member through ``ix_notification_member_sent`` (member, sent_at),
    so the cost is today's rows of these members whatever the table holds. (A single
    ``member_id IN (...)`` over the batch was planned, in the worker soak, as a scan of
    every SENT row tested against the whole list: 75 ms at 1,000 rows, 450 ms at
    60,000; docs/operations.md.)"""
    t = notification_table
    m: Any
    if postgres:  # three array parameters: one prepared statement for every batch size
        m = (
            func.unnest(
                bindparam("ids", type_=ARRAY(t.c.member_id.type)),
                bindparam("starts", type_=ARRAY(t.c.sent_at.type)),
                bindparam("ends", type_=ARRAY(t.c.sent_at.type)),
            )
            .table_valued(
                column("id", t.c.member_id.type),
                column("day_start", t.c.sent_at.type),
                column("day_end", t.c.sent_at.type),
            )
            .render_derived(name="m")
        )
    else:  # SQLite names a VALUES list's columns only in a WITH clause
        m = (
            values(
                column("id", t.c.member_id.type),
                column("day_start", t.c.sent_at.type),
                column("day_end", t.c.sent_at.type),
                name="m",
            )
            .data(days)
            .cte("m")
        )
    count = (
        select(func.count())
        .where(
            t.c.member_id == m.c.id,
            t.c.sent_at >= m.c.day_start,
            t.c.sent_at < m.c.day_end,
            t.c.status == NotificationStatus.SENT.value,
        )
        .scalar_subquery()
    )
    return select(m.c.id, count)


async def sent_today(
    engine: AsyncEngine, timezones: dict[UUID, str], now: datetime
) -> defaultdict[UUID, int]:
    """Pushes already sent to each member on their local day so far: one count per
    member, computed in the database, so a round never loads the day's sent rows."""
    counts: defaultdict[UUID, int] = defaultdict(int)
    if not timezones:
        return counts
    days = []
    for member, tz in timezones.items():
        _, start, end = local_day_bounds(tz, now)
        days.append((member, start, end))
    postgres = engine.dialect.name == "postgresql"
    query = sent_today_query(postgres, days)
    params = {}
    if postgres:
        params = {"ids": [d[0] for d in days], "starts": [d[1] for d in days]}
        params["ends"] = [d[2] for d in days]
    async with engine.connect() as conn:
        for member_id, count in (await conn.execute(query, params)).all():
            if count:
                counts[member_id] = int(count)
    return counts


async def finish_rows(
    engine: AsyncEngine,
    worker_id: str,
    now: datetime,
    sent: list[UUID],
    inbox_only: list[UUID],
    failed: list[tuple[UUID, str | None]],
    retry: dict[UUID, tuple[datetime, str | None]],
    deferred: dict[UUID, datetime],
    prune: list[str],
) -> int:
    """Record the outcomes; returns how many rows this worker still owned."""
    t = notification_table
    mine = and_(t.c.status == _SENDING, t.c.claimed_by == worker_id)
    released = {"claimed_by": None, "claimed_until": None}
    changed = 0
    async with engine.begin() as conn:
        if sent:
            r: Any = await conn.execute(
                update(t)
                .where(mine, t.c.id.in_(sent))
                .values(status=NotificationStatus.SENT.value, sent_at=now, **released)
            )
            changed += r.rowcount
        if inbox_only:
            r = await conn.execute(
                update(t)
                .where(mine, t.c.id.in_(inbox_only))
                .values(status=NotificationStatus.INBOX_ONLY.value, **released)
            )
            changed += r.rowcount
        if failed:
            changed += await _each(
                conn,
                mine,
                [{"id": row_id, "last_error": error} for row_id, error in failed],
                {"status": NotificationStatus.FAILED.value, **released},
            )
        if retry:
            changed += await _each(
                conn,
                mine,
                [
                    {"id": row_id, "next_attempt_at": at, "last_error": error}
                    for row_id, (at, error) in retry.items()
                ],
                {"status": _PENDING, **released},
            )
        if deferred:
            changed += await _each(
                conn,
                mine,
                [{"id": row_id, "next_attempt_at": at} for row_id, at in deferred.items()],
                # waiting for morning is not an attempt
                {"status": _PENDING, "attempts": t.c.attempts - 1, **released},
            )
        if prune:
            d = device_table
            await conn.execute(delete(d).where(d.c.token.in_(list(set(prune)))))
    return changed


_ROWS_PER_STATEMENT = 1000
"""Rows per outcome statement (3 bound values each: far below either database's limit)."""


async def _each(
    conn: AsyncConnection,
    mine: ColumnElement[bool],
    rows: list[dict[str, Any]],
    same: dict[str, Any],
) -> int:
    """Set each row (``id`` and its own values: a retry's time and error, all rows with
    the same keys) and ``same`` on all of them, in a constant number of statements however
    many rows: a batch that FCM refused whole is not finished one UPDATE per row.
    PostgreSQL: one ``UPDATE ... FROM (VALUES ...) AS v`` per :data:`_ROWS_PER_STATEMENT`
    rows; SQLite (which names no VALUES columns): one prepared UPDATE run for every row
    (``executemany``)."""
    t = notification_table
    names = [name for name in rows[0] if name != "id"]
    if conn.dialect.name != "postgresql":
        per_row = {name: bindparam(name, type_=t.c[name].type) for name in names}
        statement = update(t).where(mine, t.c.id == bindparam("row_id")).values(**same, **per_row)
        params = [{"row_id": row["id"], **{name: row[name] for name in names}} for row in rows]
        result: Any = await conn.execute(statement, params)
        return int(result.rowcount)
    changed = 0
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        v = values(*(column(name, t.c[name].type) for name in ("id", *names)), name="v").data(
            [tuple(row[name] for name in ("id", *names)) for row in chunk]
        )
        result = await conn.execute(
            update(t)
            .where(mine, t.c.id == v.c.id)
            .values(**same, **{name: v.c[name] for name in names})
        )
        changed += result.rowcount
    return changed
