"""The "physical limit" reference: the circle feed from hand-written SQL, no GraphQL.

Plain Starlette + an asyncpg pool. ONE statement checks the viewer's membership
and builds the whole response with ``json_build_object``/``json_agg`` (like
perf-anchors' RAW); Python only copies the text into the response. The JSON is
the GraphQL app's answer to ``tests/support/circles.py`` FEED, with IDs and cursors
encoded as ``api.node.to_global_id`` and ``api.pagination.encode_cursor`` do.

Serve: ``BENCH_DSN=postgresql://... uvicorn bench.raw_app:create_app --factory``.
It answers ``POST /graphql`` with the FEED's variables (``id``, ``first``, ``after``);
the query text is not parsed. ``POST /me`` and ``POST /react`` are the raw twins of
bench/operations.py's ``ME`` and ``REACT``.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "15"))  # the app's HEARTH_DB_POOL_SIZE default


def _global_id(type_name: str, column: str) -> str:
    """SQL for ``to_global_id``: base64url of 'Type:uuid', padding kept."""
    return (
        f"translate(encode(convert_to('{type_name}:' || {column}::text, 'UTF8'), 'base64'),"
        " E'+/\\n', '-_')"
    )


def _iso(column: str, utc: str = "Z") -> str:
    """SQL for the API's DateTime wire format (RFC 3339, UTC, ``Z``: api/scalars.py)."""
    return (
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN extract(microseconds FROM {column})::bigint % 1000000 <> 0"
        f" THEN to_char({column} AT TIME ZONE 'UTC', '.US') ELSE '' END || '{utc}')"
    )


def _cursor(kind: str, at: str, column: str) -> str:
    """SQL for ``encode_cursor``: base64url of 'kind|iso|uuid', padding stripped."""
    return (
        f"rtrim(translate(encode(convert_to('{kind}|' || {_iso(at, '+00:00')} || '|' || {column}::text,"
        " 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"
    )


def _reactions(target: str, viewer: str) -> str:
    """SQL for ``reactionCounts`` (every kind, in the API's order) and ``viewerReactions``."""
    return f"""'reactionCounts', (
        SELECT json_agg(json_build_object('kind', k.kind, 'count', coalesce(c.n, 0))
                        ORDER BY k.ord)
        FROM (VALUES ('HUG', 1), ('ME_TOO', 2), ('STRENGTH', 3), ('THANK_YOU', 4))
             AS k(kind, ord)
        LEFT JOIN (SELECT kind, count(*) AS n FROM reaction WHERE target_id = {target}
                   GROUP BY kind) c ON c.kind = k.kind),
    'viewerReactions', (SELECT coalesce(json_agg(x.kind ORDER BY x.kind), '[]')
                        FROM reaction x
                        WHERE x.target_id = {target} AND x.member_id = {viewer})"""


