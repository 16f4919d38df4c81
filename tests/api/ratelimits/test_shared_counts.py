"""Limits hold across API instances through Redis, and within one instance without it."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import running_app
from tests.api.ratelimits.conftest import SMALL_LIMITS
from tests.api.ratelimits.test_rate_limits import POST_WITH_RETRY, circle_with
from tests.conftest import REDIS_URL, test_settings
from tests.support.circles import mutate, post
from tests.support.graphql import GraphQLClient


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The configured Redis, or a private redis-server when none is configured."""
    if REDIS_URL:
        yield REDIS_URL
        return
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for this test (it runs on every Hearth machine)")
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.kill()
        server.wait(5)


async def test_two_instances_sharing_redis_count_one_member_together(
    clean_database: str, redis_url: str
) -> None:
    settings = test_settings(redis_url=redis_url, **SMALL_LIMITS)
    async with running_app(settings) as (_, http_a), running_app(settings) as (_, http_b):
        a, b = GraphQLClient(http_a), GraphQLClient(http_b)
        circle_id = await circle_with(a, "alice")
        # two posts through instance A and one through B use up alice's 3
        await post(a, "alice", circle_id, "one")
        await post(a, "alice", circle_id, "two")
        await post(b, "alice", circle_id, "three")

        on_a = await mutate(a, POST_WITH_RETRY, {"circleId": circle_id, "body": "four"}, "alice")
        on_b = await mutate(b, POST_WITH_RETRY, {"circleId": circle_id, "body": "four"}, "alice")

    assert [e["code"] for e in on_a["userErrors"]] == ["RATE_LIMITED"]
    assert [e["code"] for e in on_b["userErrors"]] == ["RATE_LIMITED"]


async def test_without_redis_one_instance_counts_in_its_own_memory(
    clean_database: str,
) -> None:
    settings = test_settings(redis_url=None, **SMALL_LIMITS)
    async with running_app(settings) as (_, http):
        gql = GraphQLClient(http)
        circle_id = await circle_with(gql, "alice")
        for n in range(3):
            await post(gql, "alice", circle_id, f"post {n}")
        refused = await mutate(gql, POST_WITH_RETRY, {"circleId": circle_id, "body": "4"}, "alice")

    assert [e["code"] for e in refused["userErrors"]] == ["RATE_LIMITED"]


async def test_when_redis_is_unreachable_actions_are_let_through(clean_database: str) -> None:
    # a limiter that can't count must not stop people posting (it logs instead)
    settings = test_settings(redis_url=f"redis://127.0.0.1:{_free_port()}/0", **SMALL_LIMITS)
    async with running_app(settings) as (_, http):
        gql = GraphQLClient(http)
        circle_id = await circle_with(gql, "alice")
        for n in range(4):
            await post(gql, "alice", circle_id, f"post {n}")


async def test_a_burst_larger_than_the_redis_pool_waits_for_connections_and_the_limit_holds(
    clean_database: str, redis_url: str
) -> None:
    # 40 posts at once through 2 Redis connections: each waits for a connection instead of
    # failing with "Too many connections", which would let it through unlimited
    settings = test_settings(redis_url=redis_url, hearth_redis_max_connections=2, **SMALL_LIMITS)
    async with running_app(settings) as (_, http):
        gql = GraphQLClient(http)
        circle_id = await circle_with(gql, "alice")

        async def one(n: int) -> dict[str, Any]:
            variables = {"circleId": circle_id, "body": f"burst {n}"}
            return await mutate(gql, POST_WITH_RETRY, variables, "alice")

        results = await asyncio.gather(*(one(n) for n in range(40)))

    accepted = [r for r in results if r["post"] is not None]
    assert len(accepted) == 3
    assert {e["code"] for r in results if r["post"] is None for e in r["userErrors"]} == {
        "RATE_LIMITED"
    }
