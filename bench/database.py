"""The benchmark database: created with the project's migrations, seeded by ``seed.sql``.

The database is kept between runs when its comment carries the same seed version
(a hash of ``seed.sql`` and the migrations' head), so reruns skip the ~1 min seed.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
SEED_SQL = Path(__file__).with_name("seed.sql")
PG = "postgresql://postgres@127.0.0.1:5432"
# BENCH_DB_NAME: another database (a session's own) for the in-process tools
# (bench.ab, bench.profile_feed); the default is what ``make bench`` uses.
DB_NAME = os.environ.get("BENCH_DB_NAME", "hearth_bench")
DSN = f"{PG}/{DB_NAME}"
SQLALCHEMY_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB_NAME}"

# 50 circles; member slot k (0..99) of circle c is member ((c-1)*40 + k) % 2000 + 1.
CIRCLES = 50
MEMBERS_PER_CIRCLE = 100


def member_of(circle: int, slot: int) -> int:
    """The member number at ``slot`` of ``circle`` (both as in seed.sql)."""
    return ((circle - 1) * 40 + slot % MEMBERS_PER_CIRCLE) % 2000 + 1


def outsider_of(circle: int) -> int:
    """A member who is not in ``circle``."""
    owner = member_of(circle, 0)
    return owner + 1000 if owner <= 1000 else owner - 1000


def migration_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return str(ScriptDirectory.from_config(config).get_current_head())


def seed_version() -> str:
    digest = hashlib.sha256(SEED_SQL.read_bytes() + migration_head().encode()).hexdigest()
    return f"hearth-bench seed {digest[:16]}"


def _run_migrations(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


async def _current_comment(admin: asyncpg.Connection) -> str | None:
    comment: str | None = await admin.fetchval(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
        DB_NAME,
    )
    return comment


async def _seeded() -> bool:
    """The seed is still there (a test run may have wiped the schema but not the
    database's comment)."""
    try:
        conn = await asyncpg.connect(DSN)
    except (OSError, asyncpg.PostgresError):
        return False
    try:
        circles = await conn.fetchval("SELECT count(*) FROM circle")
    except asyncpg.PostgresError:
        return False
    finally:
        await conn.close()
    return bool(circles == CIRCLES)


async def prepare() -> dict[str, float | str | bool]:
    """Create (or keep) the seeded database; returns what happened and timings."""
    version = seed_version()
    admin = await asyncpg.connect(f"{PG}/postgres")
    try:
        if await _current_comment(admin) == version and await _seeded():
            print(f"database {DB_NAME}: kept ({version})")
            return {"reseeded": False, "version": version}
        started = time.perf_counter()
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await admin.close()

    await asyncio.to_thread(_run_migrations, SQLALCHEMY_URL)
    migrated = time.perf_counter()
    conn = await asyncpg.connect(DSN)
    try:
        async with conn.transaction():
            await conn.execute(SEED_SQL.read_text())
        seeded = time.perf_counter()
        await conn.execute("VACUUM (ANALYZE)")
        analyzed = time.perf_counter()
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM member) AS members, (SELECT count(*) FROM circle)"
            " AS circles, (SELECT count(*) FROM membership) AS memberships,"
            " (SELECT count(*) FROM post) AS posts, (SELECT count(*) FROM reply) AS replies,"
            " (SELECT count(*) FROM reaction) AS reactions,"
            " pg_size_pretty(pg_database_size(current_database())) AS size"
        )
        await conn.execute(f"COMMENT ON DATABASE \"{DB_NAME}\" IS '{version}'")
    finally:
        await conn.close()
    timings = {
        "migrate_s": round(migrated - started, 1),
        "seed_s": round(seeded - migrated, 1),
        "vacuum_analyze_s": round(analyzed - seeded, 1),
    }
    print(f"database {DB_NAME}: rebuilt ({version}) {dict(counts)} {timings}")
    return {"reseeded": True, "version": version, **timings}


if __name__ == "__main__":
    asyncio.run(prepare())