FEED_SQL = f"""
WITH viewer AS (
    SELECT m.id FROM member m
    JOIN membership ms ON ms.member_id = m.id AND ms.circle_id = $2 AND ms.status = 'ACTIVE'
    WHERE m.firebase_uid = $1
), page AS (
    SELECT p.*, row_number() OVER (ORDER BY p.created_at DESC, p.id DESC) AS rn
    FROM (
        SELECT * FROM post
        WHERE circle_id = $2 AND EXISTS (SELECT 1 FROM viewer)
          AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $3 + 1
    ) p
), edges AS (
    SELECT pg.rn, {_cursor("post", "pg.created_at", "pg.id")} AS cursor,
        json_build_object(
            'id', {_global_id("Post", "pg.id")},
            'body', CASE WHEN pg.removed_at IS NULL THEN pg.body END,
            'createdAt', {_iso("pg.created_at")},
            'isAnonymous', pg.anonymous,
            'isMine', pg.author_id = (SELECT id FROM viewer),
            'isRemoved', pg.removed_at IS NOT NULL,
            'contentWarning', CASE WHEN pg.removed_at IS NULL
                AND (pg.cw_topics IS NOT NULL OR pg.cw_note IS NOT NULL) THEN json_build_object(
                    'topics', (SELECT coalesce(json_agg(t ORDER BY o), '[]')
                               FROM unnest(string_to_array(pg.cw_topics, ','))
                                    WITH ORDINALITY AS u(t, o) WHERE t <> ''),
                    'note', pg.cw_note) END,
            'author', CASE WHEN NOT pg.anonymous AND pg.removed_at IS NULL THEN json_build_object(
                'id', {_global_id("Member", "a.id")}, 'displayName', a.display_name) END,
            'replyCount', (SELECT count(*) FROM reply r
                           WHERE r.post_id = pg.id AND r.removed_at IS NULL),
            {_reactions("pg.id", "(SELECT id FROM viewer)")},
            'latestReplies', (
                SELECT coalesce(json_agg(json_build_object(
                    'id', {_global_id("Reply", "lr.id")},
                    'body', lr.body,
                    'createdAt', {_iso("lr.created_at")},
                    'isMine', lr.author_id = (SELECT id FROM viewer),
                    'author', CASE WHEN NOT lr.anonymous THEN json_build_object(
                        'id', {_global_id("Member", "ra.id")}, 'displayName', ra.display_name)
                        END
                ) ORDER BY lr.created_at DESC, lr.id DESC), '[]')
                FROM (SELECT * FROM reply r WHERE r.post_id = pg.id AND r.removed_at IS NULL
                      ORDER BY r.created_at DESC, r.id DESC LIMIT 3) lr
                JOIN member ra ON ra.id = lr.author_id)
        ) AS node
    FROM page pg JOIN member a ON a.id = pg.author_id
    WHERE pg.rn <= $3
)
SELECT EXISTS (SELECT 1 FROM viewer) AS allowed,
    json_build_object('data', json_build_object('node', json_build_object('posts',
        json_build_object(
            'pageInfo', json_build_object(
                'hasNextPage', (SELECT count(*) FROM page) > $3,
                'endCursor', (SELECT cursor FROM edges ORDER BY rn DESC LIMIT 1)),
            'edges', (SELECT coalesce(json_agg(json_build_object('cursor', cursor, 'node', node)
                                               ORDER BY rn), '[]') FROM edges)
        ))))::text AS body
"""

ME_SQL = f"""
SELECT json_build_object('data', json_build_object('me', json_build_object(
    'id', {_global_id("Member", "m.id")}, 'displayName', m.display_name,
    'pronouns', m.pronouns, 'bio', m.bio, 'memberSince', {_iso("m.created_at")},
    'isViewer', true, 'timezone', m.timezone, 'region', m.region)))::text
FROM member m WHERE m.firebase_uid = $1
"""

# react: the app's checks (the viewer is an ACTIVE member of the post's circle, the post
# is neither removed nor hidden, no block between the two unless the viewer moderates
# the circle), then the reaction kept once; the payload is read after the insert.
REACT_INSERT = """
INSERT INTO reaction (target_id, member_id, kind, circle_id, created_at)
SELECT p.id, m.id, $3, p.circle_id, now()
FROM member m
JOIN post p ON p.id = $2 AND p.removed_at IS NULL AND p.hidden_at IS NULL
JOIN membership ms ON ms.circle_id = p.circle_id AND ms.member_id = m.id
    AND ms.status = 'ACTIVE'
WHERE m.firebase_uid = $1
  AND (ms.role IN ('OWNER', 'MODERATOR') OR NOT EXISTS (
      SELECT 1 FROM member_block b
      WHERE (b.blocker_id = m.id AND b.blocked_id = p.author_id)
         OR (b.blocker_id = p.author_id AND b.blocked_id = m.id)))
ON CONFLICT DO NOTHING
RETURNING 1
"""
REACT_PAYLOAD = f"""
SELECT json_build_object('data', json_build_object('react', json_build_object(
    'target', json_build_object(
        'id', {_global_id("Post", "p.id")},
        {_reactions("p.id", "m.id")}),
    'userErrors', '[]'::json)))::text
FROM member m JOIN post p ON p.id = $2
JOIN reaction r ON r.target_id = p.id AND r.member_id = m.id AND r.kind = $3
WHERE m.firebase_uid = $1
"""
NOT_FOUND = orjson.dumps(
    {
        "data": {
            "react": {
                "target": None,
                "userErrors": [
                    {"code": "NOT_FOUND", "field": ["input", "targetId"], "message": "Not found."}
                ],
            }
        }
    }
)

