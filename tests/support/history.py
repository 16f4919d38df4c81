"""A member with something in every area (for the deletion and export tests).

``alice7731`` ("Quiet Fox") moderates carol's circle, owns a private circle bob
joined by invite and a circle of her own, posts (plainly, anonymously, and one she
deleted), replies, reacts, removes a post as a moderator, checks in with a note and
a share (and asks the safety team to reach out about it), has reminders, a device,
preferences, an inbox item and a data export being prepared; bob has a pending
notification that previews her reply.

She also has a trace in every safety area: an URGENT post in the safety team's queue
and her "I'm safe right now" answer, a pinned resource, a hidden post and a report
as a moderator, a block both ways, a muted topic, a report she made and two about her
(one on her post, one on her as a member, which opens a safety-team item about her).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from uuid import UUID

from tests.api.checkins.conftest import SET_REMINDER, check_in
from tests.api.notifications.conftest import register, set_prefs
from tests.support.circles import (
    DELETE_POST,
    create_circle,
    invite,
    join,
    mutate,
    post,
    react,
    reply,
    set_role,
)
from tests.support.graphql import GraphQLClient
from tests.support.moderation import HIDE, MUTE_TOPICS, block, report

UID = "alice7731"
NAME = "Quiet Fox"
BIO = "bio-marker-puffin"
NOTE = "note-marker-walrus"
POST = "post-marker-heron"
ANON = "anon-marker-otter"
REMOVED = "removed-marker-lynx"
REPLY = "reply-marker-badger"
DEVICE = "device-fid-0123456789abcdefghij"
URGENT = "I have the pills ready and I am going to end it tonight."
REPORT_NOTE = "report-marker-gannet"
PRIVATE_TEXTS = (NAME, BIO, NOTE, REMOVED, UID, DEVICE, REPORT_NOTE)
"""Texts of hers that must be gone after any deletion."""
CONTENT_TEXTS = (POST, ANON, REPLY)
"""Texts of hers that stay (unlinked) unless she deletes her content too."""


@dataclass
class History:
    alice_id: str
    shared_circle: str
    her_private_circle: str
    her_lonely_circle: str
    her_post: str
    bob_post: str
    bob_id: str


def raw_id(global_id: str) -> UUID:
    """The UUID inside a global ID (to compare with what the database or an export holds)."""
    return UUID(base64.urlsafe_b64decode(global_id).decode().split(":", 1)[1])


async def build_history(gql: GraphQLClient) -> History:
    await gql.onboard("carol", "Kind Heron")
    bob_id = await gql.onboard("bob", "Brave Owl")
    alice_id = await gql.onboard(UID, NAME)
    await gql.set_profile(UID, bio=BIO, pronouns="she/her")
    shared = await create_circle(gql, "carol", name="Evening Calm")
    await join(gql, UID, shared)
    await join(gql, "bob", shared)
    await set_role(gql, "carol", shared, alice_id, "MODERATOR")
    private = await create_circle(gql, UID, name="Night Owls", visibility="PRIVATE")
    await join(gql, "bob", private, await invite(gql, UID, private))
    lonely = await create_circle(gql, UID, name="Just Me")

    await set_prefs(gql, "bob", showPreviews=True)
    her_post = (await post(gql, UID, shared, POST))["id"]
    await post(gql, UID, shared, ANON, anonymous=True)
    removed = (await post(gql, UID, shared, REMOVED))["id"]
    assert (await mutate(gql, DELETE_POST, {"postId": removed}, UID))["userErrors"] == []
    bob_post = (await post(gql, "bob", shared, "bob asks something"))["id"]
    await reply(gql, UID, bob_post, REPLY)
    await reply(gql, "bob", her_post, "bob answers")
    await react(gql, UID, bob_post, "HUG")
    bob_other = (await post(gql, "bob", shared, "bob says too much"))["id"]
    assert (await mutate(gql, DELETE_POST, {"postId": bob_other}, UID))["userErrors"] == []
    await post(gql, UID, private, POST + " in private", idempotencyKey="her-retry-key")

    mine = await check_in(
        gql, UID, mood=2, note=NOTE, emotions=["LONELY"], shareWithCircleIds=[shared]
    )
    reach = """mutation($input: AskSomeoneToReachOutInput!) {
      askSomeoneToReachOut(input: $input) { requested userErrors { code } } }"""
    asked = await gql.data(reach, {"input": {"checkInId": mine["id"]}}, as_=UID)
    assert asked["askSomeoneToReachOut"] == {"requested": True, "userErrors": []}
    reminder = {"enabled": True, "localTimes": ["08:30"], "weekdays": [1, 2, 3]}
    await gql.data(SET_REMINDER, {"input": reminder}, as_=UID)
    assert (await register(gql, UID, DEVICE))["userErrors"] == []
    await set_prefs(gql, UID, reactions=False)
    name = """mutation($input: SetCircleNameInPushesInput!) {
      setCircleNameInPushes(input: $input) { userErrors { code } } }"""
    named = await gql.data(name, {"input": {"circleId": shared, "show": True}}, as_=UID)
    assert named["setCircleNameInPushes"]["userErrors"] == []

    # the safety areas
    urgent = (await post(gql, UID, shared, URGENT))["id"]
    safe = "mutation($input: ImSafeRightNowInput!) { imSafeRightNow(input: $input) { recordedAt } }"
    assert (await gql.data(safe, {"input": {"targetId": urgent}}, as_=UID))["imSafeRightNow"]
    resources = await gql.data("{ resources(first: 1) { edges { node { id } } } }")
    pin = """mutation($input: PinToCircleInput!) {
      pinToCircle(input: $input) { userErrors { code } } }"""
    resource = resources["resources"]["edges"][0]["node"]["id"]
    pinned = await mutate(gql, pin, {"circleId": shared, "itemId": resource}, UID)
    assert pinned["userErrors"] == []
    bob_rude = (await post(gql, "bob", shared, "bob is rude"))["id"]
    assert (await report(gql, UID, bob_rude, "HARASSMENT", note=REPORT_NOTE))["userErrors"] == []
    hidden = await mutate(gql, HIDE, {"targetId": bob_rude, "reason": "HARASSMENT"}, UID)
    assert hidden["userErrors"] == []
    assert (await report(gql, "carol", her_post, "SPAM"))["userErrors"] == []
    # carol worries about her: a risk report on her as a member (a safety-team item)
    worried = await report(gql, "carol", alice_id, "SUICIDE_RISK", circleId=shared)
    assert worried["userErrors"] == []
    await block(gql, UID, bob_id)
    await block(gql, "carol", alice_id)
    await gql.data(MUTE_TOPICS, {"input": {"topics": ["GRIEF"]}}, as_=UID)

    exported = await gql.data("mutation { exportMyData { userErrors { code } } }", as_=UID)
    assert exported["exportMyData"]["userErrors"] == []
    return History(alice_id, shared, private, lonely, her_post, bob_post, bob_id)
