"""Safe retries: `idempotencyKey` on createPost, replyToPost, checkIn and react. A repeat
with the same key from the same member within 24 hours returns the first result and
writes nothing; concurrent sends write exactly one row (on SQLite and on PostgreSQL,
whichever DATABASE_URL the suite runs on)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette

from domain.clock import FixedClock
from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient

UE = "userErrors { code field message }"
CREATE_POST = f"""
mutation CreatePost($input: CreatePostInput!) {{ createPost(input: $input) {{
  post {{ id body }} {UE}
}} }}
"""
REPLY = f"""
mutation Reply($input: ReplyToPostInput!) {{ replyToPost(input: $input) {{
  reply {{ id body }} {UE}
}} }}
"""
CHECK_IN = f"""
mutation CheckIn($input: CheckInInput!) {{ checkIn(input: $input) {{
  checkIn {{ id mood }} {UE}
}} }}
"""
REACT = f"""
mutation React($input: ReactionInput!) {{ react(input: $input) {{
  target {{ id ... on Post {{ reactionCounts {{ kind count }} }} }} {UE}
}} }}
"""


@pytest.fixture
def clock(app_and_http: tuple[Starlette, httpx.AsyncClient]) -> Iterator[FixedClock]:
    services = app_and_http[0].state.services
    original = services.clock
    fixed = FixedClock(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    services.clock = fixed
    yield fixed
    services.clock = original


async def _count(database_url: str, sql: str) -> int:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text(sql))).scalar_one())
    finally:
        await engine.dispose()


async def _send(gql: GraphQLClient, query: str, values: dict[str, Any], uid: str) -> Any:
    data = await gql.data(query, {"input": values}, as_=uid)
    return next(iter(data.values()))


async def test_a_repeat_returns_the_first_result_and_writes_nothing(
    gql: GraphQLClient, clean_database: str, clock: FixedClock
) -> None:
    await gql.onboard("carol", "Kind Heron")
    await gql.onboard("alice", "Quiet Fox")
    circle = await create_circle(gql, "carol")
    await join(gql, "alice", circle)

    first = await _send(
        gql, CREATE_POST, {"circleId": circle, "body": "Hi", "idempotencyKey": "k-1"}, "alice"
    )
    assert first["userErrors"] == []
    # a repeat: same result, even if the app changed the body in between
    again = await _send(
        gql, CREATE_POST, {"circleId": circle, "body": "Hi!!", "idempotencyKey": "k-1"}, "alice"
    )
    assert again == first
    assert await _count(clean_database, "SELECT count(*) FROM post") == 1

    target = first["post"]["id"]
    reply = await _send(
        gql, REPLY, {"postId": target, "body": "Hello", "idempotencyKey": "r-1"}, "carol"
    )
    assert reply["userErrors"] == []
    assert (
        await _send(
            gql, REPLY, {"postId": target, "body": "Hello", "idempotencyKey": "r-1"}, "carol"
        )
        == reply
    )
    assert await _count(clean_database, "SELECT count(*) FROM reply") == 1

    made = await _send(gql, CHECK_IN, {"mood": 2, "idempotencyKey": "c-1"}, "alice")
    assert made["userErrors"] == []
    assert await _send(gql, CHECK_IN, {"mood": 2, "idempotencyKey": "c-1"}, "alice") == made
    assert await _count(clean_database, "SELECT count(*) FROM check_in") == 1

    hug = {"targetId": target, "kind": "HUG", "idempotencyKey": "h-1"}
    reacted = await _send(gql, REACT, hug, "carol")
    assert reacted["userErrors"] == []
    assert await _send(gql, REACT, hug, "carol") == reacted
    assert await _count(clean_database, "SELECT count(*) FROM reaction") == 1

    # the same key from another member is another key
    bob_first = await _send(gql, CHECK_IN, {"mood": 4, "idempotencyKey": "c-1"}, "carol")
    assert bob_first["userErrors"] == []
    assert bob_first["checkIn"]["id"] != made["checkIn"]["id"]

    # a key used for another kind of change is refused, and nothing is written
    wrong = await _send(gql, CHECK_IN, {"mood": 2, "idempotencyKey": "k-1"}, "alice")
    assert [(e["code"], e["field"]) for e in wrong["userErrors"]] == [
        ("INVALID", ["input", "idempotencyKey"])
    ]
    assert wrong["checkIn"] is None
    assert await _count(clean_database, "SELECT count(*) FROM check_in") == 2

    # bad keys are INVALID on the field
    for bad in ("", " padded ", "x" * 101):
        refused = await _send(gql, CHECK_IN, {"mood": 2, "idempotencyKey": bad}, "alice")
        assert [e["field"] for e in refused["userErrors"]] == [["input", "idempotencyKey"]]

    # after 24 hours the key is free again: a new post
    clock.set(clock.now() + timedelta(hours=24, seconds=1))
    later = await _send(
        gql, CREATE_POST, {"circleId": circle, "body": "Hi", "idempotencyKey": "k-1"}, "alice"
    )
    assert later["userErrors"] == []
    assert later["post"]["id"] != first["post"]["id"]
    assert await _count(clean_database, "SELECT count(*) FROM post") == 2
    assert await _count(clean_database, "SELECT count(*) FROM idempotency_key") == 5


async def test_a_failed_send_keeps_no_key_so_the_retry_runs(
    gql: GraphQLClient, clean_database: str
) -> None:
    await gql.onboard("carol", "Kind Heron")
    await gql.onboard("alice", "Quiet Fox")
    circle = await create_circle(gql, "carol")
    values = {"circleId": circle, "body": "Hi", "idempotencyKey": "k-2"}
    refused = await _send(gql, CREATE_POST, values, "alice")  # not a member yet
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    assert await _count(clean_database, "SELECT count(*) FROM idempotency_key") == 0
    await join(gql, "alice", circle)
    done = await _send(gql, CREATE_POST, values, "alice")
    assert done["userErrors"] == []
    assert done["post"]["body"] == "Hi"


async def test_concurrent_sends_with_one_key_write_exactly_one_row(
    gql: GraphQLClient, clean_database: str
) -> None:
    await gql.onboard("carol", "Kind Heron")
    await gql.onboard("alice", "Quiet Fox")
    circle = await create_circle(gql, "carol")
    await join(gql, "alice", circle)
    target = (await post(gql, "carol", circle, "Welcome"))["id"]

    for round_ in range(3):
        posts = await asyncio.gather(
            *(
                _send(
                    gql,
                    CREATE_POST,
                    {"circleId": circle, "body": "Hi", "idempotencyKey": f"post-{round_}"},
                    "alice",
                )
                for _ in range(3)
            )
        )
        assert [p["userErrors"] for p in posts] == [[], [], []]
        assert len({p["post"]["id"] for p in posts}) == 1
        replies = await asyncio.gather(
            *(
                _send(
                    gql,
                    REPLY,
                    {"postId": target, "body": "Hey", "idempotencyKey": f"reply-{round_}"},
                    "carol",
                )
                for _ in range(3)
            )
        )
        assert len({r["reply"]["id"] for r in replies}) == 1
        check_ins = await asyncio.gather(
            *(
                _send(gql, CHECK_IN, {"mood": 3, "idempotencyKey": f"check-in-{round_}"}, "alice")
                for _ in range(3)
            )
        )
        assert [c["userErrors"] for c in check_ins] == [[], [], []]
        assert len({c["checkIn"]["id"] for c in check_ins}) == 1

    assert await _count(clean_database, "SELECT count(*) FROM post WHERE body = 'Hi'") == 3
    assert await _count(clean_database, "SELECT count(*) FROM reply") == 3
    assert await _count(clean_database, "SELECT count(*) FROM check_in") == 3
    assert await _count(clean_database, "SELECT count(*) FROM idempotency_key") == 9
