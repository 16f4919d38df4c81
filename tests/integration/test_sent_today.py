"""The worker's daily-cap count on the real database: pushes sent on each member's own
local day, counted in SQL, for members of several timezones in one batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import insert

from infra.db.engine import create_engine
from infra.db.tables.members import member_table
from infra.db.tables.notifications import notification_table
from infra.worker.outbox import sent_today
from tests.conftest import test_settings
from tests.support.outbox_rows import member_row, push_row

# 2030-01-16 09:30 UTC: 09:30 in London, 22:30 in Auckland (UTC+13), 01:30 in Los Angeles
NOW = datetime(2030, 1, 16, 9, 30, tzinfo=UTC)
LONDON_MIDNIGHT = datetime(2030, 1, 16, tzinfo=UTC)  # London is UTC in January


async def test_each_member_counts_the_pushes_sent_on_their_own_local_day(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        london, auckland, la = (
            member_row("london", "Europe/London", NOW),
            member_row("auckland", "Pacific/Auckland", NOW),
            member_row("la", "America/Los_Angeles", NOW),
        )
        six_hours_ago, eleven_hours_ago = NOW - timedelta(hours=6), NOW - timedelta(hours=11)
        pushes = [
            # 03:30 London today, 16:30 Auckland today, 19:30 LA *yesterday*
            *(push_row(m["id"], six_hours_ago) for m in (london, auckland, la)),
            # 22:30 London *yesterday*, 11:30 Auckland today, 14:30 LA yesterday
            *(push_row(m["id"], eleven_hours_ago) for m in (london, auckland, la)),
            push_row(london["id"], NOW - timedelta(minutes=5)),
            # London's day is [00:00, 24:00): its first instant counts, the next day's not
            push_row(london["id"], LONDON_MIDNIGHT),
            push_row(london["id"], LONDON_MIDNIGHT + timedelta(days=1)),
            push_row(london["id"], NOW - timedelta(minutes=1), status="FAILED"),  # not sent
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(member_table), [london, auckland, la])
            await conn.execute(insert(notification_table), pushes)

        zones = {m["id"]: str(m["timezone"]) for m in (london, auckland, la)}
        counts = await sent_today(engine, zones, NOW)

        assert counts[london["id"]] == 3
        assert counts[auckland["id"]] == 2
        assert counts[la["id"]] == 0
        assert counts[uuid4()] == 0  # nobody else: a default of 0
        assert await sent_today(engine, {}, NOW) == {}
        assert all(isinstance(k, UUID) for k in counts)
    finally:
        await engine.dispose()
