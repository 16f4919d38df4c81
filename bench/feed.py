"""The measured operation: one circle's feed page, as the app's API tests ask for it, sent
as a persisted query (the hash of the sample manifest's document, which the app serves as
a trusted document: ``bench.servers.app_env``)."""

from __future__ import annotations

import base64
import hashlib
import json
from uuid import UUID

from bench.database import CIRCLES, ROOT, member_of

# Verbatim copy of tests/support/circles.py FEED (checked by bench.check).
FEED = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on Circle {
      posts(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id body createdAt isAnonymous isMine isRemoved
          contentWarning { topics note }
          author { id displayName }
          replyCount
          reactionCounts { kind count }
          viewerReactions
          latestReplies(first: 3) { id body createdAt isMine author { id displayName } }
        } }
      }
    }
  }
}
"""


def circle_uuid(circle: int) -> UUID:
    """Same as seed.sql's md5('circle-<n>')::uuid."""
    return UUID(hashlib.md5(f"circle-{circle}".encode(), usedforsecurity=False).hexdigest())


def circle_global_id(circle: int) -> str:
    """Same as api.node.to_global_id('Circle', ...)."""
    return base64.urlsafe_b64encode(f"Circle:{circle_uuid(circle)}".encode()).decode()


FEED_SHA256 = hashlib.sha256(FEED.encode()).hexdigest()
MANIFEST = ROOT / "docs" / "examples" / "persisted-documents.json"


def body(circle: int, first: int = 20, after: str | None = None) -> str:
    variables: dict[str, object] = {"id": circle_global_id(circle), "first": first}
    if after is not None:
        variables["after"] = after
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": FEED_SHA256}}
    return json.dumps({"variables": variables, "extensions": persisted}, separators=(",", ":"))


def auth(member: int) -> str:
    return f"Bearer dev:bench-{member}"


def rotation(viewers_per_circle: int = 4) -> list[tuple[str, str]]:
    """(Authorization, body) pairs: request i reads circle i % 50 + 1 as one of its
    ACTIVE members; the viewer changes every full turn over the circles."""
    pairs = []
    for turn in range(viewers_per_circle):
        for circle in range(1, CIRCLES + 1):
            slot = (turn * 37 + circle) % 100
            pairs.append((auth(member_of(circle, slot)), body(circle)))
    return pairs
