"""A feed page, and a thread's page of replies, that PostgreSQL renders to JSON
(``api.posts.rendered``, ``infra.db.reads.rendered``) answer exactly what the domain's
views make of the same posts on graphql-core's executor, for circles Hypothesis draws: posts and replies
anonymous or not, edited, removed, hidden by the owner, under content warnings, reacted
to by anyone, with blocks between the viewer and other members and topics the viewer
muted, read by any member, a first and a second page, with every field the store
renders (and their ``__typename``s).

On SQLite the page is always read into Python objects, so there the test holds the
fallback to the same answers."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from api.observability import PLAN_FALLBACKS, STORE_RENDERED
from tests.api.test_compiled_equivalence import same
from tests.conftest import IS_POSTGRES
from tests.support import circles as c
from tests.support.circles import create_circle, join, mutate, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.moderation import BLOCK, HIDE, MUTE_TOPICS

RICH_FEED = """
query($id: ID!, $first: Int = 6, $after: String, $n: Int! = 4) {
  node(id: $id) { ... on Circle {
    posts(first: $first, after: $after) {
      __typename
      pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
      edges { __typename cursor node {
        __typename id body createdAt editedAt isAnonymous isMine isRemoved isHidden hiddenReason
        contentWarning { __typename topics note }
        author { __typename id displayName pronouns bio memberSince isViewer }
        replyCount
        reactionCounts { __typename kind count }
        viewerReactions
        latest: latestReplies(first: $n) {
          __typename id body createdAt editedAt isAnonymous isMine isRemoved isHidden
          hiddenReason author { id displayName isViewer } reactionCounts { kind count }
          viewerReactions
        }
        ... on Node { id }
      } }
    }
  } }
}
"""

RICH_REPLIES = """
query($id: ID!, $first: Int = 4, $after: String) {
  node(id: $id) { ... on Post {
    replies(first: $first, after: $after) {
      __typename
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node {
        __typename id body createdAt editedAt isAnonymous isMine isRemoved isHidden hiddenReason
        author { __typename id displayName pronouns bio memberSince isViewer }
        reactionCounts { __typename kind count }
        viewerReactions
      } }
    }
  } }
}
"""

MEMBERS = 4  # member 0 owns the circle
KINDS = ("HUG", "ME_TOO", "STRENGTH", "THANK_YOU")
TOPICS = ("ANXIETY", "GRIEF")

member = st.integers(0, MEMBERS - 1)
reactions = st.lists(st.tuples(member, st.sampled_from(KINDS)), max_size=4, unique=True)
warning = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "topics": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True),
            "note": st.one_of(st.none(), st.just("take care")),
        }
    ),
)
message = {
    "author": member,
    "anonymous": st.booleans(),
    "edited": st.booleans(),
    "removed": st.booleans(),
    "hidden": st.booleans(),
    "reactions": reactions,
}
replies = st.lists(st.fixed_dictionaries(message), max_size=4)
posts = st.lists(
    st.fixed_dictionaries({**message, "warning": warning, "replies": replies}),
    min_size=1,
    max_size=5,
)
worlds = st.fixed_dictionaries(
    {
        "posts": posts,
        "viewer": member,
        "blocks": st.lists(member, max_size=2, unique=True),
        "blocked_by": st.lists(member, max_size=2, unique=True),
        "muted": st.lists(st.sampled_from(TOPICS), max_size=2, unique=True),
        "first": st.integers(1, 6),
        "n": st.integers(1, 4),
    }
)

_worlds = itertools.count()


async def _build(gql: GraphQLClient, world: dict[str, Any]) -> tuple[list[str], str, list[str]]:
    """The drawn circle, through the API; returns the members' uids, the circle and
    its posts."""
    n = next(_worlds)
    uids = [f"rf{n}-{i}" for i in range(MEMBERS)]
    ids = [await gql.onboard(uid, f"Rendered {n} {i}") for i, uid in enumerate(uids)]
    circle = await create_circle(gql, uids[0], name=f"Rendered {n}", topics=list(TOPICS))
    for uid in uids[1:]:
        await join(gql, uid, circle)
    hide: list[str] = []
    remove: list[tuple[str, str, str]] = []
    posts: list[str] = []
    for p in world["posts"]:
        extra = {"contentWarning": p["warning"]} if p["warning"] else {}
        author = uids[p["author"]]
        made = await post(gql, author, circle, "A post", anonymous=p["anonymous"], **extra)
        posts.append(made["id"])
        for r in p["replies"]:
            by = uids[r["author"]]
            answer = await reply(gql, by, made["id"], "A reply", anonymous=r["anonymous"])
            await _settle(gql, uids, answer["id"], r, by, c.EDIT_REPLY, "replyId", hide, remove)
        await _settle(gql, uids, made["id"], p, author, c.EDIT_POST, "postId", hide, remove)
    for target in hide:
        payload = await mutate(gql, HIDE, {"targetId": target, "reason": "SPAM"}, uids[0])
        assert payload["userErrors"] == [], payload["userErrors"]
    for document, field, target_id, by in [(d, f, t, b) for d, f, t, b in _removals(remove)]:
        payload = await mutate(gql, document, {field: target_id}, by)
        assert payload["userErrors"] == [], payload["userErrors"]
    viewer = uids[world["viewer"]]
    for other in world["blocks"]:
        if other != world["viewer"]:
            await mutate(gql, BLOCK, {"memberId": ids[other]}, viewer)
    for other in world["blocked_by"]:
        if other != world["viewer"]:
            await mutate(gql, BLOCK, {"memberId": ids[world["viewer"]]}, uids[other])
    if world["muted"]:
        await mutate(gql, MUTE_TOPICS, {"topics": world["muted"]}, viewer)
    return uids, circle, posts


async def _settle(
    gql: GraphQLClient,
    uids: list[str],
    target: str,
    drawn: dict[str, Any],
    author: str,
    edit: str,
    field: str,
    hide: list[str],
    remove: list[tuple[str, str, str]],
) -> None:
    """Reactions and an edit now; hiding and removal once everything is written."""
    for who, kind in drawn["reactions"]:
        await c.react(gql, uids[who], target, kind)
    if drawn["edited"]:
        payload = await mutate(gql, edit, {field: target, "body": "Edited"}, author)
        assert payload["userErrors"] == [], payload["userErrors"]
    if drawn["hidden"] and author != uids[0]:  # nobody acts on the owner's content
        hide.append(target)
    if drawn["removed"]:
        remove.append((field, target, author))


def _removals(remove: list[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """Replies before their posts (a removed post takes no more changes)."""
    documents = {"replyId": c.DELETE_REPLY, "postId": c.DELETE_POST}
    ordered = sorted(remove, key=lambda r: r[0] != "replyId")
    return [(documents[f], f, t, by) for f, t, by in ordered]


@settings(
    max_examples=25,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # a failure prints its world; no slow shrinking
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds)
async def test_a_feed_page_rendered_by_postgresql_answers_like_the_domain_views(
    app_and_http: tuple[Starlette, httpx.AsyncClient], gql: GraphQLClient, world: dict[str, Any]
) -> None:
    app, http = app_and_http
    uids, circle, posts = await _build(gql, world)
    viewer = uids[world["viewer"]]
    variables: dict[str, Any] = {"id": circle, "first": world["first"], "n": world["n"]}
    rendered = STORE_RENDERED._value.get()
    answer = await same(app, http, RICH_FEED, variables, viewer)
    assert "errors" not in answer, answer
    page = answer["data"]["node"]["posts"]
    pages = 1
    if page["pageInfo"]["hasNextPage"]:
        after = {**variables, "after": page["pageInfo"]["endCursor"]}
        second = await same(app, http, RICH_FEED, after, viewer)
        assert second["data"]["node"]["posts"]["pageInfo"]["hasPreviousPage"] is True
        pages = 2
    # and a thread's replies, page by page (tombstones of removed ones included)
    busiest = max(range(len(posts)), key=lambda i: len(world["posts"][i]["replies"]))
    thread = {"id": posts[busiest], "first": world["first"]}
    for _ in range(3):
        answer = await same(app, http, RICH_REPLIES, thread, viewer)
        pages += 1
        node = answer["data"]["node"]
        if node is None or not node["replies"]["pageInfo"]["hasNextPage"]:
            break  # (the post is not shown to this viewer: no replies to read)
        thread = {**thread, "after": node["replies"]["pageInfo"]["endCursor"]}
    if answer["data"]["node"] is None:
        pages -= 1
    assert STORE_RENDERED._value.get() == rendered + (pages if IS_POSTGRES else 0)


FOLDED_FEED = """
query($id: ID!) {
  node(id: $id) { ... on Circle {
    posts(first: 5) { edges { node { id body folded foldedReason contentWarning { topics } } } }
  } }
}
"""


async def test_a_page_asking_for_a_field_the_store_does_not_render_reads_it_as_before(
    app_and_http: tuple[Starlette, httpx.AsyncClient], gql: GraphQLClient
) -> None:
    # given a post under a GRIEF warning, read by a member who muted GRIEF
    app, http = app_and_http
    quiet = {"author": 0, "anonymous": False, "edited": False, "removed": False}
    drawn = {**quiet, "hidden": False, "reactions": [], "replies": []}
    world = {
        "posts": [{**drawn, "warning": {"topics": ["GRIEF"], "note": None}}],
        "viewer": 1,
        "blocks": [],
        "blocked_by": [],
        "muted": ["GRIEF"],
    }
    uids, circle, _ = await _build(gql, world)
    rendered = STORE_RENDERED._value.get()
    fallbacks = PLAN_FALLBACKS.labels("store_rendering")._value.get()
    # when a known document asks whether its posts are folded (the store does not render it)
    answer = await same(app, http, FOLDED_FEED, {"id": circle}, uids[1])
    # then the page is read into objects on the plan, folded for this viewer, and counted
    node = answer["data"]["node"]["posts"]["edges"][0]["node"]
    assert node["folded"] is True
    assert node["foldedReason"]
    assert STORE_RENDERED._value.get() == rendered
    assert PLAN_FALLBACKS.labels("store_rendering")._value.get() == fallbacks + 1


THREADS_BY_FRAGMENT = """
query($id: ID!, $replies: Int) {
  node(id: $id) { ... on Circle { posts(first: 10) { edges { node { ...Thread } } } } }
}
fragment Thread on Post { id ... on Post { latestReplies(first: $replies) { body } } }
"""


async def test_a_rendered_page_follows_a_variable_read_through_a_fragment_on_every_request(
    app_and_http: tuple[Starlette, httpx.AsyncClient], gql: GraphQLClient
) -> None:
    # given a post with four replies
    app, http = app_and_http
    quiet = {"author": 1, "anonymous": False, "edited": False, "removed": False}
    drawn = {**quiet, "hidden": False, "reactions": []}
    world = {
        "posts": [{**drawn, "warning": None, "replies": [drawn] * 4}],
        "viewer": 2,
        "blocks": [],
        "blocked_by": [],
        "muted": [],
    }
    uids, circle, _ = await _build(gql, world)
    rendered = STORE_RENDERED._value.get()
    # when the same known document asks for 2, the default (3), 1 and 50 latest replies
    for asked, shown in ((2, 2), (None, 3), (1, 1), (50, 4), (2, 2)):
        variables = {"id": circle} | ({} if asked is None else {"replies": asked})
        answer = await same(app, http, THREADS_BY_FRAGMENT, variables, uids[2])
        # then each answer shows as many as that request asked for
        node = answer["data"]["node"]["posts"]["edges"][0]["node"]
        assert len(node["latestReplies"]) == shown, asked
    assert STORE_RENDERED._value.get() == rendered + (5 if IS_POSTGRES else 0)
