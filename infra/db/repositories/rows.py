"""What the repositories share: the dialect's INSERT (``dialect_insert``, and
``upsert`` on it), and one table's rows by id, read and written as a domain object
(``RowsById``: the start of the repositories whose objects are kept one row each).

The statements run on every request (a row by id, a membership, a reaction) are built
once, with named parameters (``once``): building a statement and its cache key cost
about a third of such a statement's CPU (``docs/performance.md``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

_BUILT: dict[Hashable, Any] = {}


def once(key: Hashable, build: Callable[[], Any]) -> Any:
    """The statement built for ``key``: ``build()`` the first time, then the same one."""
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = build()
    return found


def by_id(table: Table) -> Any:
    """``SELECT * FROM table WHERE id = :id``, built once per table."""
    return once(
        ("by_id", table.name),
        lambda: select(table).where(table.c.id == bindparam("id", type_=table.c.id.type)),
    )


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """The session's dialect's INSERT (PostgreSQL's or SQLite's): it has ON CONFLICT."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def upsert(
    session: AsyncSession, table: Any, values: dict[str, Any], key: str, kept: tuple[str, ...] = ()
) -> None:
    """Insert ``values`` as a row, or, when a row with the same ``key`` exists, set its
    other columns to them (but the ``kept`` ones)."""
    statement = dialect_insert(session, table).values(**values)
    changes = {k: statement.excluded[k] for k in values if k != key and k not in kept}
    await session.execute(statement.on_conflict_do_update(index_elements=[key], set_=changes))


class _Identified(Protocol):
    @property
    def id(self) -> UUID: ...


T = TypeVar("T", bound=_Identified)


class RowsById(Generic[T]):
    def __init__(
        self,
        session: AsyncSession,
        table: Table,
        to_object: Callable[[Mapping[Any, Any]], T],
        values: Callable[[T], dict[str, Any]],
        kept: tuple[str, ...] = (),
    ) -> None:
        """``kept``: columns an update leaves alone (others change them, atomically)."""
        self._session = session
        self._table = table
        self._to_object = to_object
        self._values = values
        self._kept = kept

    async def get(self, id: UUID) -> T | None:
        row = (await self._session.execute(by_id(self._table), {"id": id})).mappings().first()
        return self._to_object(row) if row else None

    async def add(self, item: T) -> None:
        await self._session.execute(insert(self._table).values(**self._values(item)))

    async def update(self, item: T) -> None:
        t = self._table
        values = {k: v for k, v in self._values(item).items() if k not in self._kept}
        await self._session.execute(update(t).where(t.c.id == item.id).values(**values))
