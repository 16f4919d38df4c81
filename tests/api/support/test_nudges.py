"""The worker nudges one available member about a post nobody answered: after the
circle's interval, fairly, lock-screen safe, never the author, never across a block,
never someone who cannot read the post, at most 3 times, exactly once per nudge
across worker restarts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import firebase_admin
import httpx
from sqlalchemy import func, select

from api.container import Services
from api.node import from_global_id
from domain.clock import FixedClock
from domain.notifications.model import DAILY_PUSH_CAP, Notification, NotificationKind
from domain.notifications.services import write_notification
from infra.db.tables.notifications import notification_table
from infra.db.tables.support import support_nudge_table
from tests.api.notifications.conftest import register, set_prefs
from tests.api.notifications.test_lock_screens import name_circle
from tests.api.support.conftest import hours, make_worker, set_availability
from tests.api.test_observability import _metric
from tests.support.circles import (
    UPDATE_CIRCLE,
    ban,
    create_circle,
    join,
    mutate,
    post,
    reply,
)
from tests.support.fcm_stub import FcmStandIn
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.moderation import MUTE, MUTE_TOPICS, block

LISTENERS = ("bea", "cal", "dan")
BODY = "I finally said it out loud: I'm not OK."


async def _circle(
    gql: GraphQLClient, clock: FixedClock, listeners: tuple[str, ...] = LISTENERS, **circle: Any
) -> tuple[str, dict[str, str]]:
    """ann owns the circle; the listeners joined, have a phone and offered to listen."""
    ids = {u: await gql.onboard(u, f"Name {u}") for u in ("ann", *listeners)}
    circle_id = await create_circle(gql, "ann", **circle)
    for uid in listeners:
        await join(gql, uid, circle_id)
        await register(gql, uid, f"fid-{uid}")
        payload = await set_availability(gql, uid, clock.now() + hours(6))
        assert payload["userErrors"] == []
    return circle_id, ids


async def _tick(services: Services, app: firebase_admin.App, clock: FixedClock) -> None:
    """A worker starts (as after a restart), runs its periodic jobs and drains the outbox."""
    worker = make_worker(services, app, clock)
    await worker.run_periodic()
    await worker.drain()


def _pushed(fcm: FcmStandIn) -> list[tuple[str | None, str, str]]:
    return [
        (r.target, r.message["notification"]["title"], r.message["notification"]["body"])
        for r in fcm.received
    ]


async def _nudges(services: Services) -> list[dict[str, Any]]:
    async with services.engine.connect() as conn:
        rows = await conn.execute(select(support_nudge_table).order_by(support_nudge_table.c.seq))
        return [dict(r) for r in rows.mappings()]


async def test_one_member_is_nudged_after_the_interval_with_lock_screen_safe_words(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock)
    made = await post(gql, "ann", circle_id, BODY)

    clock.set(clock.now() + timedelta(minutes=19))
    await _tick(services, fcm_app, clock)
    assert fcm.received == []

    clock.set(clock.now() + timedelta(minutes=1))
    await _tick(services, fcm_app, clock)

    pushed = _pushed(fcm)
    assert len(pushed) == 1
    target, title, body = pushed[0]
    assert target in {f"fid-{u}" for u in LISTENERS}
    assert title == "Someone in one of your circles could use a reply"
    assert body == "Open Hearth to read it and reply if you can."
    data = fcm.received[0].message["data"]
    assert data["postId"] == made["id"]
    assert data["type"] == "SUPPORT_NUDGE"
    text = json.dumps([r.body for r in fcm.received]).lower()
    assert "not ok" not in text
    assert "evening calm" not in text


async def test_the_circle_is_named_only_when_the_member_chose_it_and_never_for_sensitive_topics(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock, listeners=("bea",))
    assert (await name_circle(gql, "bea", circle_id, True))["userErrors"] == []
    await post(gql, "ann", circle_id, "Plain post.")
    await post(gql, "ann", circle_id, "Heavy post.", contentWarning={"topics": ["TRAUMA"]})

    clock.set(clock.now() + timedelta(minutes=20))
    await _tick(services, fcm_app, clock)

    titles = sorted(title for _, title, _ in _pushed(fcm))
    assert titles == [
        "Someone in Evening Calm could use a reply",
        "Someone in one of your circles could use a reply",  # the TRAUMA warning
    ]


async def test_three_different_members_one_interval_apart_then_no_more(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock, listeners=("bea", "cal", "dan", "eve"))
    await mutate(gql, UPDATE_CIRCLE, {"circleId": circle_id, "nudgeAfterMinutes": 10}, "ann")
    await post(gql, "ann", circle_id, BODY)

    for _ in range(6):  # an hour: 6 intervals
        clock.set(clock.now() + timedelta(minutes=10))
        await _tick(services, fcm_app, clock)

    targets = [target for target, _, _ in _pushed(fcm)]
    assert len(targets) == 3
    assert len(set(targets)) == 3
    assert [n["seq"] for n in await _nudges(services)] == [1, 2, 3]


async def test_the_least_recently_nudged_member_goes_first(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock, listeners=("bea", "cal"))
    first = await post(gql, "ann", circle_id, "First.")
    clock.set(clock.now() + timedelta(minutes=20))
    await _tick(services, fcm_app, clock)
    await reply(gql, "cal", first["id"], "Here for you.")
    (chosen_first, _, _) = _pushed(fcm)[0]

    await post(gql, "ann", circle_id, "Second.")
    clock.set(clock.now() + timedelta(minutes=20))
    await _tick(services, fcm_app, clock)

    (chosen_second, _, _) = _pushed(fcm)[1]
    assert {chosen_first, chosen_second} == {"fid-bea", "fid-cal"}


async def test_a_reply_stops_the_nudges(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock)
    made = await post(gql, "ann", circle_id, BODY)
    clock.set(clock.now() + timedelta(minutes=20))
    await _tick(services, fcm_app, clock)
    await reply(gql, "bea", made["id"], "I hear you. I'm here.")

    for _ in range(3):
        clock.set(clock.now() + timedelta(minutes=20))
        await _tick(services, fcm_app, clock)

    assert len(fcm.received) == 1


async def test_never_the_author_a_blocked_pair_a_banned_member_or_one_who_muted_the_topic(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    # given everyone offered to listen, the author ann too; bea blocked ann, ann
    # blocked cal, dan was banned, fay muted the post's topic, a moderator muted gus
    # (he can't reply); only eve may be nudged
    listeners = ("bea", "cal", "dan", "eve", "fay", "gus")
    circle_id, ids = await _circle(gql, clock, listeners=listeners)
    await register(gql, "ann", "fid-ann")
    await set_availability(gql, "ann", clock.now() + hours(6))
    await block(gql, "bea", ids["ann"])
    await block(gql, "ann", ids["cal"])
    await ban(gql, "ann", circle_id, ids["dan"])
    await mutate(gql, MUTE_TOPICS, {"topics": ["GRIEF"]}, "fay")
    muted = {
        "circleId": circle_id,
        "memberId": ids["gus"],
        "until": (clock.now() + hours(6)).isoformat(),
    }
    assert (await mutate(gql, MUTE, muted, "ann"))["userErrors"] == []
    await post(gql, "ann", circle_id, BODY, contentWarning={"topics": ["GRIEF"]})

    # when the post waits for an hour and a half
    for _ in range(5):
        clock.set(clock.now() + timedelta(minutes=20))
        await _tick(services, fcm_app, clock)

    # then eve alone was nudged, once
    assert [target for target, _, _ in _pushed(fcm)] == ["fid-eve"]


async def test_quiet_hours_are_respected(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock, listeners=("bea", "cal"))
    local = clock.now()  # members are in Europe/London: quiet around "now" for bea
    start = (local - timedelta(hours=2)).strftime("%H:%M")
    end = (local + timedelta(hours=4)).strftime("%H:%M")
    await set_prefs(gql, "bea", quietHours={"start": start, "end": end})
    await post(gql, "ann", circle_id, BODY)

    for _ in range(3):
        clock.set(clock.now() + timedelta(minutes=20))
        await _tick(services, fcm_app, clock)

    assert [target for target, _, _ in _pushed(fcm)] == ["fid-cal"]


async def test_a_member_whose_pushes_waiting_today_reach_the_cap_is_not_nudged(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    # the fair order breaks ties by member id: the first in it has 20 pushes waiting to
    # go today, so a nudge would only reach their inbox; the other one gets it
    circle_id, ids = await _circle(gql, clock, listeners=("bea", "cal"))
    raw = {u: _raw(ids[u]) for u in ("bea", "cal")}
    capped, other = sorted(raw, key=lambda u: raw[u])
    async with services.uow() as uow:
        for n in range(DAILY_PUSH_CAP):
            await write_notification(uow, _waiting_push(raw[capped], n, clock.now()))
        await uow.commit()
    await post(gql, "ann", circle_id, BODY)

    clock.set(clock.now() + timedelta(minutes=20))
    worker = make_worker(services, fcm_app, clock)
    await worker.run_periodic()  # the nudge pass, before those pushes are sent

    assert [str(n["member_id"]) for n in await _nudges(services)] == [str(raw[other])]
    await worker.drain()
    assert [t for t, title, _ in _pushed(fcm) if "could use a reply" in title] == [f"fid-{other}"]


def _raw(global_id: str) -> UUID:
    found = from_global_id(global_id)
    assert found is not None
    return found[1]


def _waiting_push(member_id: UUID, n: int, now: datetime) -> Notification:
    return Notification(
        uuid4(),
        member_id,
        NotificationKind.REPLY,
        "Someone replied",
        "Open Hearth to read it.",
        {},
        f"test-waiting:{member_id}:{n}",
        now,
        now,
    )


async def test_no_nudge_about_a_post_whose_author_left(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock, listeners=("bea", "cal"))
    await post(gql, "bea", circle_id, BODY)
    await gql.data(
        "mutation($input: CircleInput!) { leaveCircle(input: $input) { userErrors { code } } }",
        {"input": {"circleId": circle_id}},
        as_="bea",
    )

    clock.set(clock.now() + timedelta(minutes=30))
    await _tick(services, fcm_app, clock)

    assert fcm.received == []


async def test_exactly_once_across_a_worker_restart(
    gql: GraphQLClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock)
    await post(gql, "ann", circle_id, BODY)
    clock.set(clock.now() + timedelta(minutes=20))

    # worker A writes the nudge and dies before sending anything
    first = make_worker(services, fcm_app, clock)
    await first.run_periodic()
    # worker B starts at the same moment, runs the same pass and drains the outbox
    second = make_worker(services, fcm_app, clock)
    await second.run_periodic()
    await second.drain()
    await first.drain()

    assert len(fcm.received) == 1
    async with services.engine.connect() as conn:
        outbox = await conn.scalar(
            select(func.count()).where(notification_table.c.kind == "SUPPORT_NUDGE")
        )
    assert outbox == 1
    assert len(await _nudges(services)) == 1


async def test_nudge_settings_are_for_owners_and_moderators_within_5_to_240_minutes(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    circle_id, _ = await _circle(gql, clock, listeners=("bea",))
    for minutes in (4, 241, 0, -5):
        payload = await mutate(
            gql, UPDATE_CIRCLE, {"circleId": circle_id, "nudgeAfterMinutes": minutes}, "ann"
        )
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("INVALID", ["input", "nudgeAfterMinutes"])
        ]
    ok = await mutate(gql, UPDATE_CIRCLE, {"circleId": circle_id, "nudgeAfterMinutes": 240}, "ann")
    refused = await gql(
        UPDATE_CIRCLE,
        {"input": {"circleId": circle_id, "nudgeAfterMinutes": 30}},
        as_="bea",
    )
    shown = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Circle { nudgeAfterMinutes } } }",
        {"id": circle_id},
        as_="bea",
    )

    assert ok["userErrors"] == []
    assert error_codes(refused) == ["FORBIDDEN"]
    assert shown["node"]["nudgeAfterMinutes"] == 240


async def test_operators_see_first_replies_unanswered_posts_and_nudges_in_the_metrics(
    gql: GraphQLClient,
    http: httpx.AsyncClient,
    fcm: FcmStandIn,
    fcm_app: firebase_admin.App,
    clock: FixedClock,
    services: Services,
) -> None:
    circle_id, _ = await _circle(gql, clock, listeners=("bea", "cal"))
    before = (await http.get("/metrics")).text
    answered = await post(gql, "ann", circle_id, "Answered soon.")
    await post(gql, "ann", circle_id, BODY)
    clock.set(clock.now() + timedelta(minutes=5))
    await reply(gql, "bea", answered["id"], "Here.")
    clock.set(clock.now() + timedelta(minutes=61))
    await _tick(services, fcm_app, clock)
    after = (await http.get("/metrics")).text

    def grew(name: str) -> float:
        return _metric(after, name) - _metric(before, name)

    assert grew("hearth_support_first_reply_seconds_count") == 1
    assert grew("hearth_support_first_reply_seconds_sum") == 300
    assert grew("hearth_support_nudges_sent_total") == 1
    assert _metric(after, "hearth_support_unanswered_over_1h") == 1
