"""On-call safety staff are pushed about new URGENT items and, every 15 minutes, about
ones nobody acknowledged: through the outbox, the worker, the real firebase-admin client
and the FCM v1 stand-in. The push never carries the member's words."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from api.container import Services
from domain.clock import FixedClock
from domain.safety import staff as safety
from domain.safety.team import StaffRole
from infra.worker import NotificationWorker
from tests.api.notifications.conftest import register, set_prefs
from tests.support.circles import create_circle, join, post
from tests.support.fcm_stub import FcmStandIn
from tests.support.graphql import GraphQLClient

URGENT = "I have the pills ready and I am going to end it tonight."
ACK = """mutation($input: SafetyItemInput!) {
  acknowledgeSafetyItem(input: $input) { userErrors { code } } }"""


async def _staff(gql: GraphQLClient, services: Services) -> None:
    for uid, on_call in (("oncall", True), ("offcall", False)):
        await gql.onboard(uid, f"Staff {uid}")
        await safety.grant_staff(
            uid, StaffRole.SAFETY, "operator:test", services.uow(), services.clock, on_call=on_call
        )
        await register(gql, uid, f"fid-{uid}")
    # quiet hours all day long: a safety alert still goes out
    await set_prefs(gql, "oncall", quietHours={"start": "00:00", "end": "23:59"})


async def _urgent_post(gql: GraphQLClient) -> str:
    await gql.onboard("ann")
    circle_id = await create_circle(gql, "ann", name="Night Owls")
    await gql.onboard("bo")
    await join(gql, "bo", circle_id)
    made = await post(gql, "ann", circle_id, URGENT, anonymous=True)
    return str(made["id"])


async def test_a_new_urgent_item_pushes_to_on_call_staff_lock_screen_safe(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    await _staff(gql, services)
    await _urgent_post(gql)
    clock.set(datetime.now(UTC) + timedelta(seconds=1))
    result = await worker.drain()
    assert result.sent == 1
    (received,) = fcm.received_for("fid-oncall")
    assert fcm.received_for("fid-offcall") == []
    message = received.message
    assert message["notification"] == {
        "title": "Safety queue",
        "body": "An urgent item is waiting for the safety team.",
    }
    assert message["data"]["type"] == "SAFETY_ALERT"
    queue = await gql.data("{ safetyQueue { nodes { id } } }", as_="oncall")
    assert message["data"]["safetyItemId"] == queue["safetyQueue"]["nodes"][0]["id"]
    assert message["android"]["priority"] == "high"
    assert message["android"]["notification"]["channel_id"] == "safety_alerts"
    assert message["apns"]["payload"]["aps"]["thread-id"].startswith("safety:")
    for words in ("pills", "tonight", "Night Owls", "Member ann"):
        assert words not in str(message)


async def test_an_unacknowledged_item_re_alerts_once_per_15_minutes_until_acknowledged(
    gql: GraphQLClient,
    services: Services,
    fcm: FcmStandIn,
    worker: NotificationWorker,
    clock: FixedClock,
) -> None:
    await _staff(gql, services)
    await _urgent_post(gql)
    start = datetime.now(UTC)
    clock.set(start + timedelta(seconds=1))
    await worker.drain()
    assert len(fcm.received_for("fid-oncall")) == 1

    clock.set(start + timedelta(minutes=14))
    assert await worker.realert_safety() == 0
    clock.set(start + timedelta(minutes=15, seconds=1))
    # two workers at the same moment: one re-alert between them
    assert sum(await asyncio.gather(worker.realert_safety(), worker.realert_safety())) == 1
    assert await worker.realert_safety() == 0
    await worker.drain()
    pushes = fcm.received_for("fid-oncall")
    assert len(pushes) == 2
    assert pushes[1].message["notification"]["body"] == (
        "An urgent item is still waiting to be acknowledged."
    )

    clock.set(start + timedelta(minutes=25))
    assert await worker.realert_safety() == 0
    clock.set(start + timedelta(minutes=30, seconds=2))
    assert await worker.realert_safety() == 1

    item_id = (await gql.data("{ safetyQueue { nodes { id } } }", as_="oncall"))["safetyQueue"][
        "nodes"
    ][0]["id"]
    acked = await gql.data(ACK, {"input": {"itemId": item_id}}, as_="offcall")
    assert acked["acknowledgeSafetyItem"]["userErrors"] == []
    clock.set(start + timedelta(hours=2))
    assert await worker.realert_safety() == 0
    await worker.drain()
    assert len(fcm.received_for("fid-oncall")) == 3
    assert fcm.received_for("fid-offcall") == []
