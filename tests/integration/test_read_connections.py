"""Reads run outside a transaction of their own: on SQLite they never wait for a
writer's lock, on PostgreSQL they cost no BEGIN/ROLLBACK round trips."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

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
