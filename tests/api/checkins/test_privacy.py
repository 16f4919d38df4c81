"""Privacy from the outside: a check-in's note never reaches anyone but its owner,
and an unshared check-in reaches no one but its owner."""

from __future__ import annotations

import logging

import pytest

from tests.api.checkins.conftest import CHECK_IN, SHARED, check_in
from tests.support.circles import FEED, create_circle, join, post
from tests.support.graphql import GraphQLClient, error_codes

NOTE = "zebra-lantern-4711 my private worry"
UNSHARED_NOTE = "quokka-harbour-9090 never shared"
PROFILE = """
query($id: ID!) {
  node(id: $id) {
    ... on Member {
      displayName
      checkIns { nodes { id note mood } }
      checkInInsights(period: LAST_30_DAYS) { count averageMood }
      checkInReminder { enabled }
    }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on CheckIn { note mood } } }"


async def test_no_one_but_the_owner_sees_a_note_or_an_unshared_check_in(
    gql: GraphQLClient,
) -> None:
    # carol owns (and moderates) a circle; alice and bob are members; dave is outside
    await gql.onboard("carol", "Kind Heron")
    alice_id = await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    await gql.onboard("dave", "Lone Wolf")
    circle_id = await create_circle(gql, "carol")
    await join(gql, "alice", circle_id)
    await join(gql, "bob", circle_id)
    await post(gql, "alice", circle_id, "Hello circle")
    shared = await check_in(
        gql, "alice", mood=2, emotions=["LONELY"], note=NOTE, shareWithCircleIds=[circle_id]
    )
    unshared = await check_in(gql, "alice", mood=1, emotions=["NUMB"], note=UNSHARED_NOTE)

    # the owner sees both, notes included
    own = await gql(NODE, {"id": shared["id"]}, as_="alice")
    assert own["data"]["node"]["note"] == NOTE
    own_profile = await gql.data(PROFILE, {"id": alice_id}, as_="alice")
    assert {n["note"] for n in own_profile["node"]["checkIns"]["nodes"]} == {NOTE, UNSHARED_NOTE}

    for viewer in ("bob", "carol", "dave"):
        raw: list[str] = []
        for check_in_id in (shared["id"], unshared["id"]):
            response = await gql.post(NODE, {"id": check_in_id}, as_=viewer)
            raw.append(response.text)
            assert response.json()["data"]["node"] is None
        response = await gql.post(PROFILE, {"id": alice_id}, as_=viewer)
        raw.append(response.text)
        profile = response.json()["data"]["node"]
        assert profile["displayName"] == "Quiet Fox"
        assert profile["checkIns"] is None
        assert profile["checkInInsights"] is None
        assert profile["checkInReminder"] is None
        response = await gql.post(SHARED, {"id": circle_id}, as_=viewer)
        raw.append(response.text)
        if viewer == "dave":
            assert error_codes(response.json()) == ["FORBIDDEN"]
        else:
            nodes = response.json()["data"]["node"]["sharedCheckIns"]["nodes"]
            assert len(nodes) == 1  # only the shared one
            assert nodes[0]["sharer"]["displayName"] == "Quiet Fox"
            assert nodes[0]["mood"] == 2
            assert nodes[0]["moodLabel"] == "Low"
            assert nodes[0]["emotions"] == ["LONELY"]
        raw.append((await gql.post(FEED, {"id": circle_id}, as_=viewer)).text)
        for text in raw:
            assert "zebra-lantern" not in text
            assert "quokka-harbour" not in text
            assert "NUMB" not in text  # nothing of the unshared check-in


async def test_shared_check_ins_have_no_note_field_at_all(gql: GraphQLClient) -> None:
    await gql.onboard("alice")
    circle_id = await create_circle(gql, "alice")
    await check_in(gql, "alice", note=NOTE, shareWithCircleIds=[circle_id])
    query = (
        "query($id: ID!) { node(id: $id) { ... on Circle { sharedCheckIns { nodes { note } } } } }"
    )
    response = await gql.post(query, {"id": circle_id}, as_="alice")
    assert response.json()["errors"]
    assert "zebra-lantern" not in response.text


async def test_logs_never_contain_the_note(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    await gql.onboard("alice")
    circle_id = await create_circle(gql, "alice")
    with caplog.at_level(logging.DEBUG):
        await check_in(gql, "alice", note=NOTE, shareWithCircleIds=[circle_id])
        bad = await gql.data(CHECK_IN, {"input": {"mood": 9, "note": NOTE}}, as_="alice")
        assert bad["checkIn"]["userErrors"]
        await gql(CHECK_IN, {"input": {"mood": "x", "note": NOTE}}, as_="alice")
    assert caplog.records  # something was logged, so the check means something
    assert "zebra-lantern" not in caplog.text
    for record in caplog.records:
        assert "zebra-lantern" not in str(record.__dict__)
