"""Fixtures for notification tests: the real app for setup, an FCM v1 stand-in with
the real firebase-admin client, a worker on the app's database and a FixedClock.

Workers send as ``hearth worker`` does by default (:class:`PooledFcmSender`,
``HEARTH_FCM_TRANSPORT=pooled``); the senders a test opened are closed with its
``fcm_app``. tests/integration/test_fcm_sender.py runs the senders' behaviour with both
transports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import firebase_admin
import httpx
import pytest
from starlette.applications import Starlette

from api.container import Services
from domain.clock import FixedClock
from infra.push import PooledFcmSender
from infra.worker import NotificationWorker
from tests.support.circles import create_circle, join, post
from tests.support.fcm_stub import FcmStandIn, fcm_standin
from tests.support.graphql import GraphQLClient

REGISTER = """
mutation($input: RegisterDeviceInput!) {
  registerDevice(input: $input) {
    device { platform appVersion locale lastSeenAt }
    userErrors { code field message }
  }
}
"""
PREFS = """
mutation($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { replies reactions circleActivity checkInReminders showPreviews
                  quietHours { start end } }
    userErrors { code field message }
  }
}
"""


@pytest.fixture
def fcm() -> Iterator[FcmStandIn]:
    with fcm_standin() as standin:
        yield standin


_OPEN_SENDERS: list[PooledFcmSender] = []


@pytest.fixture
async def fcm_app(fcm: FcmStandIn) -> AsyncIterator[firebase_admin.App]:
    with fcm.firebase_app() as app:
        try:
            yield app
        finally:
            while _OPEN_SENDERS:
                await _OPEN_SENDERS.pop().aclose()


def fcm_sender(app: firebase_admin.App) -> PooledFcmSender:
    """The worker's default sender for ``app``, closed with the test's ``fcm_app``."""
    sender = PooledFcmSender(app)
    _OPEN_SENDERS.append(sender)
    return sender


@pytest.fixture
def services(app_and_http: tuple[Starlette, httpx.AsyncClient], http: Any) -> Services:
    services: Services = app_and_http[0].state.services
    return services


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


@pytest.fixture
def worker(
    services: Services, fcm_app: firebase_admin.App, clock: FixedClock
) -> NotificationWorker:
    return make_worker(services, fcm_app, clock)


def make_worker(
    services: Services, app: firebase_admin.App, clock: FixedClock, **kw: Any
) -> NotificationWorker:
    return NotificationWorker(
        services.engine, fcm_sender(app), clock, uow_factory=services.uow, **kw
    )


async def register(
    gql: GraphQLClient, uid: str, token: str, platform: str = "ANDROID"
) -> dict[str, Any]:
    variables = {
        "input": {"token": token, "platform": platform, "appVersion": "1.0.0", "locale": "en-GB"}
    }
    data = await gql.data(REGISTER, variables, as_=uid)
    result: dict[str, Any] = data["registerDevice"]
    return result


async def set_prefs(gql: GraphQLClient, uid: str, **values: Any) -> dict[str, Any]:
    data = await gql.data(PREFS, {"input": values}, as_=uid)
    result: dict[str, Any] = data["updateNotificationPreferences"]
    assert result["userErrors"] == [], result["userErrors"]
    return result


@dataclass
class Thread:
    circle_id: str
    post_id: str
    author_id: str
    replier_id: str


async def thread(
    gql: GraphQLClient, *, circle_name: str = "Evening Calm", **post_extra: Any
) -> Thread:
    """alice owns a circle and posts; bob joins. Both onboarded (Europe/London)."""
    alice = await gql.onboard("alice", "Quiet Fox")
    bob = await gql.onboard("bob", "Brave Owl")
    circle_id = await create_circle(gql, "alice", name=circle_name)
    await join(gql, "bob", circle_id)
    made = await post(
        gql, "alice", circle_id, "I can't sleep again, my chest is tight", **post_extra
    )
    return Thread(circle_id, made["id"], alice, bob)
