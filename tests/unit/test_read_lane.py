"""The asyncpg read lane (``infra.db.reads.statements.fetch``): the SQLAlchemy internals
it uses are pinned, its errors are SQLAlchemy's and never show parameters, it answers
like SQLAlchemy's own path, and ``HEARTH_DIRECT_READS=false`` turns it off."""

from __future__ import annotations

import inspect
import traceback
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
import sqlalchemy
from sqlalchemy import Integer, bindparam, event, literal, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.engine import Connection
from sqlalchemy.events import ConnectionEvents

from domain.posts.reads import KINDS
from infra.db.engine import DIRECT_READS, create_engine, reads_engine
from infra.db.reads import posts as post_reads
from infra.db.reads import statements
from infra.db.reads.statements import SQLALCHEMY_VERSION, driver_error, fetch, ids_in, per_dialect
from infra.db.tables.posts import post_table
from tests.conftest import IS_POSTGRES, test_settings

SECRET = "my secret note"


def test_sqlalchemy_is_the_version_the_read_lane_was_checked_against() -> None:
    assert sqlalchemy.__version__ == SQLALCHEMY_VERSION, (
        f"SQLAlchemy {sqlalchemy.__version__} is installed, but the asyncpg read lane "
        f"(infra/db/reads/statements.py) was checked against {SQLALCHEMY_VERSION}: re-read "
        "its use of compiled.positiontup, compiled._bind_processors and "
        "dispatch.before_cursor_execute, run this file on PostgreSQL, then update "
        "SQLALCHEMY_VERSION (HEARTH_DIRECT_READS=false turns the lane off meanwhile)."
    )


def _tallied(pg: bool) -> Any:
    """Posts by id with their reaction tallies: the subquery that every post and reply
    row of a feed carries, with literal parameters (the kinds) and one used twice."""
    p = post_table
    return select(p.c.id, post_reads._tally(p.c.id, pg)).where(ids_in(p.c.id, "ids", pg))


def test_compiled_statements_still_expose_what_the_lane_reads() -> None:
    # given: a hot read statement, compiled for asyncpg
    statement = _tallied(True)
    compiled = statement.compile(dialect=pg_asyncpg.dialect())
    # then: its positional parameter names follow $1, $2, ... (the kinds compared are
    # parameters too, with their values in the binds; the viewer, used four times, is
    # one position), and the column types' bind conversions are a mapping by name
    kinds = [f"kind_{n}" for n in range(1, 9)]
    names = [*kinds[:5], "viewer_id", *kinds[5:], "hidden", "ids"]
    assert list(compiled.positiontup) == names
    assert compiled.string.count("$6::UUID") == 4
    assert "$11::UUID[]" in compiled.string
    assert "$12" not in compiled.string
    values = [kind.value for kind in KINDS] * 2
    assert [compiled.binds[k].value for k in kinds] == values
    assert set(compiled._bind_processors) == {"ids", "hidden"}
    assert all(callable(p) for p in compiled._bind_processors.values())
    # and the lane's own form agrees
    prepared = statements._prepared(statement, pg_asyncpg.dialect())
    assert prepared.names == tuple(names)
    assert [prepared.literals[k] for k in kinds] == values
    assert prepared.sql == compiled.string


def test_before_cursor_execute_still_takes_what_the_lane_passes() -> None:
    parameters = list(inspect.signature(ConnectionEvents.before_cursor_execute).parameters)
    assert parameters == [
        "self",
        "conn",
        "cursor",
        "statement",
        "parameters",
        "context",
        "executemany",
    ]


@pytest.mark.parametrize(
    ("driver", "mapped"),
    [
        (
            asyncpg.exceptions._base.DataError(
                f"invalid input for query argument $1: '{SECRET}' (not an int)"
            ),
            sa_exc.DataError,
        ),
        (
            asyncpg.exceptions.UniqueViolationError(f"Key (body)=({SECRET}) already exists."),
            sa_exc.IntegrityError,
        ),
        (asyncpg.exceptions.QueryCanceledError(f"canceled: {SECRET}"), sa_exc.OperationalError),
        (asyncpg.exceptions.UndefinedColumnError(f"no column {SECRET}"), sa_exc.ProgrammingError),
        (RuntimeError(SECRET), sa_exc.DBAPIError),
    ],
)
def test_driver_errors_become_sqlalchemys_without_their_parameters(
    driver: Exception, mapped: type[Exception]
) -> None:
    # when: the error is mapped with the parameters hidden
    error = driver_error(driver, "SELECT $1::int", None)
    # then: it is the error SQLAlchemy's path raises, naming the statement, not the values
    assert type(error) is mapped
    assert "SELECT $1::int" in str(error)
    assert SECRET not in str(error)
    assert "withheld" in str(error)
    # and with hide_parameters off it keeps them, as SQLAlchemy does
    assert SECRET in str(driver_error(driver, "SELECT $1::int", (SECRET,)))


def test_the_setting_turns_the_lane_off() -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    on = create_engine(test_settings(database_url=url))
    off = create_engine(test_settings(database_url=url, hearth_direct_reads=False))
    assert on.sync_engine.get_execution_options().get(DIRECT_READS) is None
    assert off.sync_engine.get_execution_options()[DIRECT_READS] is False
    # the reads engine (Services.reads) keeps the option
    assert reads_engine(off).sync_engine.get_execution_options()[DIRECT_READS] is False


_INT_PARAM = per_dialect(lambda pg: select(literal(1)).where(bindparam("x", type_=Integer) == 1))
_TALLIED = per_dialect(_tallied)


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_POSTGRES, reason="the lane runs on PostgreSQL only")
async def test_a_bad_parameter_is_a_data_error_that_never_shows_it(clean_database: str) -> None:
    engine = create_engine(test_settings())
    try:
        async with reads_engine(engine).connect() as conn:
            # when: asyncpg refuses a parameter (its message quotes the value)
            with pytest.raises(sa_exc.DataError) as raised:
                await fetch(conn, _INT_PARAM(conn), {"x": SECRET})
            # then: neither the error nor a logged traceback shows it
            logged = "".join(traceback.format_exception(raised.value))
            assert SECRET not in logged
            assert "SQLSTATE" in logged
            # and the connection was not taken for lost: it still answers
            assert await fetch(conn, _INT_PARAM(conn), {"x": 1}, tuples=True) == [(1,)]
    finally:
        await engine.dispose()


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_POSTGRES, reason="the lane runs on PostgreSQL only")
async def test_the_lane_answers_like_sqlalchemy_and_is_counted(clean_database: str) -> None:
    engine = create_engine(test_settings())
    seen: list[str] = []

    def count(_conn: Connection, _cursor: object, sql: str, *_: object) -> None:
        seen.append(sql)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        params = {"ids": [uuid4()], "viewer_id": uuid4(), "hidden": [uuid4()]}
        async with reads_engine(engine).connect() as conn:
            direct = await fetch(conn, _TALLIED(conn), dict(params), tuples=True)
            assert len(seen) == 1
            off = await conn.execution_options(**{DIRECT_READS: False})
            through = await fetch(off, _TALLIED(off), dict(params), tuples=True)
            assert len(seen) == 2
        assert [tuple(r) for r in direct] == [tuple(r) for r in through] == []
    finally:
        await engine.dispose()
