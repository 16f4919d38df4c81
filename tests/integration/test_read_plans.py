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
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.posts.reads import Wanted
from infra.db.engine import create_engine
from infra.db.reads import circles as circle_reads
from infra.db.reads import members as member_reads
from infra.db.reads import posts as post_reads
from tests.conftest import IS_POSTGRES, test_settings
from tests.support.plans import generic_plan, plans_made, rows_read, seed, whole_table_scans

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


_AUTHOR = (Wanted("id", "id"), Wanted("displayName", "displayName"))
_REPLY = (
    Wanted("id", "id"),
    Wanted("body", "body"),
    Wanted("createdAt", "createdAt"),
    Wanted("isMine", "isMine"),
    Wanted("author", "author", _AUTHOR),
)
FEED_SHAPE = (
    *_REPLY[:4],
    Wanted("contentWarning", "contentWarning", (Wanted("topics", "topics"),)),
    Wanted("author", "author", _AUTHOR),
    Wanted("replyCount", "replyCount"),
    Wanted("reactionCounts", "reactionCounts", (Wanted("kind", "kind"), Wanted("count", "count"))),
    Wanted("viewerReactions", "viewerReactions"),
    Wanted("latestReplies", "latestReplies", _REPLY, first=3),
)
"""What tests/support/circles.py FEED asks of each post (api.posts.rendered's shape)."""
RENDERED_PAGE = post_reads._rendering(
    post_reads._POSTS.statement(_Postgres, False, 21), 20, FEED_SHAPE
)


async def _seeded_first_page(engine: AsyncEngine) -> list[Any]:
    """Seeds the database above; the ids of circle c1's 20 newest posts."""
    await seed(engine, SEED)
    async with engine.connect() as conn:
        newest = text(
            "SELECT id FROM post WHERE circle_id = md5('c1')::uuid "
            "ORDER BY created_at DESC LIMIT 20"
        )
        return list((await conn.execute(newest)).scalars())


async def test_a_feed_page_and_posts_by_id_read_no_whole_table_of_members_posts_or_replies(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        ids = await _seeded_first_page(engine)
        assert len(ids) == 20
        viewer = {"viewer_id": md5_uuid("m1"), "hidden": []}
        statements = {
            "feed page": (
                post_reads._POSTS.statement(_Postgres, False, 21),
                {"circle_id": md5_uuid("c1"), **viewer},
            ),
            "latest replies": (
                post_reads._LATEST_REPLIES(_Postgres),
                {"ids": ids, "n": 3, **viewer},
            ),
            "the rendered feed page": (RENDERED_PAGE, {"circle_id": md5_uuid("c1"), **viewer}),
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
        # and rendered, the page reads its replies' counts and each post's 3 newest
        counted = rows_read(plans["feed page"], "reply")
        assert rows_read(plans["the rendered feed page"], "reply") <= counted + 3 * len(ids)
    finally:
        await engine.dispose()


async def test_the_hot_statements_keep_one_plan_instead_of_planning_every_request(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        # given the members, circles, posts and replies above
        ids = await _seeded_first_page(engine)
        viewer = {"viewer_id": md5_uuid("m1"), "hidden": []}
        page = {"circle_id": md5_uuid("c1"), **viewer}
        statements = {
            "the viewer": (member_reads._BY_UID(_Postgres), {"uid": "m1"}),
            "the circle": (
                circle_reads._CIRCLES_WITH_VIEWER(_Postgres),
                {"ids": [md5_uuid("c1")], **viewer},
            ),
            "the first page": (post_reads._POSTS.statement(_Postgres, False, 21), page),
            "the latest replies": (
                post_reads._LATEST_REPLIES(_Postgres),
                {"ids": ids, "n": 3, **viewer},
            ),
            "the first page, rendered (a known document's)": (RENDERED_PAGE, page),
            "a post by id (a reaction's payload)": (
                post_reads._POSTS._by_id(_Postgres),
                {"id": ids[0], **viewer},
            ),
        }
        # when each of the feed's statements (and a reaction's payload) runs 8 times on one connection (a later
        # page is left out: PostgreSQL still plans it for its cursor's values each time)
        made = {name: await plans_made(engine, s, p) for name, (s, p) in statements.items()}
        # then PostgreSQL keeps a plan for it after the first five runs, rather than
        # planning it again for every request (a LIMIT parameter, `= ANY($1)` for one
        # uid and `unnest($1)` of one post id each made it plan every run)
        assert {name: plans["generic"] for name, plans in made.items()} == {
            name: 3 for name in statements
        }, made
    finally:
        await engine.dispose()
