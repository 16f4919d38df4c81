"""Shared fixtures. The database is the real one named by DATABASE_URL (SQLite by
default, PostgreSQL in CI's second pass), built with the Alembic migrations."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import hypothesis
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import SQLModel

import infra.db.tables  # noqa: F401
from domain.safety.detector import default_detector
from domain.safety.lexicon import load as load_lexicon
from infra.settings import Settings

_TMP = Path(tempfile.mkdtemp(prefix="hearth-test-"))
_IMPORTED_BY = os.getpid()
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{_TMP}/test.sqlite3"
REDIS_URL = os.environ.get("REDIS_URL") or None
IS_POSTGRES = DATABASE_URL.startswith("postgresql")

# `make mutate` runs the tests once per mutant: fewer generated examples there (the
# full number still runs in `make test`), and no deadline on a loaded machine.
hypothesis.settings.register_profile("mutation", max_examples=15, deadline=None)
if os.environ.get("HEARTH_MUTATION_RUN"):
    hypothesis.settings.load_profile("mutation")

_TIERS = ("tests/unit/", "tests/integration/")


@pytest.fixture(scope="session", autouse=True)
def _risk_lexicons_compiled_in_this_run() -> None:
    """In `make mutate`, mutmut forks each mutant's run from a process that already
    compiled the risk lexicons (`load` and `default_detector` are cached), so a mutant
    of the lexicon compiler would never run: compile them again in each run."""
    if os.environ.get("HEARTH_MUTATION_RUN"):
        load_lexicon.cache_clear()
        default_detector.cache_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In `make mutate`, unit tests run before integration and API tests (otherwise in
    collection order): mutmut stops a mutant's run at the first failure, and the fast
    tests usually fail first."""
    if not os.environ.get("HEARTH_MUTATION_RUN"):
        return

    def tier(item: pytest.Item) -> int:
        path = item.nodeid.removeprefix("mutants/")
        return next((i for i, t in enumerate(_TIERS) if path.startswith(t)), len(_TIERS))

    items.sort(key=tier)


def test_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "hearth_env": "test",
        "database_url": DATABASE_URL,
        "redis_url": REDIS_URL,
        "firebase_project_id": None,
        "hearth_sign_in": "dev",
        "hearth_log_json": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


async def _reset_postgres() -> None:
    engine = create_async_engine(DATABASE_URL)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def run_migrations(url: str, revision: str = "head") -> None:
    config = Config(str(Path(__file__).resolve().parent.parent / "alembic.ini"))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, revision)


@pytest.fixture(scope="session")
async def migrated_database() -> AsyncIterator[str]:
    """A database at the migrations' head. A dirty database from an earlier run is
    wiped first, so reruns pass. A process forked after this module was imported
    (mutmut's workers run side by side) gets an SQLite database of its own."""
    global DATABASE_URL
    if not IS_POSTGRES and os.getpid() != _IMPORTED_BY:
        DATABASE_URL = await asyncio.to_thread(_forked_sqlite_database)
    else:
        if IS_POSTGRES:
            await _reset_postgres()
        await asyncio.to_thread(run_migrations, DATABASE_URL)
    yield DATABASE_URL
    for engine in _EMPTYING_ENGINES.values():
        await engine.dispose()
    _EMPTYING_ENGINES.clear()


def _forked_sqlite_database() -> str:
    """A migrated SQLite database for a forked process (one mutant's run): a copy of
    the first forked process's freshly migrated file, which saves each later mutant
    the migrations."""
    path = _TMP / f"test-{os.getpid()}.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    template = _TMP / "migrated.sqlite3"
    if template.exists():
        shutil.copyfile(template, path)
        return url
    run_migrations(url)
    partial = _TMP / f"migrated-{os.getpid()}.partial"
    shutil.copyfile(path, partial)
    os.replace(partial, template)  # atomic: another process sees all of it or none
    return url


_TABLES = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]  # children first
# PostgreSQL: every table emptied in one round trip. DELETE, not TRUNCATE: TRUNCATE swaps
# each table's files, 85 ms a test for 31 mostly empty tables; this takes 2 ms.
_EMPTY_POSTGRES = "DO $$ BEGIN " + " ".join(f"DELETE FROM {t};" for t in _TABLES) + " END $$"
# SQLite: the tables that hold rows, found in one statement, are the only ones emptied.
_NON_EMPTY_SQLITE = " UNION ALL ".join(
    f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})" for t in _TABLES
)


# One engine per database and event loop: opening a PostgreSQL connection for every
# test cost more than emptying the tables.
_EMPTYING_ENGINES: dict[tuple[str, asyncio.AbstractEventLoop], AsyncEngine] = {}


async def empty_database(url: str) -> None:
    """Empties every table."""
    key = (url, asyncio.get_running_loop())
    engine = _EMPTYING_ENGINES.get(key)
    if engine is None:
        engine = _EMPTYING_ENGINES[key] = create_async_engine(url, pool_pre_ping=True)
    async with engine.begin() as conn:
        if IS_POSTGRES:
            await conn.execute(text(_EMPTY_POSTGRES))
        else:
            found = set((await conn.execute(text(_NON_EMPTY_SQLITE))).scalars())
            for name in _TABLES:
                if name in found:
                    await conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
async def clean_database(migrated_database: str) -> str:
    """Empties every table before the test."""
    await empty_database(migrated_database)
    return migrated_database
