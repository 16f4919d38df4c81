"""Read statements built once per dialect, so every execution reuses SQLAlchemy's
compiled form instead of building and compiling a new statement.

A list of ids is one parameter: ``= ANY(:ids)`` (an array) on PostgreSQL, so every
list length shares one server-side prepared statement; an expanding ``IN`` on SQLite.

On PostgreSQL ``fetch`` runs these statements on asyncpg directly (the "asyncpg read
lane"), a private detail of this package (only ``infra.db.reads`` modules call it).
It relies on SQLAlchemy internals, pinned in ``SQLALCHEMY_VERSION`` and checked by
``tests/unit/test_read_lane.py``: a compiled statement's ``positiontup`` and
``_bind_processors``, and ``dispatch.before_cursor_execute`` fired by hand.
``HEARTH_DIRECT_READS=false`` turns the lane off (every statement then goes through
``AsyncConnection.execute``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import all_, any_, bindparam, func
from sqlalchemy import column as sa_column
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from infra.db.engine import DIRECT_READS
from infra.db.errors import lost_on_driver

T = TypeVar("T")

SQLALCHEMY_VERSION = "2.1.9"
"""The SQLAlchemy version whose internals the lane was checked against."""


def ids_in(column: Any, name: str, postgresql: bool) -> Any:
    """``column IN (:name...)``, as one array parameter on PostgreSQL."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def ids_not_in(column: Any, name: str, postgresql: bool) -> Any:
    """``column NOT IN (:name...)`` (true for an empty list), one array on PostgreSQL."""
    if postgresql:
        return column != all_(bindparam(name, type_=ARRAY(column.type)))
    return column.not_in(bindparam(name, expanding=True))


def id_rows(column: Any, name: str, alias: str) -> Any:
    """PostgreSQL only: the ids of one array parameter as rows, ``unnest(:name) AS
    alias(id)``. A statement that starts from them is planned for a few rows, so it
    looks each id up through an index even on the generic plan of a prepared
    statement. With ``= ANY(:name)`` instead, that plan hash-joined every member to
    find the authors: on the bench database (2,000 members) a sequential scan of them
    on every call (``tests/integration/test_read_plans.py``)."""
    return (
        func.unnest(bindparam(name, type_=ARRAY(column.type)))
        .table_valued(sa_column("id", column.type))
        .render_derived(name=alias)
    )


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


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A statement compiled for asyncpg: SQL text and how to order its parameters."""

    sql: str
    names: tuple[str, ...]
    literals: dict[str, Any]
    processors: dict[str, Callable[[Any], Any]]


_PREPARED: dict[int, tuple[Any, _Prepared]] = {}


def _prepared(statement: Any, dialect: Any) -> _Prepared:
    found = _PREPARED.get(id(statement))
    if found is None:
        compiled = statement.compile(dialect=dialect)
        literals = {k: b.value for k, b in compiled.binds.items() if b.value is not None}
        prepared = _Prepared(
            compiled.string,
            tuple(compiled.positiontup or ()),
            literals,
            dict(compiled._bind_processors),
        )
        # The statement is kept so its id is never reused while this lives.
        found = _PREPARED[id(statement)] = (statement, prepared)
    return found[1]


async def fetch(
    conn: AsyncConnection, statement: Any, params: dict[str, Any], *, tuples: bool = False
) -> Sequence[Any]:
    """Rows of one of the statements above: read by column name, or with
    ``tuples=True`` unpacked by position.

    On PostgreSQL the statement runs on asyncpg directly with its SQL compiled once:
    SQLAlchemy's per-execution work (execution context, cursor adaptation, result
    wrapping) was about as much CPU as everything asyncpg does for a feed page. The
    parameters still go through the column types' bind conversions; the results
    need none (UUIDs, text, numbers, and ``timestamptz`` values asyncpg returns
    aware in UTC, exactly what ``UTCDateTime`` would return). SQLAlchemy's
    ``before_cursor_execute`` listeners still see the statement, so statement
    counts and SQL logs stay true. Elsewhere (SQLite) it is a plain ``execute``.
    """
    sync = conn.sync_connection
    assert sync is not None
    if conn.dialect.name != "postgresql" or sync.get_execution_options().get(DIRECT_READS) is False:
        result = await conn.execute(statement, params)
        return result.all() if tuples else result.mappings().all()
    prepared = _prepared(statement, conn.dialect)
    args = []
    for name in prepared.names:
        value = params[name] if name in params else prepared.literals[name]
        process = prepared.processors.get(name)
        args.append(process(value) if process is not None and value is not None else value)
    sync.dispatch.before_cursor_execute(sync, None, prepared.sql, tuple(args), None, False)
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    try:
        return await driver.fetch(prepared.sql, *args)  # type: ignore[no-any-return]
    except Exception as exc:
        # A bad argument (asyncpg's client-side DataError) is no lost connection,
        # although asyncpg makes it an InterfaceError.
        if not isinstance(exc, asyncpg.exceptions._base.DataError):
            unavailable = await lost_on_driver(conn, exc)
            if unavailable is not None:
                raise unavailable from exc
        hide = sync.engine.hide_parameters
        raise driver_error(exc, prepared.sql, None if hide else tuple(args)) from (
            None if hide else exc
        )


class RedactedDriverError(Exception):
    """Stands in for an asyncpg error whose text may quote parameters: only its class
    and SQLSTATE are kept."""

    def __init__(self, exc: BaseException) -> None:
        self.sqlstate: str | None = getattr(exc, "sqlstate", None)
        self.driver_class = f"{type(exc).__module__}.{type(exc).__qualname__}"
        super().__init__(
            f"{self.driver_class} (SQLSTATE {self.sqlstate}); "
            "message and parameters withheld (hide_parameters)"
        )


# asyncpg's errors, as the errors SQLAlchemy raises for them on its own path.
_MAPPED: tuple[tuple[type[BaseException], type[sa_exc.DBAPIError]], ...] = (
    (asyncpg.exceptions._base.DataError, sa_exc.DataError),
    (asyncpg.exceptions.DataError, sa_exc.DataError),
    (asyncpg.exceptions.IntegrityConstraintViolationError, sa_exc.IntegrityError),
    (asyncpg.exceptions.SyntaxOrAccessError, sa_exc.ProgrammingError),
    (asyncpg.exceptions.FeatureNotSupportedError, sa_exc.NotSupportedError),
    (asyncpg.exceptions.QueryCanceledError, sa_exc.OperationalError),
    (asyncpg.exceptions.OperatorInterventionError, sa_exc.OperationalError),
    (asyncpg.exceptions.InsufficientResourcesError, sa_exc.OperationalError),
    (asyncpg.exceptions.PostgresError, sa_exc.InternalError),
)


def driver_error(exc: BaseException, sql: str, params: tuple[Any, ...] | None) -> sa_exc.DBAPIError:
    """The SQLAlchemy error for an asyncpg error on the lane, like SQLAlchemy's own
    path raises. With ``params`` None (``hide_parameters``) neither the parameters nor
    asyncpg's message (which may quote them) are kept: the caller raises it ``from
    None`` so that logged tracebacks cannot show them either."""
    kind = next((mapped for base, mapped in _MAPPED if isinstance(exc, base)), sa_exc.DBAPIError)
    if params is None:
        return kind(sql, None, RedactedDriverError(exc), hide_parameters=True)
    return kind(sql, params, exc)
