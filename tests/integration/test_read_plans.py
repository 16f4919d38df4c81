"""The hot read statements look rows up through indexes on PostgreSQL's generic plans.

asyncpg prepares every statement, and after a few executions PostgreSQL may run it on a
generic plan, planned without the parameters' values. A statement filtering by
``= ANY(:ids)`` and joining ``member`` was then planned as a hash join over every member:
a sequential scan of a table that grows with the community, on every feed page. These
tests plan each statement as a generic plan on a database with more members than any
page shows, and require that no scan reads a whole table of members, posts or replies,
and that a post's latest replies are read as its newest few, not all of them.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import text

from infra.db.engine import create_engine
from infra.db.reads import posts as post_reads
from tests.conftest import IS_POSTGRES, test_settings
from tests.support.plans import generic_plan, rows_read, seed, whole_table_scans

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="generic plans are PostgreSQL's")

GROWING = {"member", "post", "reply", "reaction"}

SEED = """
INSERT INTO member (id, firebase_uid, display_name, display_name_key, timezone, region,
                    created_at, updated_at, guidelines_version, guidelines_accepted_at,
                    adult_confirmed_at)
SELECT md5('m' || n)::uuid, 'm' || n, 'Member ' || n, 'member ' || n, 'Europe/London', 'GB',
       now(), now(), '2026-11', now(), now()
FROM generate_series(1, 2000) AS n;
INSERT INTO circle (id, name, description, topics, visibility, capacity, guidelines,
                    created_at, created_by, active_count)
SELECT md5('c' || c)::uuid, 'Circle ' || c, '', ',ANXIETY,', 'PUBLIC', 100, '', now(),
       md5('m1')::uuid, 100
FROM generate_series(1, 30) AS c;
INSERT INTO post (id, circle_id, author_id, anonymous, body, created_at)
SELECT md5('p' || n)::uuid, md5('c' || (n % 30 + 1))::uuid, md5('m' || (n % 2000 + 1))::uuid,
       false, 'Post ' || n, now() - n * interval '1 minute'
FROM generate_series(1, 20000) AS n;
INSERT INTO reply (id, post_id, circle_id, author_id, anonymous, body, created_at)
SELECT md5('r' || n || '-' || k)::uuid, md5('p' || n)::uuid, md5('c' || (n % 30 + 1))::uuid,
       md5('m' || ((n + k) % 2000 + 1))::uuid, false, 'Reply', now() - n * interval '1 minute'
       + k * interval '1 second'
FROM generate_series(1, 20000) AS n, generate_series(1, 4) AS k;
INSERT INTO reply (id, post_id, circle_id, author_id, anonymous, body, created_at)
SELECT md5('busy-' || k)::uuid, md5('p30')::uuid, md5('c1')::uuid,
       md5('m' || (k % 2000 + 1))::uuid, false, 'Reply', now() - interval '1 day'
       + k * interval '1 second'
FROM generate_series(1, 300) AS k;
INSERT INTO reaction (target_id, member_id, kind, circle_id, created_at)
SELECT md5('p' || n)::uuid, md5('m' || ((n + k) % 2000 + 1))::uuid, 'HUG',
       md5('c' || (n % 30 + 1))::uuid, now()
FROM generate_series(1, 20000) AS n, generate_series(1, 3) AS k;
ANALYZE;
"""


def md5_uuid(text_: str) -> UUID:
    """PostgreSQL's ``md5(text)::uuid``."""
    return UUID(hashlib.md5(text_.encode(), usedforsecurity=False).hexdigest())


class _Postgres:
    class dialect:
        name = "postgresql"


async def test_a_feed_page_and_posts_by_id_read_no_whole_table_of_members_posts_or_replies(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        await seed(engine, SEED)
        async with engine.connect() as conn:
            ids: list[Any] = list(
                (
                    await conn.execute(
                        text(
                            "SELECT id FROM post WHERE circle_id = md5('c1')::uuid "
                            "ORDER BY created_at DESC LIMIT 20"
                        )
                    )
                ).scalars()
            )
        assert len(ids) == 20
        viewer = {"viewer_id": md5_uuid("m1"), "hidden": []}
        statements = {
            "feed page": (
                post_reads._POSTS._page[False](_Postgres),
                {"circle_id": md5_uuid("c1"), "limit": 21, **viewer},
            ),
            "latest replies": (
                post_reads._LATEST_REPLIES(_Postgres),
                {"ids": ids, "n": 3, **viewer},
            ),
            "posts by id": (post_reads._POSTS._by_ids(_Postgres), {"ids": ids, **viewer}),
            "replies by id": (post_reads._REPLIES._by_ids(_Postgres), {"ids": ids, **viewer}),
        }
        plans = {
            name: await generic_plan(engine, statement, params)
            for name, (statement, params) in statements.items()
        }
        assert {name: whole_table_scans(plan, GROWING) for name, plan in plans.items()} == {
            name: [] for name in statements
        }
        # the page's busy post has 304 replies: its 3 newest are read, not all of them
        assert md5_uuid("p30") in ids
        assert rows_read(plans["latest replies"], "reply") <= 3 * len(ids)
    finally:
        await engine.dispose()
