"""Reads of a circle's pins."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.circles.pins import Pin
from infra.db.repositories.pins import pins_query, to_pin


async def pins_of(conn: AsyncConnection, circle_id: UUID) -> list[Pin]:
    """Every pin of the circle (live or dead), in pinning order."""
    rows = (await conn.execute(pins_query(circle_id))).mappings().all()
    return [to_pin(row) for row in rows]
