"""Lost database connections become ``domain.errors.ServiceUnavailable``.

SQLAlchemy reports a dropped connection (a PostgreSQL restart, a killed backend, a
refused connect) as a ``DBAPIError`` whose text quotes the SQL. Everywhere above the
engine it becomes one typed, retryable error instead: the API answers it with
``SERVICE_UNAVAILABLE`` and a retry hint, and code that reads after a committed write
can retry on a fresh connection. The pool still invalidates the dead connection.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.errors import ServiceUnavailable

log = logging.getLogger("hearth.db")
REPORT_EVERY = 10.0  # seconds between "still unreachable" lines


class OutageLog:
    """One log line when the database becomes unreachable, a count every
    ``REPORT_EVERY`` seconds while it stays so, and one line when it is back: never a
    traceback per request."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.errors = 0
        self._reported_at = 0.0

    def lost(self) -> None:
        now = time.monotonic()
        self.errors += 1
        if self.since is None:
            self.since = self._reported_at = now
            log.warning("database unreachable: answering SERVICE_UNAVAILABLE until it is back")
        elif now - self._reported_at >= REPORT_EVERY:
            self._reported_at = now
            log.warning(
                "database still unreachable after %.0f s (%d errors)", now - self.since, self.errors
            )

    def connected(self, *_: Any) -> None:
        if self.since is not None:
            log.warning(
                "database reachable again after %.1f s (%d errors)",
                time.monotonic() - self.since,
                self.errors,
            )
            self.since, self.errors = None, 0


OUTAGE = OutageLog()

# What asyncpg raises when the server went away or refuses connections for now.
CONNECTION_LOST: tuple[type[BaseException], ...] = (
    OSError,
    ConnectionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.InterfaceError,
    # a connection left mid-protocol by a failure ("another operation is in progress")
    asyncpg.exceptions._base.InternalClientError,
)


def is_connection_lost(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, CONNECTION_LOST):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _handle_error(context: ExceptionContext) -> BaseException | None:
    if context.is_disconnect or is_connection_lost(context.original_exception):
        context.is_disconnect = True  # the pool drops the connection
        OUTAGE.lost()
        return ServiceUnavailable()
    return None


def translate_disconnects(engine: AsyncEngine) -> None:
    event.listen(engine.sync_engine, "handle_error", _handle_error, retval=True)
    event.listen(engine.sync_engine, "connect", OUTAGE.connected)


async def lost_on_driver(conn: AsyncConnection, exc: BaseException) -> ServiceUnavailable | None:
    """For statements run on the driver directly: a lost connection invalidates the
    pooled connection and becomes ``ServiceUnavailable``; anything else is None."""
    if not is_connection_lost(exc):
        return None
    with contextlib.suppress(Exception):  # it is already gone
        await conn.invalidate()
    OUTAGE.lost()
    return ServiceUnavailable()
