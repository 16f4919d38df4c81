"""PostgreSQL plans of the app's statements, for tests that bound the rows a statement
reads (``EXPLAIN (ANALYZE, FORMAT JSON)`` on the real database)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db.engine import reads_engine
from infra.db.reads.statements import _prepared, fetch


def _literal(value: Any) -> str:
    """A parameter as SQL text (its type comes from the prepared statement's)."""
    if value is None:
        return "NULL"
    if isinstance(value, list | tuple):
        return "'{" + ",".join(str(v) for v in value) + "}'"
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, UUID | str | datetime):
        return "'" + str(value).replace("'", "''") + "'"
    raise TypeError(f"no literal for {value!r}")


async def seed(engine: AsyncEngine, script: str, params: dict[str, Any] | None = None) -> None:
    """Runs the ``;``-separated statements of ``script`` in one transaction."""
    async with engine.begin() as conn:
        for statement in script.split(";\n"):
            if statement.strip():
                await conn.execute(text(statement), params or {})


def _positional(
    engine: AsyncEngine, statement: Any, params: dict[str, Any]
) -> tuple[str, list[Any]]:
    """The statement's SQL for the driver, and its arguments in order (``params`` over
    the statement's own values)."""
    compiled = statement.compile(
        dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    args = [params.get(n, compiled.params.get(n)) for n in compiled.positiontup or ()]
    return compiled.string, args


def _plan_of(found: Any) -> Any:
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


async def custom_plan(engine: AsyncEngine, statement: Any) -> Any:
    """The plan PostgreSQL makes for ``statement`` with its own parameters' values, as
    it plans a statement run now and then (``EXPLAIN``, not run)."""
    sql, args = _positional(engine, statement, {})
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        return _plan_of(await raw.fetchval("EXPLAIN (FORMAT JSON) " + sql, *args))


async def generic_plan(engine: AsyncEngine, statement: Any, params: dict[str, Any]) -> Any:
    """The executed plan of ``statement`` as PostgreSQL runs a prepared statement once
    it uses its generic plan, made without the parameters' values (``PREPARE``, then
    ``EXPLAIN EXECUTE`` with ``plan_cache_mode = force_generic_plan``: an ``EXPLAIN``
    given bound parameters would plan with their values instead)."""
    sql, args = _positional(engine, statement, params)
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("SET plan_cache_mode = force_generic_plan")
        await raw.execute("PREPARE hearth_plan_probe AS " + sql)
        try:
            values = ", ".join(_literal(a) for a in args)
            plan = await raw.fetchval(
                f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE hearth_plan_probe({values})"
            )
        finally:
            await raw.execute("DEALLOCATE hearth_plan_probe")
            await raw.execute("RESET plan_cache_mode")
    return _plan_of(plan)


async def plans_made(
    engine: AsyncEngine, statement: Any, params: dict[str, Any], runs: int = 8
) -> dict[str, int]:
    """How PostgreSQL planned ``statement`` when it ran ``runs`` times through the read
    lane on one connection, as a pooled connection runs it: ``{"generic": n, "custom":
    m}`` (``pg_prepared_statements``). It plans the first five runs with the
    parameters' values, then keeps one plan made without them if that one looks no
    costlier; otherwise it plans every run anew."""
    sql = _prepared(statement, engine.dialect).sql
    async with reads_engine(engine).connect() as conn:
        for _ in range(runs):
            await fetch(conn, statement, dict(params))
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        row = await raw.fetchrow(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
            sql,
        )
    assert row is not None, "the statement was not prepared"
    return {"generic": row[0], "custom": row[1]}


def rows_read(node: dict[str, Any], table: str) -> int:
    """Rows the plan's scans of ``table`` returned or filtered out, over all loops."""
    found = 0
    if node.get("Relation Name") == table:
        kept = int(node.get("Actual Rows", 0)) + int(node.get("Rows Removed by Filter", 0))
        found += kept * int(node.get("Actual Loops", 1))
    return found + sum(rows_read(child, table) for child in node.get("Plans", []))


def whole_table_scans(node: dict[str, Any], tables: set[str]) -> list[str]:
    """The sequential scans of any of ``tables`` in the plan."""
    found = []
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in tables:
        found.append(f"{node['Relation Name']} ({node.get('Actual Rows')} rows)")
    for child in node.get("Plans", []):
        found += whole_table_scans(child, tables)
    return found
