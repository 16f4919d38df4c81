"""Database engine and session factory (built by the app's lifespan, never at import)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from uuid import uuid4

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util.queue import AsyncAdaptedQueue

from infra.db.errors import translate_disconnects
from infra.settings import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level; SQLAlchemy's "begin" event below issues
    # BEGIN IMMEDIATE so a transaction never has to upgrade its lock later.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(READS):
        return  # statement-level snapshots, and readers never take the write lock
    conn.exec_driver_sql("BEGIN IMMEDIATE")


READS = "hearth_reads"
DIRECT_READS = "hearth_direct_reads"
"""Execution option: False turns the asyncpg read lane off (``HEARTH_DIRECT_READS``,
``infra.db.reads.statements.fetch``)."""


def reads_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same pool, for reads that need no transaction of their own.

    Every statement still sees one consistent snapshot (as it does in a READ
    COMMITTED transaction). On PostgreSQL this is autocommit, which saves the
    BEGIN and ROLLBACK round trips of each checkout; on SQLite it skips
    ``BEGIN IMMEDIATE``, so readers never wait for the write lock.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT", **{READS: True})
    return engine.execution_options(**{READS: True})


# True while a mutation runs: its reads (and its payload's) go to the primary, which
# has its own write; a replica may not have it yet.
_READ_PRIMARY: ContextVar[bool] = ContextVar("hearth_read_primary", default=False)


class ReadConnections:
    """Where the read ports take their connections: the primary's pool, or the read
    replica's (``DATABASE_READ_URL``) when there is one, except inside
    :func:`reading_the_primary`. Called as ``async with reads() as conn``."""

    __slots__ = ("_primary", "_replica")

    def __init__(self, primary: AsyncEngine, replica: AsyncEngine | None = None) -> None:
        self._primary = reads_engine(primary)
        self._replica = reads_engine(replica) if replica is not None else None

    def __call__(self) -> AsyncConnection:
        if self._replica is not None and not _READ_PRIMARY.get():
            return self._replica.connect()
        return self._primary.connect()


@contextlib.contextmanager
def reading_the_primary() -> Iterator[None]:
    """Reads inside go to the primary: a mutation's, its payload's included, since a
    replica may not have the write yet."""
    token = _READ_PRIMARY.set(True)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):  # finished in another context
            _READ_PRIMARY.reset(token)


class _CountingQueue(AsyncAdaptedQueue[Any]):
    """The pool's queue of idle connections, counting the checkouts blocked on it."""

    waiting = 0

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if not block:
            return super().get(block, timeout)
        # SQLAlchemy blocks only when the pool and its overflow are all checked out
        self.waiting += 1
        try:
            return super().get(block, timeout)
        finally:
            self.waiting -= 1


class MeteredPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's pool for asyncio drivers that also tells how many checkouts wait for
    a connection (``hearth_db_pool_waiting`` on /metrics)."""

    _queue_class = _CountingQueue

    @property
    def waiting(self) -> int:
        """Checkouts waiting for a connection to come back to the pool right now."""
        return int(self._pool.waiting)  # type: ignore[attr-defined]


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4().hex}__"


# PgBouncer in transaction pooling mode hands each transaction to any server
# connection, so no prepared statement may outlive its statement: asyncpg's cache off
# (it then uses unnamed statements), SQLAlchemy's cache off, and unique names for the
# statements SQLAlchemy still prepares.
PGBOUNCER_CONNECT_ARGS: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    "prepared_statement_name_func": _unique_statement_name,
}


def create_engine(settings: Settings, **overrides: Any) -> AsyncEngine:
    """An async engine for SQLite (aiosqlite) or PostgreSQL (asyncpg)."""
    url = overrides.pop("url", None) or settings.database_url
    kwargs: dict[str, Any] = {"pool_pre_ping": False, "hide_parameters": True}
    if settings.is_sqlite:
        if settings.sqlite_path is not None:
            settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            kwargs["poolclass"] = MeteredPool  # (an in-memory database has one connection)
        kwargs["connect_args"] = {"timeout": 10}
    else:
        kwargs.update(
            poolclass=MeteredPool,
            pool_size=settings.hearth_db_pool_size,
            max_overflow=settings.hearth_db_max_overflow,
            pool_recycle=1800,
        )
        if settings.hearth_db_statement_cache == 0:
            kwargs["connect_args"] = PGBOUNCER_CONNECT_ARGS
        else:
            kwargs["connect_args"] = {"statement_cache_size": settings.hearth_db_statement_cache}
        if not settings.hearth_direct_reads:
            kwargs["execution_options"] = {DIRECT_READS: False}
    kwargs.update(overrides)
    engine = create_async_engine(url, **kwargs)
    translate_disconnects(engine)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