FORBIDDEN = orjson.dumps(
    {
        "data": {"node": None},
        "errors": [{"message": "Only the circle's active members can read its posts."}],
    }
)
BAD_REQUEST = orjson.dumps({"errors": [{"message": "Bad request."}]})
UNAUTHENTICATED = orjson.dumps({"errors": [{"message": "Sign in first."}]})


def _node_id(global_id: str, wanted: str) -> UUID | None:
    """The UUID inside a global ID of type ``wanted`` (``api.node.from_global_id``)."""
    try:
        type_name, _, raw = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
        return UUID(raw) if type_name == wanted else None
    except ValueError:
        return None


def _uid(request: Request) -> str | None:
    """The dev sign-in's uid from ``Authorization: Bearer dev:<uid>``."""
    header = request.headers.get("authorization", "")
    return header[len("Bearer dev:") :] if header.startswith("Bearer dev:") else None


def _after(cursor: str | None) -> tuple[datetime | None, UUID | None]:
    if cursor is None:
        return None, None
    padded = cursor + "=" * (-len(cursor) % 4)
    kind, at, raw = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
    if kind != "post":
        raise ValueError(kind)
    return datetime.fromisoformat(at), UUID(raw)


def _json(body: bytes | str, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="application/json")


async def graphql(request: Request) -> Response:
    if (uid := _uid(request)) is None:
        return _json(UNAUTHENTICATED)
    try:
        variables = orjson.loads(await request.body()).get("variables") or {}
        circle_id = _node_id(variables["id"], "Circle")
        first = variables.get("first")
        first = 20 if first is None else int(first)
        after_at, after_id = _after(variables.get("after"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return _json(BAD_REQUEST, 400)
    if circle_id is None or not 0 < first <= 50:
        return _json(BAD_REQUEST, 400)
    pool: asyncpg.Pool = request.app.state.pool
    row = await pool.fetchrow(FEED_SQL, uid, circle_id, first, after_at, after_id)
    if not row["allowed"]:
        return _json(FORBIDDEN)
    return _json(row["body"])


async def me(request: Request) -> Response:
    """``query Me``: the viewer's own profile (null before onboarding)."""
    if (uid := _uid(request)) is None:
        return _json(UNAUTHENTICATED)
    pool: asyncpg.Pool = request.app.state.pool
    body = await pool.fetchval(ME_SQL, uid)
    return _json(body if body is not None else b'{"data":{"me":null}}')


async def react(request: Request) -> Response:
    """``react(input: {targetId, kind})`` on a post, as the sample manifest's REACT asks."""
    if (uid := _uid(request)) is None:
        return _json(UNAUTHENTICATED)
    try:
        given = orjson.loads(await request.body())["variables"]["input"]
        post_id, kind = _node_id(given["targetId"], "Post"), str(given["kind"])
    except (ValueError, KeyError, TypeError):
        return _json(BAD_REQUEST, 400)
    if post_id is None or kind not in ("HUG", "ME_TOO", "STRENGTH", "THANK_YOU"):
        return _json(BAD_REQUEST, 400)
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute(REACT_INSERT, uid, post_id, kind)
        body = await connection.fetchval(REACT_PAYLOAD, uid, post_id, kind)
    return _json(body if body is not None else NOT_FOUND)


def create_app() -> Starlette:
    dsn = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/hearth_bench")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE)
        try:
            yield
        finally:
            await app.state.pool.close()

    routes = [
        Route("/graphql", graphql, methods=["POST"]),
        Route("/me", me, methods=["POST"]),
        Route("/react", react, methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
