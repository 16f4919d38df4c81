"""The circle pin repository (Core statements)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.circles.pins import Pin, PinKind
from infra.db.repositories.rows import dialect_insert
from infra.db.tables.pins import circle_pin_table


def to_pin(row: Any) -> Pin:
    return Pin(
        circle_id=row["circle_id"],
        kind=PinKind(row["kind"]),
        item_id=row["item_id"],
        slot=row["slot"],
        pinned_by=row["pinned_by"],
        pinned_at=row["pinned_at"],
    )


def pins_query(circle_id: UUID) -> Any:
    t = circle_pin_table
    return select(t).where(t.c.circle_id == circle_id).order_by(t.c.pinned_at, t.c.slot)


class SqlPinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def in_circle(self, circle_id: UUID) -> list[Pin]:
        rows = (await self._session.execute(pins_query(circle_id))).mappings().all()
        return [to_pin(row) for row in rows]

    async def add(self, pin: Pin) -> bool:
        values = {
            "circle_id": pin.circle_id,
            "slot": pin.slot,
            "kind": pin.kind.value,
            "item_id": pin.item_id,
            "pinned_by": pin.pinned_by,
            "pinned_at": pin.pinned_at,
        }
        # A clash with a concurrent pin (same slot or same item) must not abort the
        # transaction on PostgreSQL: it is reported, and the use case says CONFLICT.
        statement = (
            dialect_insert(self._session, circle_pin_table)
            .values(**values)
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return cast(CursorResult[Any], result).rowcount == 1

    async def remove(self, circle_id: UUID, item_ids: Collection[UUID]) -> None:
        t = circle_pin_table
        await self._session.execute(
            delete(t).where(t.c.circle_id == circle_id, t.c.item_id.in_(list(item_ids)))
        )
