"""CheckInShareWithdrawn for every way a share ends besides editCheckIn and
deleteCheckIn (test_check_in_share_withdrawn.py): the sharer withdraws the health-data
consent, deletes their account, leaves the circle, is removed or is banned. Over real
graphql-transport-ws sockets to a real server; "nothing more" is checked by a later
post being the next event on the stream.

The event is the same whatever the cause (only `circleId` and `sharedCheckInId`), so
the circle cannot tell a withdrawn consent or a deleted account from a deleted
check-in."""

from __future__ import annotations

from typing import Any

from tests.api.realtime.test_check_in_share_withdrawn import (
    ACTIVITY,
    CHECK_IN,
    _shared_ids,
    block_alice,
    two_circles,
    watching,
)
from tests.support.circles import BAN, LEAVE, create_circle, join, mutate, post
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client
from tests.support.moderation import block

WITHDRAW = """mutation { withdrawHealthDataConsent(input: {confirm: true}) {
  deletedCheckInCount userErrors { code } } }"""
DELETE_ACCOUNT = """mutation { deleteMyAccount(input: {confirm: "DELETE", deleteContent: false}) {
  deletedMemberId userErrors { code } } }"""
REMOVE = """mutation($input: MemberActionInput!) { removeMember(input: $input) {
  userErrors { code field message } } }"""
EVENT_FIELDS = """{ __type(name: "CheckInShareWithdrawn") { fields { name } } }"""


async def _share(gql: GraphQLClient, uid: str, *circles: str) -> None:
    made = await gql.data(
        CHECK_IN,
        {"input": {"mood": 2, "note": "private", "shareWithCircleIds": list(circles)}},
        as_=uid,
    )
    assert made["checkIn"]["userErrors"] == []


async def _events(ws: Any, count: int) -> list[dict[str, Any]]:
    return [(await ws.next_data())["data"]["circleActivity"] for _ in range(count)]


def _withdrawn(circle: str, shared_id: str) -> dict[str, str]:
    return {
        "__typename": "CheckInShareWithdrawn",
        "circleId": circle,
        "sharedCheckInId": shared_id,
    }


async def test_the_event_carries_no_cause(gql: GraphQLClient) -> None:
    fields = (await gql.data(EVENT_FIELDS))["__type"]["fields"]
    assert sorted(f["name"] for f in fields) == ["circleId", "committedAt", "sharedCheckInId"]


