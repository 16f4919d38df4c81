"""REACTION notifications: batched ("3 people sent you a hug"), at most one push per post
an hour, lock-screen safe (no reactor, circle or text), never for one's own reaction or
across a block, and obeying the `reactions` preference, quiet hours and the daily cap.
Checked on what FCM receives from the real firebase-admin client and in the inbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from api.container import Services
from domain.clock import FixedClock
from infra.db.tables.notifications import notification_table
from infra.worker import NotificationWorker
from tests.api.notifications.conftest import Thread, register, set_prefs, thread
from tests.api.notifications.test_delivery import catch_up, rows
from tests.support.circles import join, post, reply
from tests.support.fcm_stub import FcmStandIn
from tests.support.graphql import GraphQLClient

CIRCLE = "Leaving an abusive partner"
BODY = "I can't sleep again, my chest is tight"
REACT = """mutation React($input: ReactionInput!) { react(input: $input) {
  target { id } userErrors { code field message } } }"""
INBOX = """query Inbox { me { id notifications(first: 20) { edges { node {
  id kind title body count circleId postId replyId isRead link } } } } }"""
BLOCK = """mutation Block($input: BlockMemberInput!) { blockMember(input: $input) {
  memberId userErrors { code } } }"""
NAMES = {"bob": "Brave Owl", "carol": "Kind Heron", "dave": "Calm Otter", "erin": "Shy Wren"}


@pytest.fixture
def app_clock(services: Services, clock: FixedClock) -> Iterator[FixedClock]:
    """The app and the worker on one hand-moved clock."""
    catch_up(clock)
    original = services.clock
    services.clock = clock
    yield clock
    services.clock = original


async def _react(gql: GraphQLClient, uid: str, target: str, kind: str = "HUG") -> None:
    data = await gql.data(REACT, {"input": {"targetId": target, "kind": kind}}, as_=uid)
    assert data["react"]["userErrors"] == [], (uid, data)


async def _inbox(gql: GraphQLClient, uid: str) -> list[dict[str, Any]]:
    data = await gql.data(INBOX, as_=uid)
    return [
        e["node"] for e in data["me"]["notifications"]["edges"] if e["node"]["kind"] == "REACTION"
    ]


async def _circle_of_five(gql: GraphQLClient) -> Thread:
    t = await thread(gql, circle_name=CIRCLE)
    for uid in ("carol", "dave", "erin"):
        await gql.onboard(uid, NAMES[uid])
        await join(gql, uid, t.circle_id)
    await register(gql, "alice", "fid-a", "IOS")
    return t


def _pushed_text(fcm: FcmStandIn) -> str:
    return json.dumps([r.body for r in fcm.received]).lower()


async def test_reactions_are_batched_into_one_lock_screen_safe_push(
    gql: GraphQLClient, fcm: FcmStandIn, worker: NotificationWorker, clock: FixedClock
) -> None:
    t = await _circle_of_five(gql)
    for uid in ("bob", "carol", "dave"):
        await _react(gql, uid, t.post_id)
    await _react(gql, "bob", t.post_id, "STRENGTH")  # bob again: still 3 people... mixed
    await _react(gql, "alice", t.post_id)  # her own: never counted

    catch_up(clock)
    assert (await worker.drain()).sent == 1
    [pushed] = fcm.received_for("fid-a")
    assert pushed.message["notification"]["title"] == "3 people reacted to your post"
    assert pushed.message["notification"]["body"] == "Open Hearth to see."
    text = _pushed_text(fcm)
    for secret in (CIRCLE, "abusive", BODY, "chest", *NAMES.values()):
        assert secret.lower() not in text, secret

    [item] = await _inbox(gql, "alice")
    assert (item["count"], item["postId"], item["circleId"]) == (3, t.post_id, t.circle_id)
    assert item["replyId"] is None
    assert item["link"] == f"hearth://posts/{t.post_id}"
    assert pushed.message["data"]["link"] == item["link"]
    for uid in ("bob", "carol"):  # reactors get nothing
        assert await _inbox(gql, uid) == []


async def test_one_kind_is_named_and_replies_link_to_the_reply(
    gql: GraphQLClient, fcm: FcmStandIn, worker: NotificationWorker, clock: FixedClock
) -> None:
    t = await _circle_of_five(gql)
    answer = await reply(gql, "alice", t.post_id, "thank you all")
    await _react(gql, "bob", answer["id"])
    catch_up(clock)
    await worker.drain()
    assert [r.message["notification"]["title"] for r in fcm.received_for("fid-a")] == [
        "Someone sent you a hug"
    ]
    [item] = await _inbox(gql, "alice")
    assert (item["postId"], item["replyId"]) == (t.post_id, answer["id"])
    assert item["link"] == f"hearth://posts/{t.post_id}?reply={answer['id']}"
    for uid in ("carol", "dave"):
        await _react(gql, uid, t.post_id, "ME_TOO")
    catch_up(clock)
    await worker.drain()
    titles = [r.message["notification"]["title"] for r in fcm.received_for("fid-a")]
    assert titles[-1] == "2 people said “me too”"


async def test_at_most_one_push_per_post_an_hour(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    app_clock: FixedClock,
    services: Services,
) -> None:
    t = await _circle_of_five(gql)
    start = app_clock.now()
    await _react(gql, "bob", t.post_id)
    assert (await worker.drain()).sent == 1

    # later reactions within the hour push nothing; the inbox item counts them
    app_clock.set(start + timedelta(minutes=20))
    await _react(gql, "carol", t.post_id)
    app_clock.set(start + timedelta(minutes=59))
    await _react(gql, "dave", t.post_id)
    assert (await worker.drain()).sent == 0
    [item] = await _inbox(gql, "alice")
    assert (item["title"], item["count"]) == ("3 people sent you a hug", 3)

    # an hour on, the next reaction is a new push
    app_clock.set(start + timedelta(minutes=61))
    await _react(gql, "erin", t.post_id)
    assert (await worker.drain()).sent == 1
    titles = [r.message["notification"]["title"] for r in fcm.received_for("fid-a")]
    assert titles == ["Someone sent you a hug", "Someone sent you a hug"]
    assert len(await _inbox(gql, "alice")) == 2
    # another post of hers has its own hour
    other = await post(gql, "alice", t.circle_id, "another night")
    await _react(gql, "bob", other["id"])
    assert (await worker.drain()).sent == 1


async def test_no_notification_when_reactions_are_off_or_across_a_block(
    gql: GraphQLClient, fcm: FcmStandIn, worker: NotificationWorker, clock: FixedClock
) -> None:
    t = await _circle_of_five(gql)
    await set_prefs(gql, "alice", reactions=False)
    await _react(gql, "bob", t.post_id)
    catch_up(clock)
    await worker.drain()
    assert await _inbox(gql, "alice") == []
    await set_prefs(gql, "alice", reactions=True)

    # bob (a member) posts; alice owns the circle, blocks him and, as moderator, can
    # still react to his post: he hears nothing of it
    his = await post(gql, "bob", t.circle_id, "bob's post")
    await register(gql, "bob", "fid-b")
    blocked = await gql.data(BLOCK, {"input": {"memberId": t.replier_id}}, as_="alice")
    assert blocked["blockMember"]["userErrors"] == []
    await _react(gql, "alice", his["id"])
    # and a reaction from someone else does not count alice
    await _react(gql, "carol", his["id"])
    catch_up(clock)
    await worker.drain()
    [item] = await _inbox(gql, "bob")
    assert (item["title"], item["count"]) == ("Someone sent you a hug", 1)
    assert [r.message["notification"]["title"] for r in fcm.received_for("fid-b")] == [
        "Someone sent you a hug"
    ]


async def test_reaction_pushes_wait_for_quiet_hours_and_count_towards_the_daily_cap(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await _circle_of_five(gql)
    await set_prefs(gql, "alice", quietHours={"start": "22:00", "end": "07:00"})
    await _react(gql, "bob", t.post_id)
    clock.set(datetime(2030, 1, 15, 23, 30, tzinfo=UTC))  # London is UTC in January
    async with services.engine.begin() as conn:
        await conn.execute(
            update(notification_table).values(created_at=clock.now(), next_attempt_at=clock.now())
        )
    assert (await worker.drain()).deferred == 1
    assert fcm.received == []
    clock.set(datetime(2030, 1, 16, 7, 0, 1, tzinfo=UTC))
    assert (await worker.drain()).sent == 1

    # the daily cap: 20 pushes that day, then a reaction waits in the inbox only
    await set_prefs(gql, "alice", quietHours=None)
    for n in range(19):
        made = await post(gql, "alice", t.circle_id, f"post {n}")
        await reply(gql, "bob", made["id"], f"reply {n}")
    last = await post(gql, "alice", t.circle_id, "the last one")
    await _due_now(services, clock)
    assert (await worker.drain()).sent == 19  # 20 pushes today, the reaction's included
    await _react(gql, "carol", last["id"])
    await _due_now(services, clock)
    result = await worker.drain()
    assert (result.sent, result.inbox_only) == (0, 1)
    assert len(fcm.received_for("fid-a")) == 20
    [newest] = [i for i in await _inbox(gql, "alice") if i["postId"] == last["id"]]
    assert newest["title"] == "Someone sent you a hug"  # kept for the inbox
    statuses = {(r["kind"], r["status"]) for r in await rows(services)}
    assert ("REACTION", "INBOX_ONLY") in statuses


async def _due_now(services: Services, clock: FixedClock) -> None:
    async with services.engine.begin() as conn:
        await conn.execute(
            update(notification_table)
            .where(notification_table.c.status == "PENDING")
            .values(created_at=clock.now(), next_attempt_at=clock.now())
        )
