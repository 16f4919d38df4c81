"""The outbox in SQL: claim due rows, count today's pushes, record outcomes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
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


async def sent_today(
    engine: AsyncEngine, timezones: dict[UUID, str], now: datetime
) -> defaultdict[UUID, int]:
    """Pushes already sent to each member on their local day so far: one count per
    member, computed in the database (members of one timezone share their day's
    bounds), so a round never loads the day's sent rows themselves."""
    t = notification_table
    counts: defaultdict[UUID, int] = defaultdict(int)
    if not timezones:
        return counts
    by_day: defaultdict[tuple[datetime, datetime], list[UUID]] = defaultdict(list)
    for member, tz in timezones.items():
        _, start, end = local_day_bounds(tz, now)
        by_day[(start, end)].append(member)
    within = [
        and_(t.c.member_id.in_(members), t.c.sent_at >= start, t.c.sent_at < end)
        for (start, end), members in by_day.items()
    ]
    query = (
        select(t.c.member_id, func.count())
        .where(t.c.status == NotificationStatus.SENT.value, or_(*within))
        .group_by(t.c.member_id)
    )
    async with engine.connect() as conn:
        for member_id, count in (await conn.execute(query)).all():
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
                [(row_id, (error,)) for row_id, error in failed],
                ("last_error", String()),
                lambda v: {
                    "status": NotificationStatus.FAILED.value,
                    "last_error": v["last_error"],
                    **released,
                },
            )
        if retry:
            changed += await _each(
                conn,
                mine,
                [(row_id, (at, error)) for row_id, (at, error) in retry.items()],
                ("next_attempt_at", DateTime(timezone=True)),
                ("last_error", String()),
                lambda v: {
                    "status": _PENDING,
                    "next_attempt_at": v["next_attempt_at"],
                    "last_error": v["last_error"],
                    **released,
                },
            )
        if deferred:
            changed += await _each(
                conn,
                mine,
                [(row_id, (at,)) for row_id, at in deferred.items()],
                ("next_attempt_at", DateTime(timezone=True)),
                lambda v: {
                    "status": _PENDING,
                    "next_attempt_at": v["next_attempt_at"],
                    "attempts": t.c.attempts - 1,  # waiting for morning is not an attempt
                    **released,
                },
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
    rows: list[tuple[UUID, tuple[Any, ...]]],
    *columns_and_values: Any,
) -> int:
    """Each row with its own values (a retry's time and error), in a constant number of
    statements however many rows: a batch that FCM refused whole is not finished one
    UPDATE per row. PostgreSQL: one ``UPDATE ... FROM (VALUES ...) AS v`` per
    :data:`_ROWS_PER_STATEMENT` rows; SQLite (which names no VALUES columns): one
    prepared UPDATE run for every row (``executemany``). The last argument builds the SET
    clause from the row's values by column name."""
    *columns, set_clause = columns_and_values
    t = notification_table
    if conn.dialect.name != "postgresql":
        statement = (
            update(t)
            .where(mine, t.c.id == bindparam("row_id"))
            .values(**set_clause({name: bindparam(name, type_=kind) for name, kind in columns}))
        )
        params = [
            {
                "row_id": row_id,
                **{name: value for (name, _), value in zip(columns, row_values, strict=True)},
            }
            for row_id, row_values in rows
        ]
        result: Any = await conn.execute(statement, params)
        return int(result.rowcount)
    changed = 0
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        v = values(
            column("id", t.c.id.type),
            *(column(name, kind) for name, kind in columns),
            name="v",
        ).data([(row_id, *row_values) for row_id, row_values in chunk])
        result = await conn.execute(
            update(t).where(mine, t.c.id == v.c.id).values(**set_clause(dict(v.c.items())))
        )
        changed += result.rowcount
    return changed
