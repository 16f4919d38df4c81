"""Checking in, editing within the window, deleting, and validation."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FixedClock
from tests.api.checkins.conftest import CHECK_IN, DELETE, EDIT, SHARED, check_in
from tests.support.circles import create_circle, join
from tests.support.graphql import GraphQLClient

MINE = """
query($first: Int, $after: String, $from: DateTime, $to: DateTime) {
  me { checkIns(first: $first, after: $after, from: $from, to: $to) {
    pageInfo { hasNextPage endCursor } nodes { id mood createdAt } } }
}
"""


async def test_check_in_dedupes_emotions_cleans_the_note_and_labels_the_mood(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("alice", "Quiet Fox")
    made = await check_in(
        gql, "alice", mood=2, emotions=["TIRED", "ANXIOUS", "TIRED"], note="  rough day\x07 "
    )
    assert made["mood"] == 2
    assert made["moodLabel"] == "Low"
    assert made["emotions"] == ["TIRED", "ANXIOUS"]
    assert made["note"] == "rough day"
    assert made["editedAt"] is None
    assert made["sharedWith"] == []


async def test_invalid_input_comes_back_as_user_errors(gql: GraphQLClient) -> None:
    await gql.onboard("alice")
    await gql.onboard("carol")
    foreign_circle = await create_circle(gql, "carol")
    eleven = [
        "ANXIOUS", "CALM", "SAD", "HOPEFUL", "ANGRY", "LONELY",
        "GRATEFUL", "TIRED", "OVERWHELMED", "CONTENT", "PROUD",
    ]  # fmt: skip
    data = await gql.data(
        CHECK_IN, {"input": {"mood": 6, "emotions": eleven, "note": "x" * 2001}}, as_="alice"
    )
    errors = {(e["code"], tuple(e["field"])) for e in data["checkIn"]["userErrors"]}
    assert errors == {
        ("INVALID", ("input", "mood")),
        ("TOO_LONG", ("input", "emotions")),
        ("TOO_LONG", ("input", "note")),
    }
    assert data["checkIn"]["checkIn"] is None
    for circle_id in (foreign_circle, "not-a-global-id"):
        data = await gql.data(
            CHECK_IN, {"input": {"mood": 3, "shareWithCircleIds": [circle_id]}}, as_="alice"
        )
        assert data["checkIn"]["userErrors"][0]["code"] == "NOT_FOUND"
        assert data["checkIn"]["userErrors"][0]["field"] == ["input", "shareWithCircleIds"]
    mine = await gql.data(MINE, as_="alice")
    assert mine["me"]["checkIns"]["nodes"] == []


async def test_the_owner_edits_within_24_hours_then_the_window_closes(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await gql.onboard("alice")
    await gql.onboard("bob")
    circle_id = await create_circle(gql, "alice")
    made = await check_in(gql, "alice", mood=2, note="first")
    clock.set(clock.now() + timedelta(hours=23, minutes=59))
    edit = {"checkInId": made["id"], "mood": 4, "emotions": ["CALM"], "note": ""}
    edited = await gql.data(
        EDIT, {"input": {**edit, "shareWithCircleIds": [circle_id]}}, as_="alice"
    )
    payload = edited["editCheckIn"]
    assert payload["userErrors"] == []
    assert payload["checkIn"]["mood"] == 4
    assert payload["checkIn"]["emotions"] == ["CALM"]
    assert payload["checkIn"]["note"] is None
    assert payload["checkIn"]["editedAt"] is not None
    assert payload["checkIn"]["sharedWith"] == [{"id": circle_id}]
    # someone else cannot even find it
    other = await gql.data(EDIT, {"input": {"checkInId": made["id"], "mood": 1}}, as_="bob")
    assert other["editCheckIn"]["userErrors"][0]["code"] == "NOT_FOUND"
    # and after 24 hours the owner cannot change it either
    clock.set(clock.now() + timedelta(minutes=1))
    late = await gql.data(EDIT, {"input": {"checkInId": made["id"], "mood": 5}}, as_="alice")
    assert late["editCheckIn"]["userErrors"][0]["code"] == "EDIT_WINDOW_CLOSED"
    assert late["editCheckIn"]["checkIn"] is None


async def test_deleting_removes_the_check_in_and_its_shares(gql: GraphQLClient) -> None:
    await gql.onboard("alice")
    circle_id = await create_circle(gql, "alice")
    made = await check_in(gql, "alice", mood=3, shareWithCircleIds=[circle_id])
    shared = await gql.data(SHARED, {"id": circle_id}, as_="alice")
    assert len(shared["node"]["sharedCheckIns"]["nodes"]) == 1
    await gql.onboard("bob")
    refused = await gql.data(DELETE, {"input": {"checkInId": made["id"]}}, as_="bob")
    assert refused["deleteCheckIn"]["userErrors"][0]["code"] == "NOT_FOUND"
    deleted = await gql.data(DELETE, {"input": {"checkInId": made["id"]}}, as_="alice")
    assert deleted["deleteCheckIn"] == {"deletedCheckInId": made["id"], "userErrors": []}
    shared = await gql.data(SHARED, {"id": circle_id}, as_="alice")
    assert shared["node"]["sharedCheckIns"]["nodes"] == []
    mine = await gql.data(MINE, as_="alice")
    assert mine["me"]["checkIns"]["nodes"] == []


async def test_own_check_ins_page_newest_first_within_a_range(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await gql.onboard("alice")
    made = []
    for mood in (1, 2, 3, 4, 5):
        made.append(await check_in(gql, "alice", mood=mood))
        clock.set(clock.now() + timedelta(hours=1))
    first = await gql.data(MINE, {"first": 2}, as_="alice")
    page = first["me"]["checkIns"]
    assert [n["mood"] for n in page["nodes"]] == [5, 4]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql.data(MINE, {"first": 50, "after": page["pageInfo"]["endCursor"]}, as_="alice")
    assert [n["mood"] for n in rest["me"]["checkIns"]["nodes"]] == [3, 2, 1]
    ranged = await gql.data(
        MINE, {"from": made[1]["createdAt"], "to": made[3]["createdAt"]}, as_="alice"
    )
    assert [n["mood"] for n in ranged["me"]["checkIns"]["nodes"]] == [3, 2]


async def test_a_member_who_left_the_circle_can_no_longer_share_with_it(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("carol")
    await gql.onboard("alice")
    circle_id = await create_circle(gql, "carol")
    await join(gql, "alice", circle_id)
    await check_in(gql, "alice", shareWithCircleIds=[circle_id])
    leave = """mutation($input: CircleInput!) { leaveCircle(input: $input) {
        userErrors { code } } }"""
    left = await gql.data(leave, {"input": {"circleId": circle_id}}, as_="alice")
    assert left["leaveCircle"]["userErrors"] == []
    shared = await gql.data(SHARED, {"id": circle_id}, as_="carol")
    assert shared["node"]["sharedCheckIns"]["nodes"] == []
    again = await gql.data(
        CHECK_IN, {"input": {"mood": 3, "shareWithCircleIds": [circle_id]}}, as_="alice"
    )
    assert again["checkIn"]["userErrors"][0]["code"] == "NOT_FOUND"
