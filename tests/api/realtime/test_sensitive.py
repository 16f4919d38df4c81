"""URGENT posts and replies reach live subscribers flagged ``sensitive``, like in queries."""

from __future__ import annotations

import asyncio

from tests.support.circles import create_circle, join, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client

ACTIVITY = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    __typename
    ... on PostCreated { post { body sensitive } }
    ... on PostEdited { post { body sensitive } }
    ... on ReplyCreated { reply { body sensitive } }
  }
}
"""
URGENT = "I have the pills ready and I am going to end it tonight."
EDIT = "mutation($input: EditPostInput!) { editPost(input: $input) { userErrors { code } } }"


async def test_live_events_carry_the_sensitive_flag(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    for uid in ("owner", "ann", "bo"):
        await gql.onboard(uid, f"Name {uid}")
    circle_id = await create_circle(gql, "owner")
    await join(gql, "ann", circle_id)
    await join(gql, "bo", circle_id)
    async with ws_client(base, "dev:bo") as ws:
        await ws.subscribe(ACTIVITY, {"id": circle_id})
        await asyncio.sleep(0.1)
        created = await post(gql, "ann", circle_id, "Rough week, but okay.")
        event = (await ws.next_data())["data"]["circleActivity"]
        assert event == {
            "__typename": "PostCreated",
            "post": {"body": "Rough week, but okay.", "sensitive": False},
        }
        await gql.data(EDIT, {"input": {"postId": created["id"], "body": URGENT}}, as_="ann")
        event = (await ws.next_data())["data"]["circleActivity"]
        assert event == {"__typename": "PostEdited", "post": {"body": URGENT, "sensitive": True}}
        await reply(gql, "ann", created["id"], URGENT)
        event = (await ws.next_data())["data"]["circleActivity"]
        assert event == {"__typename": "ReplyCreated", "reply": {"body": URGENT, "sensitive": True}}
        await post(gql, "ann", circle_id, URGENT)
        event = (await ws.next_data())["data"]["circleActivity"]
        assert event == {"__typename": "PostCreated", "post": {"body": URGENT, "sensitive": True}}