async def test_withdrawing_the_health_data_consent_ends_every_share_live(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    first, second, alice = await two_circles(gql)
    await _share(gql, "alice", first, second)
    await _share(gql, "alice", first)
    await _share(gql, "alice")  # never shared: no circle hears of it
    in_first = await _shared_ids(gql, first, "carol")
    [in_second] = await _shared_ids(gql, second, "dave")
    assert len(in_first) == 2
    await block_alice(gql, alice)

    async with watching(base, first, second) as (carol, dave, erin):
        withdrawn = await gql.data(WITHDRAW, as_="alice")
        assert withdrawn["withdrawHealthDataConsent"] == {
            "deletedCheckInCount": 3,
            "userErrors": [],
        }
        await post(gql, "carol", first, "after, in the first")
        await post(gql, "dave", second, "after, in the second")

        carol_events = await _events(carol, 3)
        dave_events = await _events(dave, 2)
        erin_events = await _events(erin, 1)

    # each circle hears each of its shares end, and nothing more (no MemberLeft: she stays)
    assert sorted(e["sharedCheckInId"] for e in carol_events[:2]) == sorted(in_first)
    assert all(e == _withdrawn(first, e["sharedCheckInId"]) for e in carol_events[:2])
    assert carol_events[2]["post"]["body"] == "after, in the first"
    assert dave_events[0] == _withdrawn(second, in_second)
    assert dave_events[1]["post"]["body"] == "after, in the second"
    # erin blocked alice: she never saw the shares and hears nothing of their end
    assert erin_events[0]["post"]["body"] == "after, in the first"
    assert await _shared_ids(gql, first, "carol") == []
    assert await _shared_ids(gql, second, "dave") == []


async def test_an_account_deletion_ends_shares_like_leaving(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    await gql.onboard("carol", "Carol")
    alice = await gql.onboard("alice", "Alice")
    first = await create_circle(gql, "carol", name="First Light")
    await join(gql, "alice", first)
    await _share(gql, "alice", first)
    [shared] = await _shared_ids(gql, first, "carol")

    async with ws_client(base, "dev:carol") as carol:
        await carol.subscribe_registered(ACTIVITY, {"id": first})
        gone = await gql.data(DELETE_ACCOUNT, as_="alice")
        assert gone["deleteMyAccount"]["userErrors"] == []
        await post(gql, "carol", first, "after")
        events = await _events(carol, 3)

    # the same event as for any other end of a share, then the member leaves
    assert events[0] == _withdrawn(first, shared)
    assert events[1] == {"__typename": "MemberLeft", "circleId": first, "memberId": alice}
    assert events[2]["post"]["body"] == "after"
    assert await _shared_ids(gql, first, "carol") == []


async def test_members_a_block_separated_from_a_deleted_account_hear_nothing_of_it(
    live: tuple[str, GraphQLClient],
) -> None:
    # given alice shares in a circle where erin blocked her and she blocked dave
    base, gql = live
    await gql.onboard("carol", "Carol")
    alice = await gql.onboard("alice", "Alice")
    await gql.onboard("erin", "Erin")
    dave = await gql.onboard("dave", "Dave")
    circle = await create_circle(gql, "carol", name="First Light")
    for uid in ("alice", "erin", "dave"):
        await join(gql, uid, circle)
    await _share(gql, "alice", circle)
    [shared] = await _shared_ids(gql, circle, "carol")
    await block(gql, "erin", alice)
    await block(gql, "alice", dave)

    async with (
        ws_client(base, "dev:carol") as carol,
        ws_client(base, "dev:erin") as erin,
        ws_client(base, "dev:dave") as dave_ws,
    ):
        for ws in (carol, erin, dave_ws):
            await ws.subscribe_registered(ACTIVITY, {"id": circle})
        # when alice deletes her account (her blocks go with it), then carol posts
        gone = await gql.data(DELETE_ACCOUNT, as_="alice")
        assert gone["deleteMyAccount"]["userErrors"] == []
        await post(gql, "carol", circle, "after")
        # then carol hears the withdrawal and the leaving, as for any deletion
        heard = await _events(carol, 3)
        assert heard[:2] == [
            _withdrawn(circle, shared),
            {"__typename": "MemberLeft", "circleId": circle, "memberId": alice},
        ]
        # and the blocker and the blocked hear nothing of alice: the post comes next
        for ws in (erin, dave_ws):
            [next_event] = await _events(ws, 1)
            assert next_event["post"]["body"] == "after", next_event


async def test_leaving_removal_and_ban_end_shares_live_and_for_good(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    await gql.onboard("carol", "Carol")
    ids = {uid: await gql.onboard(uid, uid.title()) for uid in ("alice", "bob", "fay")}
    first = await create_circle(gql, "carol", name="First Light")
    shared: dict[str, str] = {}
    for uid in ids:
        await join(gql, uid, first)
        before = set(await _shared_ids(gql, first, "carol"))
        await _share(gql, uid, first)
        [shared[uid]] = set(await _shared_ids(gql, first, "carol")) - before

    async with ws_client(base, "dev:carol") as carol:
        await carol.subscribe_registered(ACTIVITY, {"id": first})
        left = await mutate(gql, LEAVE, {"circleId": first}, "alice")
        assert left["userErrors"] == []
        removed = await mutate(gql, REMOVE, {"circleId": first, "memberId": ids["bob"]}, "carol")
        assert removed["userErrors"] == []
        banned = await mutate(gql, BAN, {"circleId": first, "memberId": ids["fay"]}, "carol")
        assert banned["userErrors"] == []
        await post(gql, "carol", first, "after")
        events = await _events(carol, 7)

    for i, uid in enumerate(ids):
        assert events[2 * i] == _withdrawn(first, shared[uid]), uid
        assert events[2 * i + 1] == {
            "__typename": "MemberLeft",
            "circleId": first,
            "memberId": ids[uid],
        }, uid
    assert events[6]["post"]["body"] == "after"
    # and the shares are gone for good: rejoining brings none back
    await join(gql, "alice", first)
    await join(gql, "bob", first)
    assert await _shared_ids(gql, first, "carol") == []
