"""CheckInShared: the circle sees mood and emotions live, never the note, and
an unshared check-in produces no event."""

from __future__ import annotations

import json

from tests.support.circles import create_circle, join
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client

ACTIVITY = """subscription($id: ID!) { circleActivity(circleId: $id) {
  __typename ... on CheckInShared { checkIn { mood moodLabel emotions sharer { displayName } } } } }"""
CHECK_IN = """mutation($input: CheckInInput!) { checkIn(input: $input) {
  checkIn { id } userErrors { code field message } } }"""
NOTE = "private-note-7f3a: I told nobody about this"


async def test_a_shared_check_in_arrives_without_its_note(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    await gql.onboard("owner", "Owner")
    await gql.onboard("bob", "Bob")
    circle_id = await create_circle(gql, "owner")
    await join(gql, "bob", circle_id)
    async with ws_client(base, "dev:owner") as ws:
        await ws.subscribe_registered(ACTIVITY, {"id": circle_id})
        # when bob checks in privately, then shares one, the circle sees mood and
        # emotions of the shared one only: it is the first event on the stream, so
        # the private one sent nothing
        private = {"mood": 2, "emotions": ["LONELY"], "note": NOTE}
        assert (await gql.data(CHECK_IN, {"input": private}, as_="bob"))["checkIn"][
            "userErrors"
        ] == []
        shared = {**private, "mood": 3, "shareWithCircleIds": [circle_id]}
        assert (await gql.data(CHECK_IN, {"input": shared}, as_="bob"))["checkIn"][
            "userErrors"
        ] == []
        payload = await ws.next_data()
    event = payload["data"]["circleActivity"]
    assert event["__typename"] == "CheckInShared"
    assert event["checkIn"]["mood"] == 3
    assert event["checkIn"]["emotions"] == ["LONELY"]
    assert event["checkIn"]["sharer"] == {"displayName": "Bob"}
    assert "private-note-7f3a" not in json.dumps(payload)
