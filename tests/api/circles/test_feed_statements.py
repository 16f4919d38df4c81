"""The feed costs a fixed number of SQL statements, whatever the page size (no N+1)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette

from tests.conftest import IS_POSTGRES
from tests.support.circles import FEED, create_circle, feed_of, join, post, react, reply
from tests.support.graphql import GraphQLClient, send_persisted
from tests.support.moderation import MUTE_TOPICS, block

MAX_STATEMENTS = 4
RENDERED_STATEMENTS = 3
"""A known document on PostgreSQL: the viewer, the circle, and the page rendered by the
database with its latest replies (api.posts.rendered)."""
_TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
_counting: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "counting", default=None
)


@contextmanager
def statements(app: Starlette) -> Iterator[list[str]]:
    """SQL statements run on the app's engine by this task (background work such as
    the embedded worker runs in other tasks and is not counted)."""
    engine = app.state.services.engine.sync_engine
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        bucket = _counting.get()
        if bucket is not None and not statement.lstrip().upper().startswith(_TRANSACTION):
            bucket.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    token = _counting.set(seen)
    try:
        yield seen
    finally:
        _counting.reset(token)
        event.remove(engine, "before_cursor_execute", count)


async def _add_posts(gql: GraphQLClient, circle_id: str, how_many: int) -> None:
    """Each post with 4 replies (by two members), reactions on the post and a reply."""
    for n in range(how_many):
        author = ("bob", "dave")[n % 2]  # 50 posts by one member would pass the hourly limit
        created = await post(gql, author, circle_id, f"Post {n}", anonymous=n % 3 == 0)
        replies = [
            await reply(gql, uid, created["id"], f"Reply {k}", anonymous=k == 3)
            for k, uid in enumerate(("alice", "carol", "alice", "carol"))
        ]
        await react(gql, "alice", created["id"], "HUG")
        await react(gql, "carol", created["id"], "HUG")
        await react(gql, "carol", created["id"], "ME_TOO")
        await react(gql, "bob", replies[-1]["id"], "THANK_YOU")


async def test_the_feed_costs_the_same_few_statements_for_5_20_and_50_posts(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    # given a circle of four (and carol blocked someone and muted a topic)
    app, http = app_and_http
    await gql.onboard("alice")
    await gql.onboard("bob")
    await gql.onboard("carol")
    await gql.onboard("dave")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    await join(gql, "dave", circle_id)
    # and carol blocked someone and muted a topic (her filters ride on her own read)
    erin = await gql.onboard("erin")
    await block(gql, "carol", erin)
    await gql.data(MUTE_TOPICS, {"input": {"topics": ["GRIEF"]}}, as_="carol")
    counts: dict[int, int] = {}
    planned: dict[int, int] = {}
    total = 0
    for size in (5, 20, 50):
        await _add_posts(gql, circle_id, size - total)
        total = size
        # when the feed is read
        with statements(app) as seen:
            data = await gql.data(FEED, {"id": circle_id, "first": 50}, as_="carol")
        counts[size] = len(seen)
        # then the page is complete
        edges = data["node"]["posts"]["edges"]
        assert len(edges) == size
        assert all(e["node"]["replyCount"] == 4 for e in edges)
        assert all(len(e["node"]["latestReplies"]) == 3 for e in edges)
        assert all(sorted(e["node"]["viewerReactions"]) == ["HUG", "ME_TOO"] for e in edges)
        # and as a known document (persisted), on its compiled plan, the same page
        with statements(app) as seen:
            status, answer = await send_persisted(
                http, FEED, {"id": circle_id, "first": 50}, "carol"
            )
        planned[size] = len(seen)
        assert (status, answer) == (200, {"data": data})
    # then the count does not grow with the page
    print(f"feed statements for 5/20/50 posts: {counts}, on the plan: {planned}")
    assert counts[5] == counts[20] == counts[50], counts
    assert counts[50] <= MAX_STATEMENTS, counts
    assert planned[5] == planned[20] == planned[50], planned
    assert planned[50] == (RENDERED_STATEMENTS if IS_POSTGRES else counts[50]), planned


async def test_the_statement_counter_sees_the_feeds_own_reads(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    # given
    await gql.onboard("alice")
    circle_id = await create_circle(gql, "alice")
    # when
    with statements(app_and_http[0]) as seen:
        await feed_of(gql, "alice", circle_id)
    # then the counter sees the feed's reads (it is not vacuously zero)
    assert any("FROM post" in s for s in seen), seen


_FEED_BY_FRAGMENT = """
query($id: ID!, $replies: Int) {
  node(id: $id) { ... on Circle { posts(first: 10) { edges { node { ...Thread } } } } }
}
fragment Thread on Post { id ... on Post { latestReplies(first: $replies) { body } } }
"""


async def test_latest_replies_asked_through_a_fragment_and_a_variable_are_read_with_the_page(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    # given a circle of four with 3 posts of 4 replies each
    app = app_and_http[0]
    for uid in ("alice", "bob", "carol", "dave"):
        await gql.onboard(uid)
    circle_id = await create_circle(gql, "alice")
    for uid in ("bob", "carol", "dave"):
        await join(gql, uid, circle_id)
    await _add_posts(gql, circle_id, 3)
    for asked, shown in ((2, 2), (None, 3), (50, 4)):
        # when the feed asks for `asked` latest replies through a variable in a fragment
        # (None: the variable is left out, so the argument's default applies)
        variables = {"id": circle_id} | ({} if asked is None else {"replies": asked})
        with statements(app) as seen:
            data = await gql.data(_FEED_BY_FRAGMENT, variables, as_="carol")
        # then each post shows that many (default 3, at most its 4) ...
        edges = data["node"]["posts"]["edges"]
        assert [len(e["node"]["latestReplies"]) for e in edges] == [shown] * 3, asked
        assert edges[0]["node"]["latestReplies"][0]["body"] == "Reply 3"
        # ... prefetched with the page, not read post by post
        assert len(seen) <= MAX_STATEMENTS, (asked, seen)
