"""`AwaitingSupportChanged` on `myActivity`: the count arrives on subscribe and again
whenever it changes for this viewer, and only then."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import test_settings
from tests.support.circles import create_circle, join, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server, ws_client
from tests.support.moderation import block

MY_ACTIVITY = """subscription { myActivity {
  unreadCount notification { kind postId } awaitingSupport { count } } }"""


@pytest.fixture
async def live(clean_database: str) -> AsyncIterator[tuple[str, GraphQLClient]]:
    async with (
        live_server(test_settings()) as base,
        httpx.AsyncClient(base_url=f"http://{base}") as http,
    ):
        yield base, GraphQLClient(http)


async def test_the_count_arrives_live_when_it_changes_and_only_then(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    ids = {u: await gql.onboard(u, f"Name {u}") for u in ("ann", "bea", "cal")}
    circle_id = await create_circle(gql, "ann")
    await join(gql, "bea", circle_id)
    await join(gql, "cal", circle_id)
    waiting = await post(gql, "bea", circle_id, "Is anyone around tonight?")
    await block(gql, "ann", ids["cal"])
    async with ws_client(base, "dev:ann") as ws:
        await ws.subscribe(MY_ACTIVITY)
        first = (await ws.next_data())["data"]["myActivity"]
        # a post by someone ann blocked changes nothing for her: no update
        await post(gql, "cal", circle_id, "hidden from ann")
        # a new post by bea: 2
        await post(gql, "bea", circle_id, "And another thing.")
        more = (await ws.next_data())["data"]["myActivity"]
        # cal answers bea's first post: 1
        await reply(gql, "cal", waiting["id"], "I'm here.")
        fewer = (await ws.next_data())["data"]["myActivity"]

    assert first["awaitingSupport"] == {"count": 1}
    assert more == {"unreadCount": 0, "notification": None, "awaitingSupport": {"count": 2}}
    assert fewer["awaitingSupport"] == {"count": 1}
