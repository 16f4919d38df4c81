"""The retention job's hourly deletes find their rows through indexes, not by reading
whole tables.

Every worker runs the job every hour. Without an index on ``removed_at`` and
``read_at``, each pass read every post, reply and notification the community ever
wrote, to find the few that have just passed their time. The database here is in the
steady state the job keeps it in: a year of content, a few removals and readings a day,
everything older already purged. Each delete must plan no sequential scan of ``post``,
``reply`` or ``notification``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.db.engine import create_engine
from infra.retention import purges
from tests.conftest import IS_POSTGRES, test_settings
from tests.support.plans import custom_plan, seed, whole_table_scans

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="the plans are PostgreSQL's")

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
GROWING = {"post", "reply", "notification"}

SEED = """
INSERT INTO member (id, firebase_uid, display_name, display_name_key, timezone, region,
                    created_at, updated_at, guidelines_version, guidelines_accepted_at,
                    adult_confirmed_at)
SELECT md5('m' || n)::uuid, 'm' || n, 'Member ' || n, 'member ' || n, 'Europe/London', 'GB',
       CAST(:now AS timestamptz), CAST(:now AS timestamptz), '2026-11', CAST(:now AS timestamptz), CAST(:now AS timestamptz)
FROM generate_series(1, 500) AS n;
INSERT INTO circle (id, name, description, topics, visibility, capacity, guidelines,
                    created_at, created_by, active_count)
SELECT md5('c' || c)::uuid, 'Circle ' || c, '', ',ANXIETY,', 'PUBLIC', 100, '', CAST(:now AS timestamptz),
       md5('m1')::uuid, 100
FROM generate_series(1, 10) AS c;
-- a year of posts, one every 15 minutes; one in 100 removed, at most 31 days ago
INSERT INTO post (id, circle_id, author_id, anonymous, body, created_at, removed_at)
SELECT md5('p' || n)::uuid, md5('c' || (n % 10 + 1))::uuid, md5('m' || (n % 500 + 1))::uuid,
       false, 'Post ' || n, CAST(:now AS timestamptz) - n * interval '15 minutes',
       CASE WHEN n % 100 = 0 THEN CAST(:now AS timestamptz) - (n % 31) * interval '1 day' END
FROM generate_series(1, 35000) AS n;
INSERT INTO reply (id, post_id, circle_id, author_id, anonymous, body, created_at, removed_at)
SELECT md5('r' || n || '-' || k)::uuid, md5('p' || n)::uuid, md5('c' || (n % 10 + 1))::uuid,
       md5('m' || ((n + k) % 500 + 1))::uuid, false, 'Reply',
       CAST(:now AS timestamptz) - n * interval '15 minutes' + k * interval '1 minute',
       CASE WHEN (n + k) % 100 = 0 THEN CAST(:now AS timestamptz) - ((n + k) % 31) * interval '1 day' END
FROM generate_series(1, 35000) AS n, generate_series(1, 2) AS k;
-- 180 days of notifications, 4 an hour; most read within days, read ones kept 90 days
INSERT INTO notification (id, member_id, kind, title, body, data, dedupe_key, count, urgent,
                          status, attempts, next_attempt_at, created_at, read_at, sent_at)
SELECT md5('n' || n)::uuid, md5('m' || (n % 500 + 1))::uuid, 'REPLY', 'A reply', '',
       '{}', 'n' || n, 1, false, CASE WHEN n % 10 = 0 THEN 'INBOX_ONLY' ELSE 'SENT' END, 1,
       CAST(:now AS timestamptz) - n * interval '15 minutes', CAST(:now AS timestamptz) - n * interval '15 minutes',
       CASE WHEN n % 5 <> 0 AND n < 12900 THEN CAST(:now AS timestamptz) - n * interval '10 minutes' END,
       CAST(:now AS timestamptz) - n * interval '15 minutes'
FROM generate_series(1, 17200) AS n;
ANALYZE
"""


async def test_each_retention_delete_finds_its_rows_through_an_index(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        await seed(engine, SEED, {"now": NOW})
        plans = {kind: await custom_plan(engine, delete) for kind, delete in purges(NOW).items()}
        assert set(plans) == {
            "replies",
            "posts",
            "read_notifications",
            "unread_notifications",
            "outbox",
        }
        assert {kind: whole_table_scans(plan, GROWING) for kind, plan in plans.items()} == {
            kind: [] for kind in plans
        }
    finally:
        await engine.dispose()
