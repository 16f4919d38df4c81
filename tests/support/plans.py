"""PostgreSQL plans of the app's statements, for tests that bound the rows a statement
reads (``EXPLAIN (ANALYZE, FORMAT JSON)`` on the real database)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine


async def generic_plan(engine: AsyncEngine, statement: Any, params: dict[str, Any]) -> Any:
    """The executed plan of ``statement`` as PostgreSQL plans a prepared statement that
    has run a few times: a generic plan, made without the parameters' values."""
    compiled = statement.compile(dialect=engine.dialect)
    args = [params.get(n, compiled.params.get(n)) for n in compiled.positiontup or ()]
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("SET plan_cache_mode = force_generic_plan")
        plan = await raw.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + compiled.string, *args)
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


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
