"""Operator endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.container import Services
from infra.db.reads.notifications import outbox_backlog
from infra.metrics import (
    DB_POOL_IN_USE,
    DB_POOL_OVERFLOW,
    DB_POOL_SIZE,
    DB_POOL_WAITING,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_SECONDS,
)

CHECK_TIMEOUT_S = 2.0


async def healthz(_request: Request) -> Response:
    """200 while the process serves requests."""
    return JSONResponse({"status": "ok"})


async def _timed(check: Awaitable[str]) -> str:
    try:
        return await asyncio.wait_for(check, CHECK_TIMEOUT_S)
    except TimeoutError:
        return "timeout"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


async def _database(services: Services) -> tuple[str, str]:
    async with services.reads() as conn:
        await conn.execute(text("SELECT 1"))
        try:
            result = await conn.execute(text("SELECT version_num FROM alembic_version"))
            current = result.scalar()
        except Exception:
            current = None
    expected = services.expected_migration_head
    migrations = "ok" if current == expected else f"at {current or 'none'}, head is {expected}"
    return "ok", migrations


async def _redis(services: Services) -> str:
    assert services.redis is not None  # checked only when configured
    await services.redis.ping()
    return "ok"


async def readyz(request: Request) -> Response:
    """200 only when the database answers, migrations are at head and Redis (if
    configured) answers; otherwise 503 naming what failed."""
    services: Services = request.app.state.services
    checks: dict[str, Any] = {}
    try:
        db, migrations = await asyncio.wait_for(_database(services), CHECK_TIMEOUT_S)
    except Exception as exc:
        db, migrations = f"error: {type(exc).__name__}", "unknown"
    checks["database"] = db
    checks["migrations"] = migrations
    if services.redis is not None:
        checks["redis"] = await _timed(_redis(services))
    for name, probe in services.readiness.items():
        checks[name] = probe()
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


async def metrics(request: Request) -> Response:
    """Prometheus metrics in the text exposition format. The outbox backlog and the
    pool are read now, at scrape time (a failed read leaves the last values)."""
    services: Services = request.app.state.services
    pool: Any = services.engine.pool
    if hasattr(pool, "checkedout"):
        DB_POOL_IN_USE.set(pool.checkedout())
        DB_POOL_SIZE.set(pool.size())
        DB_POOL_OVERFLOW.set(pool.overflow())
        DB_POOL_WAITING.set(getattr(pool, "waiting", 0))
    with contextlib.suppress(Exception):
        backlog, oldest = await asyncio.wait_for(outbox_backlog(services.engine), CHECK_TIMEOUT_S)
        OUTBOX_BACKLOG.set(backlog)
        OUTBOX_OLDEST_SECONDS.set(oldest)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
