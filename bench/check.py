"""Equivalence check: the raw endpoint and the GraphQL app give the same parsed JSON."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from bench import feed, operations
from bench.database import member_of, outsider_of


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: present on one side only"
            if (found := first_difference(a[key], b[key], f"{path}.{key}")) is not None:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if (found := first_difference(x, y, f"{path}[{i}]")) is not None:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


async def _post(client: httpx.AsyncClient, url: str, auth: str, body: str) -> Any:
    response = await client.post(
        url, content=body, headers={"Authorization": auth, "Content-Type": "application/json"}
    )
    response.raise_for_status()
    return response.json()


async def check(app_url: str, raw_url: str) -> dict[str, Any]:
    """Compares feeds of several circles and viewers (and a second page); checks
    that a non-member is refused by both; then 64 concurrent app requests."""
    try:
        from tests.support.circles import FEED
    except ImportError:  # pragma: no cover - tests not importable
        FEED = feed.FEED
    if FEED != feed.FEED:
        raise AssertionError("bench/feed.py FEED differs from tests/support/circles.py FEED")
    if feed.FEED_SHA256 not in json.loads(feed.MANIFEST.read_text()):
        raise AssertionError(f"the feed is not in {feed.MANIFEST}: run scripts/sample_manifest.py")
    compared = 0
    async with httpx.AsyncClient(timeout=30) as client:
        cases = [(c, member_of(c, slot)) for c, slot in [(1, 0), (2, 5), (17, 42), (50, 99)]]
        for circle, member in cases:
            auth = feed.auth(member)
            after = None
            for _page in range(2):
                body = feed.body(circle, 20, after)
                app, raw = (
                    await _post(client, app_url, auth, body),
                    await _post(client, raw_url, auth, body),
                )
                if "errors" in app:
                    raise AssertionError(f"app errors for circle {circle}: {app['errors']}")
                if (diff := first_difference(app, raw)) is not None:
                    raise AssertionError(f"circle {circle}, member {member}: {diff}")
                compared += 1
                after = app["data"]["node"]["posts"]["pageInfo"]["endCursor"]
        stats = _shape_stats(app)
        outsider = feed.auth(outsider_of(1))
        app = await _post(client, app_url, outsider, feed.body(1))
        raw = await _post(client, raw_url, outsider, feed.body(1))
        if not app.get("errors") or not raw.get("errors"):
            raise AssertionError(f"a non-member read the feed: app={app!r:.200} raw={raw!r:.200}")
        rotation = feed.rotation()
        answers = await asyncio.gather(
            *(_post(client, app_url, a, b) for a, b in rotation[:64]),
            *(_post(client, raw_url, a, b) for a, b in rotation[:64]),
        )
        if any("errors" in answer for answer in answers):
            raise AssertionError("errors under concurrency")
        others = await _check_me_and_react(client, app_url, raw_url)
    return {"compared_pages": compared, "concurrent_ok": len(answers), **stats, **others}


def _raw(url: str, path: str) -> str:
    return url.removesuffix("/graphql") + path


async def _check_me_and_react(
    client: httpx.AsyncClient, app_url: str, raw_url: str
) -> dict[str, Any]:
    """``me`` and ``react`` give the same JSON from both; a non-member's reaction is
    refused by both (NOT_FOUND, no target)."""
    from tests.support.circles import REACT
    from tests.support.graphql import ME

    if (ME, REACT) != (operations.ME, operations.REACT):
        raise AssertionError("bench/operations.py ME or REACT differs from tests/support")
    manifest = json.loads(feed.MANIFEST.read_text())
    if not {operations.sha256(ME), operations.sha256(REACT)} <= set(manifest):
        raise AssertionError(f"ME or REACT is not in {feed.MANIFEST}")
    compared = 0
    for name, path, pairs in (
        ("me", "/me", operations.me_pairs()[:8]),
        ("react", "/react", operations.react_pairs()[:8]),
    ):
        for auth, body in pairs:
            # twice: the first react may add the reaction, the second keeps it once
            for _ in range(2 if name == "react" else 1):
                app = await _post(client, app_url, auth, body)
                raw = await _post(client, _raw(raw_url, path), auth, body)
                if "errors" in app:
                    raise AssertionError(f"app errors for {name}: {app['errors']}")
                if (diff := first_difference(app, raw)) is not None:
                    raise AssertionError(f"{name} as {auth}: {diff}")
                compared += 1
    outsider = feed.auth(outsider_of(1))
    body = operations.react_body(1, operations.POSTS_PER_CIRCLE - 1, "HUG")
    for answer in (
        await _post(client, app_url, outsider, body),
        await _post(client, _raw(raw_url, "/react"), outsider, body),
    ):
        payload = answer["data"]["react"]
        if payload["target"] is not None or payload["userErrors"][0]["code"] != "NOT_FOUND":
            raise AssertionError(f"a non-member reacted: {answer!r:.200}")
    return {"compared_me_and_react": compared}


def _shape_stats(answer: Any) -> dict[str, Any]:
    import orjson

    edges = answer["data"]["node"]["posts"]["edges"]
    return {
        "response_bytes_app_json": len(orjson.dumps(answer)),
        "posts": len(edges),
        "replies": sum(len(e["node"]["latestReplies"]) for e in edges),
    }
