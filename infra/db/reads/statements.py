"""Read statements built once per dialect, so every execution reuses SQLAlchemy's
compiled form instead of building and compiling a new statement.

A list of ids is one parameter: ``= ANY(:ids)`` (an array) on PostgreSQL, so every
list length shares one server-side prepared statement; an expanding ``IN`` on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")


def ids_in(column: Any, name: str, postgresql: bool) -> Any:
    """``column IN (:name...)``, as one array parameter on PostgreSQL."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def per_dialect(build: Callable[[bool], T]) -> Callable[[AsyncConnection], T]:
    """``build(postgresql)`` once per dialect; the result is reused."""
    built: dict[str, T] = {}

    def statement(conn: AsyncConnection) -> T:
        name = conn.dialect.name
        found = built.get(name)
        if found is None:
            found = built[name] = build(name == "postgresql")
        return found

    return statement


def unique(ids: Sequence[Any]) -> list[Any]:
    return list(dict.fromkeys(ids))


def param(name: str, column: Any) -> Any:
    """A named parameter typed like ``column`` (so its type's conversions apply)."""
    return bindparam(name, type_=column.type)
