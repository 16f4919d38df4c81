"""The reply notification from the reply's transaction to the device, through the
real firebase-admin client and the FCM v1 stand-in."""

from __future__ import annotations

import base64
import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import firebase_admin
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, update

from api.container import Services
from domain.clock import FixedClock
from infra.db.tables.notifications import device_table, notification_table
from infra.worker import NotificationWorker
from tests.api.notifications.conftest import make_worker, register, set_prefs, thread
from tests.support.circles import join, post, reply
from tests.support.fcm_stub import INVALID_PAYLOAD, OK, UNAVAILABLE, UNREGISTERED, FcmStandIn
from tests.support.graphql import GraphQLClient


def catch_up(clock: FixedClock, extra: timedelta = timedelta(seconds=1)) -> None:
    """Move the fixed clock past rows the app wrote with the real clock."""
    clock.set(max(clock.now(), datetime.now(UTC)) + extra)


class Counted:
    """What the operator's counters gained since this was made: claimed rows by what
    happened to them, and push messages by the push service's answer."""

    ROWS = ("sent", "retry", "failed", "inbox_only", "deferred")
    PUSHES = ("sent", "retry", "prune_device", "failed")

    def __init__(self) -> None:
        self._before = self._now()

    @staticmethod
    def _now() -> dict[str, float]:
        def value(name: str, label: str, v: str) -> float:
            return REGISTRY.get_sample_value(name, {label: v}) or 0.0

        return {
            **{f"rows {s}": value("hearth_notifications_finished_total", "status", s)
               for s in Counted.ROWS},
            **{f"pushes {o}": value("hearth_push_sent_total", "outcome", o)
               for o in Counted.PUSHES},
        }  # fmt: skip

    def gained(self) -> dict[str, float]:
        now = self._now()
        return {k: now[k] - self._before[k] for k in now if now[k] != self._before[k]}


async def rows(services: Services) -> list[dict[str, Any]]:
    async with services.engine.connect() as conn:
        found = await conn.execute(
            select(notification_table).order_by(notification_table.c.created_at)
        )
        return [dict(r) for r in found.mappings()]


async def test_android_and_ios_payloads_as_fcm_receives_them(
    gql: GraphQLClient, fcm: FcmStandIn, worker: NotificationWorker, clock: FixedClock
) -> None:
    # given alice has an Android phone and an iPad, and bob replies to her post
    t = await thread(gql)
    await register(gql, "alice", "fid-android", "ANDROID")
    await register(gql, "alice", "fid-ios", "IOS")
    made = await reply(gql, "bob", t.post_id, "Same here. Breathing 4-7-8 helps me.")

    # when the worker runs
    catch_up(clock)
    result = await worker.drain()

    # then both devices got one lock-screen-safe push with the deep link
    assert result.sent == 1
    android = fcm.received_for("fid-android")[0].message
    ios = fcm.received_for("fid-ios")[0].message
    for message in (android, ios):
        assert message["notification"] == {
            "title": "Someone replied to you",
            "body": "Open Hearth to read it.",
        }
        data = message["data"]
        assert data["type"] == "REPLY"
        assert data["circleId"] == t.circle_id
        assert data["postId"] == t.post_id
        assert data["replyId"] == made["id"]
        assert base64.urlsafe_b64decode(data["notificationId"]).decode().startswith("Notification:")
        text = json.dumps(message)
        assert "Breathing" not in text
        assert "sleep" not in text
        assert "Brave Owl" not in text
    assert android["android"]["priority"] == "high"
    assert android["android"]["collapse_key"] == "replies"
    assert android["android"]["notification"]["channel_id"] == "replies"
    assert android["android"]["notification"]["tag"].startswith("post-")
    assert ios["apns"]["headers"]["apns-priority"] == "10"
    assert ios["apns"]["headers"]["apns-collapse-id"].startswith("post-")
    assert ios["apns"]["payload"]["aps"]["thread-id"] == ios["apns"]["headers"]["apns-collapse-id"]


async def test_no_notification_for_your_own_reply(gql: GraphQLClient, services: Services) -> None:
    t = await thread(gql)
    await reply(gql, "alice", t.post_id, "Thanks everyone")
    assert await rows(services) == []


