"""Reads run outside a transaction of their own: on SQLite they never wait for a
writer's lock, on PostgreSQL they cost no BEGIN/ROLLBACK round trips."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text

from infra.db.engine import create_engine, reads_engine
from tests.conftest import IS_POSTGRES, test_settings


@pytest.mark.skipif(IS_POSTGRES, reason="the write lock is SQLite's")
async def test_a_read_does_not_wait_while_a_write_transaction_is_open(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        # given: a writer holds SQLite's write lock (BEGIN IMMEDIATE) and has not committed
        async with engine.begin() as writer:
            await writer.execute(text("SELECT 1 FROM member"))
            # when: a read runs meanwhile
            async with reads_engine(engine).connect() as reader:
                count = await asyncio.wait_for(
                    reader.scalar(text("SELECT count(*) FROM member")), timeout=3
                )
            # then: it answered at once, from the last committed state
            assert count == 0
    finally:
        await engine.dispose()


@pytest.mark.skipif(not IS_POSTGRES, reason="autocommit round trips are PostgreSQL's")
async def test_each_read_statement_is_its_own_transaction(clean_database: str) -> None:
    engine = create_engine(test_settings())
    try:
        async with reads_engine(engine).connect() as conn:
            first = await conn.scalar(text("SELECT txid_current()"))
            second = await conn.scalar(text("SELECT txid_current()"))
        # two statements, two transactions: no BEGIN was sent before them
        assert first != second
    finally:
        await engine.dispose()


async def test_writes_still_run_in_transactions(clean_database: str) -> None:
    engine = create_engine(test_settings())
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            assert conn.in_transaction()
            await conn.rollback()
    finally:
        await engine.dispose()


@pytest.mark.skipif(not IS_POSTGRES, reason="the connection pool is PostgreSQL's")
async def test_a_steady_load_above_the_pool_opens_no_new_connections(
    clean_database: str,
) -> None:
    # given: the default pool, and more concurrent requests than it holds
    settings = test_settings()
    engine = create_engine(settings)
    opened = 0

    def count(*_: object) -> None:
        nonlocal opened
        opened += 1

    event.listen(engine.sync_engine, "connect", count)

    async def request() -> None:
        async with reads_engine(engine).connect() as conn:
            await conn.scalar(text("SELECT pg_sleep(0.01)"))

    try:
        # when: two rounds of them run, one after the other
        await asyncio.gather(*(request() for _ in range(3 * settings.hearth_db_pool_size)))
        first_round = opened
        await asyncio.gather(*(request() for _ in range(3 * settings.hearth_db_pool_size)))
        # then: the first round opened the pool, the second reused it: no connection was
        # opened past the pool and closed on return (overflow churn costs a new backend)
        assert first_round == settings.hearth_db_pool_size
        assert opened == first_round
    finally:
        await engine.dispose()
