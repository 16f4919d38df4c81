"""The worker's daily-cap count on the real database: pushes sent on each member's own
local day, counted in SQL, for members of several timezones in one batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import insert

from infra.db.engine import create_engine
from infra.db.tables.members import member_table
from infra.db.tables.notifications import notification_table
from infra.worker.outbox import sent_today
from tests.conftest import test_settings

# 2030-01-16 09:30 UTC: 09:30 in London, 22:30 in Auckland (UTC+13), 01:30 in Los Angeles
NOW = datetime(2030, 1, 16, 9, 30, tzinfo=UTC)


def _member(uid: str, timezone: str) -> dict[str, Any]:
    return {
        "id": uuid4(),
        "firebase_uid": uid,
        "display_name": uid,
        "display_name_key": uid,
        "timezone": timezone,
        "region": "GB",
        "created_at": NOW,
        "updated_at": NOW,
        "guidelines_version": "2026-11",
        "guidelines_accepted_at": NOW,
        "adult_confirmed_at": NOW,
    }


def _push(member_id: UUID, sent_at: datetime, status: str = "SENT") -> dict[str, Any]:
    return {
        "id": uuid4(),
        "member_id": member_id,
        "kind": "REPLY",
        "title": "New reply",
        "body": "Open Hearth to read it.",
        "data": {},
        "dedupe_key": f"t:{uuid4()}",
        "count": 1,
        "urgent": False,
        "status": status,
        "attempts": 1,
        "next_attempt_at": sent_at,
        "created_at": sent_at,
        "sent_at": sent_at if status == "SENT" else None,
    }


async def test_each_member_counts_the_pushes_sent_on_their_own_local_day(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        london, auckland, la = (
            _member("london", "Europe/London"),
            _member("auckland", "Pacific/Auckland"),
            _member("la", "America/Los_Angeles"),
        )
        six_hours_ago, eleven_hours_ago = NOW - timedelta(hours=6), NOW - timedelta(hours=11)
        pushes = [
            # 03:30 London today, 16:30 Auckland today, 19:30 LA *yesterday*
            *(_push(m["id"], six_hours_ago) for m in (london, auckland, la)),
            # 22:30 London *yesterday*, 11:30 Auckland today, 14:30 LA yesterday
            *(_push(m["id"], eleven_hours_ago) for m in (london, auckland, la)),
            _push(london["id"], NOW - timedelta(minutes=5)),
            _push(london["id"], NOW - timedelta(minutes=1), status="FAILED"),  # not sent
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(member_table), [london, auckland, la])
            await conn.execute(insert(notification_table), pushes)

        zones = {m["id"]: str(m["timezone"]) for m in (london, auckland, la)}
        counts = await sent_today(engine, zones, NOW)

        assert counts[london["id"]] == 2
        assert counts[auckland["id"]] == 2
        assert counts[la["id"]] == 0
        assert counts[uuid4()] == 0  # nobody else: a default of 0
        assert await sent_today(engine, {}, NOW) == {}
        assert all(isinstance(k, UUID) for k in counts)
    finally:
        await engine.dispose()
