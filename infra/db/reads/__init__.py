"""Read-side adapters: each ``Sql<Area>Reads`` implements its area's read port."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncConnection

Connect = Callable[[], AsyncConnection]
"""``Services.reads``: a pooled connection for reads, used as ``async with connect() as conn``."""