async def test_previews_only_when_allowed_never_for_anonymous_or_warned_content(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given alice turned previews on
    t = await thread(gql)
    warned = await post(
        gql, "alice", t.circle_id, "hard night", contentWarning={"topics": ["ANXIETY"]}
    )
    await set_prefs(gql, "alice", showPreviews=True)
    await register(gql, "alice", "fid-a")

    # when bob replies openly, anonymously, and under a content-warned post
    await reply(gql, "bob", t.post_id, "You are not alone tonight.")
    await reply(gql, "bob", warned["id"], "Secret detail about my relapse")
    catch_up(clock)
    await worker.drain()
    # (a second post, so the anonymous reply is not collapsed into the first)
    other = await post(gql, "alice", t.circle_id, "another")
    await reply(gql, "bob", other["id"], "Anonymous secret words", anonymous=True)
    catch_up(clock)
    await worker.drain()

    # then only the open reply is previewed, with bob's pseudonym
    bodies = sorted(r.message["notification"]["body"] for r in fcm.received_for("fid-a"))
    assert bodies == [
        "Brave Owl: You are not alone tonight.",
        "Open Hearth to read it.",
        "Open Hearth to read it.",
    ]
    everything = json.dumps([r.body for r in fcm.received]) + json.dumps(
        [r["title"] + r["body"] for r in await rows(services)]
    )
    assert "relapse" not in everything
    assert "Anonymous secret" not in everything
    assert everything.count("Brave Owl") == 2  # the open reply only (push + inbox row)


async def test_replies_to_one_post_collapse_while_undelivered(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given alice is in quiet hours... simpler: the worker has not run yet
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await gql.onboard("carol", "Kind Wren")
    await join(gql, "carol", t.circle_id)

    # when three replies arrive before the worker runs
    await reply(gql, "bob", t.post_id, "one")
    await reply(gql, "carol", t.post_id, "two")
    last = await reply(gql, "bob", t.post_id, "three")

    # then there is one notification counting three replies
    [row] = await rows(services)
    assert row["count"] == 3
    assert row["title"] == "3 new replies to your post"
    catch_up(clock)
    await worker.drain()
    [received] = fcm.received_for("fid-a")
    assert received.message["notification"]["title"] == "3 new replies to your post"
    assert received.message["data"]["count"] == "3"
    assert received.message["data"]["replyId"] == last["id"]

    # and a reply after delivery starts a new notification
    await reply(gql, "bob", t.post_id, "four")
    assert len(await rows(services)) == 2


async def test_a_collapse_window_of_five_minutes(gql: GraphQLClient, services: Services) -> None:
    t = await thread(gql)
    await reply(gql, "bob", t.post_id, "one")
    async with services.engine.begin() as conn:  # the pending row is 6 minutes old
        await conn.execute(
            update(notification_table).values(created_at=datetime.now(UTC) - timedelta(minutes=6))
        )
    await reply(gql, "bob", t.post_id, "two")
    assert [r["count"] for r in await rows(services)] == [1, 1]


async def test_quiet_hours_defer_until_they_end_in_the_members_timezone(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given alice (Europe/London) has quiet hours 22:00-07:00 and it is 23:30 in London
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await set_prefs(gql, "alice", quietHours={"start": "22:00", "end": "07:00"})
    await reply(gql, "bob", t.post_id, "hi")
    clock.set(datetime(2030, 1, 15, 23, 30, tzinfo=UTC))  # London is UTC in January
    async with services.engine.begin() as conn:
        await conn.execute(
            update(notification_table).values(created_at=clock.now(), next_attempt_at=clock.now())
        )

    # when the worker runs, nothing is sent and the row waits for 07:00
    counted = Counted()
    result = await worker.drain()
    assert result.deferred == 1
    assert counted.gained() == {"rows deferred": 1}
    assert fcm.received == []
    [row] = await rows(services)
    assert row["status"] == "PENDING"
    assert row["next_attempt_at"] == datetime(2030, 1, 16, 7, 0, tzinfo=UTC)
    assert row["attempts"] == 0

    # then at 07:00 it goes out
    clock.set(datetime(2030, 1, 16, 7, 0, 1, tzinfo=UTC))
    assert (await worker.drain()).sent == 1
    assert len(fcm.received_for("fid-a")) == 1


async def test_daily_cap_of_twenty_pushes_then_inbox_only(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given 22 posts by alice, each with a reply by bob (no collapsing across posts)
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    for n in range(22):
        made = await post(gql, "alice", t.circle_id, f"post {n}")
        await reply(gql, "bob", made["id"], f"reply {n}")

    # when the worker drains on one local day
    catch_up(clock)
    counted = Counted()
    result = await worker.drain()

    # then 20 are pushed and 2 are kept for the inbox only
    assert (result.sent, result.inbox_only) == (20, 2)
    assert counted.gained() == {"rows sent": 20, "rows inbox_only": 2, "pushes sent": 20}
    assert len(fcm.received_for("fid-a")) == 20
    statuses = sorted(r["status"] for r in await rows(services))
    assert statuses.count("INBOX_ONLY") == 2


async def test_transient_errors_back_off_then_fail_after_six_attempts(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    fcm.script("fid-a", UNAVAILABLE)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)

    delays = []
    counted = Counted()
    for attempt in range(1, 7):
        result = await worker.drain()
        assert result.claimed == 1, attempt
        [row] = await rows(services)
        if attempt < 6:
            assert row["status"] == "PENDING"
            assert row["attempts"] == attempt
            delay = row["next_attempt_at"] - clock.now()
            delays.append(delay.total_seconds())
            assert (await worker.drain()).claimed == 0  # not before the backoff is over
            clock.set(row["next_attempt_at"])
        else:
            assert row["status"] == "FAILED"
            assert row["last_error"] == "UNAVAILABLE"
    assert len(fcm.received_for("fid-a")) == 6
    assert counted.gained() == {"rows retry": 5, "rows failed": 1, "pushes retry": 6}
    # exponential with jitter in [0.5, 1): 30 s, 60 s, 120 s, 240 s, 480 s bases
    for n, delay in enumerate(delays):
        assert 30 * 2**n * 0.5 <= delay < 30 * 2**n


async def test_the_push_services_retry_after_is_honoured_then_it_is_delivered_once(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    # FCM is overloaded and asks for 5 minutes (our own first backoff would be 15-30 s)
    fcm.script("fid-a", replace(UNAVAILABLE, headers={"Retry-After": "300"}), OK)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)

    assert (await worker.drain()).claimed == 1
    [row] = await rows(services)
    assert row["status"] == "PENDING"
    assert row["next_attempt_at"] - clock.now() >= timedelta(seconds=300)
    clock.set(clock.now() + timedelta(seconds=299))
    assert (await worker.drain()).claimed == 0  # not before FCM said
    clock.set(row["next_attempt_at"])
    assert (await worker.drain()).claimed == 1
    [row] = await rows(services)
    assert row["status"] == "SENT"
    assert len(fcm.received_for("fid-a")) == 2  # once refused, once delivered: never twice


async def test_a_message_the_push_service_refuses_for_good_fails_at_once_with_its_reason(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given FCM refuses the message itself (a 400 about its body, not the device)
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    fcm.script("fid-a", INVALID_PAYLOAD)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)

    # when the worker runs, then the row fails once, with FCM's reason, and the device stays
    counted = Counted()
    result = await worker.drain()
    assert (result.sent, result.retried, result.failed) == (0, 0, 1)
    [row] = await rows(services)
    assert (row["status"], row["last_error"], row["attempts"]) == (
        "FAILED", "INVALID_ARGUMENT", 1,
    )  # fmt: skip
    assert counted.gained() == {"rows failed": 1, "pushes failed": 1}
    clock.set(clock.now() + timedelta(days=1))
    assert (await worker.drain()).claimed == 0  # never tried again
    assert len(fcm.received_for("fid-a")) == 1
    async with services.engine.connect() as conn:
        assert list((await conn.execute(select(device_table.c.token))).scalars()) == ["fid-a"]


async def test_dead_devices_of_every_notification_in_one_round_are_pruned(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given alice and carol each have a dead and a live device, and each gets a reply
    t = await thread(gql)
    await gql.onboard("carol", "Calm Heron")
    await join(gql, "carol", t.circle_id)
    carols = await post(gql, "carol", t.circle_id, "a long day")
    for uid in ("alice", "carol"):
        await register(gql, uid, f"fid-{uid}-dead")
        await register(gql, uid, f"fid-{uid}-live")
        fcm.script(f"fid-{uid}-dead", UNREGISTERED)
    await reply(gql, "bob", t.post_id, "hi alice")
    await reply(gql, "bob", carols["id"], "hi carol")
    catch_up(clock)

    # when one round takes both notifications
    counted = Counted()
    result = await worker.run_once()

    # then both are delivered to the live devices and both dead devices are gone
    assert (result.claimed, result.sent, result.pruned_devices) == (2, 2, 2)
    assert counted.gained() == {"rows sent": 2, "pushes sent": 2, "pushes prune_device": 2}
    async with services.engine.connect() as conn:
        tokens = set((await conn.execute(select(device_table.c.token))).scalars())
    assert tokens == {"fid-alice-live", "fid-carol-live"}


class _LowestJitter(random.Random):
    def random(self) -> float:
        return 0.0


async def test_the_backoffs_jitter_comes_from_the_workers_own_random_source(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    # given a worker whose random source always draws the lowest jitter (half the base)
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    fcm.script("fid-a", UNAVAILABLE)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    worker = make_worker(services, fcm_app, clock, rng=_LowestJitter())

    # when the push service is unavailable, then the first retry is exactly 15 s away
    await worker.drain()
    [row] = await rows(services)
    assert row["next_attempt_at"] - clock.now() == timedelta(seconds=15)


async def test_operators_see_the_time_from_a_notifications_creation_to_its_push(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    # given a reply notification pushed a moment after it was made
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    [row] = await rows(services)
    clock.set(row["created_at"] + timedelta(milliseconds=250))

    def observed() -> tuple[float, float]:
        name = "hearth_notification_delivery_seconds"
        return (
            REGISTRY.get_sample_value(f"{name}_count") or 0.0,
            REGISTRY.get_sample_value(f"{name}_sum") or 0.0,
        )

    before = observed()
    assert (await worker.drain()).sent == 1
    after = observed()

    # then one delivery is observed, with its own delay
    assert after[0] - before[0] == 1
    assert after[1] - before[1] == pytest.approx(0.25)


async def test_unregistered_devices_are_pruned_and_the_rest_still_get_it(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-dead")
    await register(gql, "alice", "fid-live")
    fcm.script("fid-dead", UNREGISTERED)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)

    result = await worker.drain()

    assert (result.sent, result.pruned_devices) == (1, 1)
    async with services.engine.connect() as conn:
        tokens = list((await conn.execute(select(device_table.c.token))).scalars())
    assert tokens == ["fid-live"]


async def test_all_devices_dead_means_inbox_only(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-dead")
    fcm.script("fid-dead", UNREGISTERED)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    await worker.drain()
    [row] = await rows(services)
    assert row["status"] == "INBOX_ONLY"


async def test_a_member_without_devices_gets_the_inbox_only(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    result = await worker.drain()
    assert result.inbox_only == 1
    assert fcm.received == []
    data = await gql.data(
        "{ me { unreadNotificationCount notifications { nodes { title kind } } } }", as_="alice"
    )
    assert data["me"]["unreadNotificationCount"] == 1
    assert data["me"]["notifications"]["nodes"] == [
        {"title": "Someone replied to you", "kind": "REPLY"}
    ]


async def test_an_expired_lease_makes_a_claimed_row_claimable_again(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
    services: Services,
) -> None:
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    catch_up(clock)
    # a worker claims and "crashes" (never finishes)
    assert len(await worker.claim()) == 1
    assert await worker.claim() == []  # leased: nobody else takes it
    clock.set(clock.now() + timedelta(seconds=61))
    result = await worker.drain()
    assert result.sent == 1
    assert len(fcm.received_for("fid-a")) == 1
    [row] = await rows(services)
    assert row["status"] == "SENT"
    assert row["attempts"] == 2
    # once SENT it is never claimed again
    clock.set(clock.now() + timedelta(hours=1))
    assert (await worker.drain()).claimed == 0
