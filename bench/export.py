"""Data-export benchmark: a member with N posts, N replies and N check-ins (with
notes and shares) is exported by the worker's builder; reports time, document size,
chunks and the peak of Python allocations (tracemalloc) for several N, to show that
memory stays flat as the history grows.

    uv run python -m bench.export                          # SQLite in a temp dir
    uv run python -m bench.export --database postgresql+asyncpg://postgres@127.0.0.1:5432/test_datarights

The PostgreSQL database is wiped (schema dropped and rebuilt with the migrations).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from domain.clock import FixedClock
from domain.privacy.export import EXPORT_TTL, ExportStatus
from infra.db.tables.checkins import check_in_share_table, check_in_table
from infra.db.tables.circles import circle_table, membership_table
from infra.db.tables.members import member_table
from infra.db.tables.posts import post_table, reply_table
from infra.db.tables.privacy import data_export_chunk_table, data_export_table
from infra.exports.builder import ExportBuilder
from tests.conftest import run_migrations

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOTE = "Slept badly again, the meeting went better than I feared. " * 3
BODY = "Some days are heavier than others; today I walked and it helped a little. " * 2


async def seed(engine: AsyncEngine, n: int) -> UUID:
    member, circle = uuid4(), uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            insert(member_table).values(
                id=member,
                firebase_uid=f"bench-{member}",
                display_name=f"Bench {n}",
                display_name_key=f"bench {member}",
                timezone="Europe/London",
                region="GB",
                created_at=T0,
                updated_at=T0,
                guidelines_version="2026-11",
                guidelines_accepted_at=T0,
                adult_confirmed_at=T0,
            )
        )
        await conn.execute(
            insert(circle_table).values(
                id=circle,
                name="Bench",
                description="",
                topics="",
                visibility="PUBLIC",
                capacity=100,
                guidelines="",
                created_at=T0,
                created_by=member,
                active_count=1,
            )
        )
        await conn.execute(
            insert(membership_table).values(
                circle_id=circle,
                member_id=member,
                role="OWNER",
                status="ACTIVE",
                created_at=T0,
                updated_at=T0,
            )
        )
        for start in range(0, n, 1_000):
            batch = range(start, min(n, start + 1_000))
            posts = [
                {
                    "id": uuid4(),
                    "circle_id": circle,
                    "author_id": member,
                    "anonymous": i % 5 == 0,
                    "body": BODY,
                    "created_at": T0 + timedelta(minutes=i),
                }
                for i in batch
            ]
            await conn.execute(insert(post_table), posts)
            await conn.execute(
                insert(reply_table),
                [
                    {
                        "id": uuid4(),
                        "post_id": p["id"],
                        "circle_id": circle,
                        "author_id": member,
                        "anonymous": False,
                        "body": BODY,
                        "created_at": p["created_at"],
                    }
                    for p in posts
                ],
            )
            check_ins = [
                {
                    "id": uuid4(),
                    "member_id": member,
                    "mood": 1 + i % 5,
                    "emotions": ",CALM,TIRED,",
                    "note": NOTE,
                    "created_at": T0 + timedelta(minutes=i),
                }
                for i in batch
            ]
            await conn.execute(insert(check_in_table), check_ins)
            await conn.execute(
                insert(check_in_share_table),
                [
                    {"check_in_id": c["id"], "circle_id": circle, "shared_at": c["created_at"]}
                    for c in check_ins[::3]
                ],
            )
    return member


async def export_once(engine: AsyncEngine, member: UUID, trace: bool) -> dict[str, float]:
    export_id, now = uuid4(), datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            insert(data_export_table).values(
                id=export_id,
                member_id=member,
                status=ExportStatus.PENDING.value,
                requested_at=now,
                expires_at=now + EXPORT_TTL,
                byte_size=0,
                attempts=0,
            )
        )
    builder = ExportBuilder(engine, FixedClock(now))
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    assert await builder.build_pending() == 1
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    tracemalloc.stop()
    async with engine.connect() as conn:
        size = await conn.scalar(
            select(data_export_table.c.byte_size).where(data_export_table.c.id == export_id)
        )
        chunks = await conn.scalar(
            select(func.count()).where(data_export_chunk_table.c.export_id == export_id)
        )
    return {
        "seconds": seconds,
        "mib": (size or 0) / 2**20,
        "chunks": chunks or 0,
        "peak_mib": peak / 2**20,
    }


async def reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def main(database: str | None, sizes: list[int]) -> None:
    url = (
        database or f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='hearth-export-')}/bench.sqlite3"
    )
    if url.startswith("postgresql"):
        await reset_postgres(url)
    await asyncio.to_thread(run_migrations, url)
    engine = create_async_engine(url)
    print(f"database: {url.split('://')[0]}")
    print("| items per area | seconds | document MiB | chunks | peak Python MiB (traced run) |")
    print("|---|---|---|---|---|")
    for n in sizes:
        member = await seed(engine, n)
        timed = await export_once(engine, member, trace=False)
        traced = await export_once(engine, member, trace=True)
        print(
            f"| {n:,} | {timed['seconds']:.2f} | {timed['mib']:.1f} | {timed['chunks']:.0f} "
            f"| {traced['peak_mib']:.1f} |"
        )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=None)
    parser.add_argument("--sizes", default="1000,10000,30000")
    args = parser.parse_args()
    asyncio.run(main(args.database, [int(s) for s in args.sizes.split(",")]))
