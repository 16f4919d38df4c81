"""The benchmark's operations besides the feed: ``me`` (the query every app start sends)
and ``react`` (a mutation), each sent as a persisted query with a raw twin in
bench/raw_app.py, so that the compiled plans are measured off the feed too.

Every operation is a list of (Authorization, body) pairs that wrk rotates over, and the
path each server answers it on (the app: ``/graphql``; the raw twin: one path each).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bench import feed
from bench.database import CIRCLES, member_of

# Verbatim copies of tests/support/graphql.py ME and tests/support/circles.py REACT
# (checked by bench.check), which are in the sample manifest.
ME = """
query Me {
  me { id displayName pronouns bio memberSince isViewer timezone region }
}
"""
REACT = """
mutation($input: ReactionInput!) {
  react(input: $input) {
    target { id ... on Post { reactionCounts { kind count } viewerReactions } }
    userErrors { code field message }
  }
}
"""
KINDS = ("HUG", "ME_TOO", "STRENGTH", "THANK_YOU")
POSTS_PER_CIRCLE = 2000


@dataclass(frozen=True)
class Operation:
    """One measured operation: its name, the raw twin's path and wrk's rotation."""

    name: str
    raw_path: str
    pairs: list[tuple[str, str]]
    connections: int | None = None
    """wrk connections for this operation (None: the run's ``--connections``)."""


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted_body(document: str, variables: dict[str, Any] | None = None) -> str:
    request: dict[str, Any] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(document)}}
    }
    if variables is not None:
        request["variables"] = variables
    return json.dumps(request, separators=(",", ":"))


def post_number(circle: int, j: int) -> int:
    """seed.sql's post number of the ``j``-th post (0: oldest) of ``circle``."""
    return (circle - 1) * POSTS_PER_CIRCLE + j + 1


def post_global_id(circle: int, j: int) -> str:
    """``to_global_id('Post', md5('post-<n>')::uuid)``, as seed.sql numbers posts."""
    digest = hashlib.md5(f"post-{post_number(circle, j)}".encode(), usedforsecurity=False)
    uuid = digest.hexdigest()
    text = f"Post:{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def react_body(circle: int, j: int, kind: str) -> str:
    return persisted_body(REACT, {"input": {"targetId": post_global_id(circle, j), "kind": kind}})


def me_pairs(viewers_per_circle: int = 4) -> list[tuple[str, str]]:
    """The same 200 viewers as the feed's rotation, each asking for their profile."""
    return [(auth, persisted_body(ME)) for auth, _ in feed.rotation(viewers_per_circle)]


def react_pairs(viewers_per_circle: int = 4) -> list[tuple[str, str]]:
    """200 (viewer, post, kind): a member of each circle reacts to one of its newest
    posts. Each pair is a new reaction the first time and the same reaction, kept
    once, every time after (``react`` is idempotent): the warm-up makes them all
    repeats, so both servers measure the same work."""
    pairs = []
    for turn in range(viewers_per_circle):
        for circle in range(1, CIRCLES + 1):
            slot = (turn * 37 + circle) % 100
            j = POSTS_PER_CIRCLE - 1 - (circle + turn) % 20
            kind = KINDS[(circle + turn) % len(KINDS)]
            pairs.append((feed.auth(member_of(circle, slot)), react_body(circle, j, kind)))
    return pairs


def all_operations() -> list[Operation]:
    """The feed at the run's connections and at 1 (its latency), ``me`` and ``react``."""
    rotation = feed.rotation()
    return [
        Operation("feed", "/graphql", rotation),
        Operation("feed-c1", "/graphql", rotation, connections=1),
        Operation("me", "/me", me_pairs()),
        Operation("react", "/react", react_pairs()),
    ]


OPERATIONS = ("feed", "feed-c1", "me", "react")
