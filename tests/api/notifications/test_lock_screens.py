"""Lock screens: no push names a circle or a topic unless the member chose that
circle, and never a circle about self-harm recovery, trauma, eating disorders or
substance use. Checked on what FCM receives from the real firebase-admin client,
for every notification kind."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from api.container import Services
from domain.clock import FixedClock
from domain.notifications.model import NotificationKind
from infra.db.tables.checkins import check_in_reminder_table
from infra.worker import NotificationWorker
from tests.api.notifications.conftest import register, set_prefs, thread
from tests.api.notifications.test_checkin_reminders import kinds, next_fire
from tests.api.notifications.test_delivery import catch_up, rows
from tests.support.circles import UPDATE_CIRCLE, create_circle, join, mutate, post, reply
from tests.support.fcm_stub import FcmStandIn
from tests.support.graphql import GraphQLClient
from tests.support.moderation import HIDE

SENSITIVE = ["SELF_HARM_RECOVERY", "TRAUMA", "EATING_DISORDERS", "SUBSTANCE_USE"]
NAME = "Leaving an abusive partner"
SET_NAME = """
mutation($input: SetCircleNameInPushesInput!) {
  setCircleNameInPushes(input: $input) {
    preferences { namedCircleIds showPreviews }
    userErrors { code field message }
  }
}
"""
SET_REMINDER = """
mutation($input: SetCheckInReminderInput!) {
  setCheckInReminder(input: $input) { userErrors { code field message } }
}
"""


async def name_circle(gql: GraphQLClient, uid: str, circle_id: str, show: bool) -> Any:
    data = await gql.data(SET_NAME, {"input": {"circleId": circle_id, "show": show}}, as_=uid)
    return data["setCircleNameInPushes"]


def assert_names_nothing(fcm: FcmStandIn, *secrets: str) -> None:
    """Nothing FCM received (title, body, data, platform blocks) holds a secret."""
    assert fcm.received, "nothing was pushed, so the check would mean nothing"
    text = json.dumps([r.body for r in fcm.received]).lower()
    for secret in secrets:
        assert secret.lower() not in text, secret


async def test_reply_titles_name_no_circle_and_no_topic_by_default(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given alice's circle has a telling name, and she has an Android phone and an iPad
    t = await thread(gql, circle_name=NAME)
    await register(gql, "alice", "fid-android", "ANDROID")
    await register(gql, "alice", "fid-ios", "IOS")
    other = await post(gql, "alice", t.circle_id, "another night")

    # when bob replies once to one post and three times to another
    await reply(gql, "bob", t.post_id, "hi")
    for n in range(3):
        await reply(gql, "bob", other["id"], f"reply {n}")
    catch_up(clock)
    assert (await worker.drain()).sent == 2

    # then the titles say only that someone replied
    for fid in ("fid-android", "fid-ios"):
        titles = sorted(r.message["notification"]["title"] for r in fcm.received_for(fid))
        assert titles == ["3 new replies to your post", "Someone replied to you"]
    assert sorted(r["title"] for r in await rows(services)) == titles  # the inbox too
    assert_names_nothing(fcm, NAME, "abusive", "anxiety")


async def test_check_in_reminders_name_no_circle_and_the_pause_is_never_pushed(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given alice is in a self-harm recovery circle and has daily reminders
    await gql.onboard("alice", "Quiet Fox")
    await create_circle(gql, "alice", name="Self-harm recovery", topics=["SELF_HARM_RECOVERY"])
    await register(gql, "alice", "fid-a", "IOS")
    every_day = {"enabled": True, "localTimes": ["12:00"], "weekdays": [1, 2, 3, 4, 5, 6, 7]}
    assert (await gql.data(SET_REMINDER, {"input": every_day}, as_="alice"))["setCheckInReminder"][
        "userErrors"
    ] == []

    # when a reminder is due, then it is pushed without a circle
    fire = await next_fire(services)
    clock.set(fire + timedelta(seconds=5))
    assert await worker.queue_reminders() == 1
    await worker.drain()
    [received] = fcm.received_for("fid-a")
    assert received.message["notification"]["title"] == "Time for a check-in"
    assert_names_nothing(fcm, "Self-harm", "SELF_HARM")

    # and when reminders pause after five unanswered, the prompt stays in the inbox
    async with services.engine.begin() as conn:
        await conn.execute(update(check_in_reminder_table).values(consecutive_unanswered=5))
    fire = await next_fire(services)
    clock.set(fire + timedelta(seconds=5))
    await worker.queue_reminders()
    await worker.drain()
    assert ("REMINDERS_PAUSED", "INBOX_ONLY") in await kinds(services)
    assert len(fcm.received_for("fid-a")) == 1  # nothing more was pushed


def test_the_lock_screen_tests_cover_every_notification_kind() -> None:
    covered = {
        NotificationKind.REPLY,  # single and collapsed, default and opted in
        NotificationKind.CHECKIN_REMINDER,
        NotificationKind.REMINDERS_PAUSED,  # inbox only, never pushed
        NotificationKind.MODERATION_DECISION,  # below: neutral even when opted in
        # staff only: "Safety queue", no text, circle or member
        # (tests/api/notifications/test_safety_alerts.py)
        NotificationKind.SAFETY_ALERT,
        # "Someone in one of your circles could use a reply", the circle named only
        # when opted in and not sensitive (tests/api/support/test_nudges.py)
        NotificationKind.SUPPORT_NUDGE,
        # "3 people sent you a hug": no reactor, circle or text
        # (tests/api/notifications/test_reaction_notifications.py)
        NotificationKind.REACTION,
    }
    assert set(NotificationKind) == covered


async def test_a_member_may_choose_to_see_a_circle_named_and_change_her_mind(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    t = await thread(gql)  # "Evening Calm", about ANXIETY
    await register(gql, "alice", "fid-a")

    chosen = await name_circle(gql, "alice", t.circle_id, True)
    assert chosen == {
        "preferences": {"namedCircleIds": [t.circle_id], "showPreviews": False},
        "userErrors": [],
    }
    await reply(gql, "bob", t.post_id, "one")
    catch_up(clock)
    await worker.drain()

    unchosen = await name_circle(gql, "alice", t.circle_id, False)
    assert unchosen["preferences"]["namedCircleIds"] == []
    await reply(gql, "bob", t.post_id, "two")
    catch_up(clock)
    await worker.drain()

    titles = [r.message["notification"]["title"] for r in fcm.received_for("fid-a")]
    assert titles == ["New reply in Evening Calm", "Someone replied to you"]
    # and nobody else's titles changed: bob's preferences name nothing
    prefs = await gql.data("{ me { notificationPreferences { namedCircleIds } } }", as_="bob")
    assert prefs["me"]["notificationPreferences"]["namedCircleIds"] == []


@pytest.mark.parametrize("topic", SENSITIVE)
async def test_circles_about_sensitive_topics_are_never_named(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    topic: str,
) -> None:
    # given alice chose to see "Evening Calm" named
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    assert (await name_circle(gql, "alice", t.circle_id, True))["userErrors"] == []

    # when its topics come to include a sensitive one
    changed = await mutate(
        gql, UPDATE_CIRCLE, {"circleId": t.circle_id, "topics": ["ANXIETY", topic]}, "alice"
    )
    assert changed["userErrors"] == []
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    await worker.drain()

    # then the title names no circle, and choosing it again is refused
    [received] = fcm.received_for("fid-a")
    assert received.message["notification"]["title"] == "Someone replied to you"
    assert_names_nothing(fcm, "Evening Calm")
    refused = await name_circle(gql, "alice", t.circle_id, True)
    assert refused["preferences"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("INVALID", ["input", "show"])
    ]
    # while turning it off still works
    assert (await name_circle(gql, "alice", t.circle_id, False))["userErrors"] == []


async def test_only_active_members_choose_a_circle_name(gql: GraphQLClient) -> None:
    t = await thread(gql)
    await gql.onboard("dave", "Lone Wolf")
    for uid, circle_id in (("dave", t.circle_id), ("alice", "not-a-global-id")):
        refused = await name_circle(gql, uid, circle_id, True)
        assert refused["preferences"] is None
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
            ("NOT_FOUND", ["input", "circleId"])
        ]
    await join(gql, "dave", t.circle_id)
    assert (await name_circle(gql, "dave", t.circle_id, True))["userErrors"] == []


async def test_a_moderation_decision_pushes_neutral_words_and_the_inbox_keeps_the_details(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    # given bob opted in to pushes of moderators' decisions, in a circle about trauma
    t = await thread(gql, circle_name=NAME)
    changed = await mutate(
        gql, UPDATE_CIRCLE, {"circleId": t.circle_id, "topics": ["TRAUMA"]}, "alice"
    )
    assert changed["userErrors"] == []
    await register(gql, "bob", "fid-b")
    await set_prefs(gql, "bob", moderationDecisions=True)
    made = await reply(gql, "bob", t.post_id, "something unkind")

    # when alice, the owner, hides his reply with a guideline and a note
    hidden = await mutate(
        gql,
        HIDE,
        {"targetId": made["id"], "reason": "HARASSMENT", "message": "Please be gentle here"},
        "alice",
    )
    assert hidden["userErrors"] == []
    catch_up(clock)
    await worker.drain()

    # then his lock screen shows neutral words: no circle, guideline or note
    [received] = fcm.received_for("fid-b")
    assert received.message["notification"] == {
        "title": "A moderation decision",
        "body": "Open Hearth to read it.",
    }
    assert received.message["data"]["type"] == "MODERATION_DECISION"
    assert_names_nothing(fcm, NAME, "trauma", "gentle", "harass")
    # while his inbox says what happened, where and why
    inbox = await gql.data("{ me { id notifications(first: 5) { nodes { id body } } } }", as_="bob")
    [item] = inbox["me"]["notifications"]["nodes"]
    assert NAME in item["body"]
    assert "Please be gentle here" in item["body"]
