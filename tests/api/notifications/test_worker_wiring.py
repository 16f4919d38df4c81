"""`hearth worker`'s wiring, in process: which sender it picks, the firebase-admin
app it makes from a service-account file, and `serve` draining the outbox until
told to stop (the SIGTERM test runs the real command in a subprocess)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import firebase_admin
import pytest
import redis.asyncio as aioredis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import messaging
from sqlalchemy import select, update

from api.container import Services
from domain.events import Event, EventKind
from domain.notifications.push import PushMessage, PushOutcome, PushResult
from infra.db.tables.checkins import check_in_reminder_table
from infra.db.tables.notifications import notification_table
from infra.events.bus import REDIS_CHANNEL, decode
from infra.push.fcm import FcmPushSender, LogPushSender
from infra.push.fcm_pooled import PooledFcmSender
from infra.worker.process import make_push_sender, messaging_app, serve
from tests.api.notifications.conftest import register, thread
from tests.api.notifications.test_checkin_reminders import kinds
from tests.api.notifications.test_checkin_reminders import setup as reminder_setup
from tests.api.notifications.test_delivery import rows
from tests.conftest import test_settings
from tests.support.circles import reply
from tests.support.graphql import GraphQLClient
from tests.support.private_redis import private_redis
from tests.support.waiting import eventually


@pytest.fixture
def service_account(tmp_path: Path) -> Path:
    """A service-account key file as the Google console makes them (a fresh key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = tmp_path / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "hearth-test",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "worker@hearth-test.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


def test_no_firebase_app_without_a_project_or_without_credentials_in_development() -> None:
    assert messaging_app(test_settings()) is None
    assert messaging_app(test_settings(firebase_project_id="hearth-test")) is None


@pytest.fixture
def no_default_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No key file, no gcloud login, not on Google Cloud: Application Default
    Credentials cannot be found (and nothing is asked over the network)."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    monkeypatch.setenv("NO_GCE_CHECK", "True")


@pytest.mark.usefixtures("no_default_credentials")
def test_in_production_the_app_uses_default_credentials_for_the_configured_project() -> None:
    app = messaging_app(test_settings(hearth_env="production", firebase_project_id="hearth-prod"))
    try:
        assert app is not None
        assert app.project_id == "hearth-prod"  # from the settings, not the credentials
        assert isinstance(app.credential, firebase_admin.credentials.ApplicationDefault)
    finally:
        if app is not None:
            firebase_admin.delete_app(app)


def test_a_service_account_file_makes_a_named_app_for_the_project(service_account: Path) -> None:
    settings = test_settings(
        firebase_project_id="hearth-test", GOOGLE_APPLICATION_CREDENTIALS=service_account
    )
    app = messaging_app(settings)
    try:
        assert app is not None
        assert app.project_id == "hearth-test"
        assert app.name.startswith("hearth-worker-")
        assert app.credential.service_account_email == "worker@hearth-test.iam.gserviceaccount.com"
        # the pooled sender by default, firebase-admin's send_each when asked for
        assert isinstance(make_push_sender(settings, app), PooledFcmSender)
        threaded = settings.model_copy(update={"hearth_fcm_transport": "firebase-admin"})
        assert isinstance(make_push_sender(threaded, app), FcmPushSender)
        # the same app without credentials configured is only good for the log sender
        assert isinstance(make_push_sender(test_settings(), app), LogPushSender)
        production = test_settings(hearth_env="production", firebase_project_id="hearth-test")
        assert isinstance(make_push_sender(production, app), PooledFcmSender)
        assert isinstance(make_push_sender(production, None), LogPushSender)
    finally:
        if app is not None:
            firebase_admin.delete_app(app)


def test_hearth_fcm_pool_size_sizes_the_fcm_connection_pool(service_account: Path) -> None:
    def pool_after(size: int) -> int:
        settings = test_settings(
            firebase_project_id="hearth-test",
            GOOGLE_APPLICATION_CREDENTIALS=service_account,
            hearth_fcm_pool_size=size,
        )
        app = messaging_app(settings)
        assert app is not None
        try:
            make_push_sender(settings, app)
            session = messaging._get_messaging_service(app)._client.session
            return int(session.get_adapter("https://").poolmanager.connection_pool_kw["maxsize"])
        finally:
            firebase_admin.delete_app(app)

    assert pool_after(0) == 10  # 0: firebase-admin's own pool, as it comes
    assert (pool_after(1), pool_after(7)) == (1, 7)


async def test_serve_refuses_production_without_a_firebase_project() -> None:
    refusal = r"^Refusing to start the worker: no Firebase project is configured\.$"
    with pytest.raises(SystemExit, match=refusal):
        await serve(test_settings(hearth_env="production"), asyncio.Event())


@pytest.mark.usefixtures("no_default_credentials")
async def test_serve_refuses_production_when_the_default_credentials_are_missing() -> None:
    before = set(firebase_admin._apps)
    settings = test_settings(hearth_env="production", firebase_project_id="hearth-test")
    refusal = (
        r"^Refusing to start the worker: no Firebase credentials \(DefaultCredentialsError\)\.$"
    )
    try:
        with pytest.raises(SystemExit, match=refusal):
            await serve(settings, asyncio.Event())
    finally:  # the process would exit here; this test process goes on
        for name in set(firebase_admin._apps) - before:
            firebase_admin.delete_app(firebase_admin.get_app(name))


class _FcmStandIn:
    """Stands in for the FCM sender: records the firebase-admin app and accepts all."""

    made: list[Any] = []
    closed = 0

    def __init__(self, app: Any, **options: Any) -> None:
        self.made.append(app)
        self.sent: list[PushMessage] = []

    async def aclose(self) -> None:
        type(self).closed += 1

    async def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        self.sent.extend(messages)
        return [PushResult(PushOutcome.SENT, message_id="m") for _ in messages]


async def test_serve_sends_through_fcm_with_a_service_account_and_deletes_its_app(
    gql: GraphQLClient,
    services: Services,
    service_account: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a reply notification waiting, and a service-account file configured
    monkeypatch.setattr("infra.worker.process.PooledFcmSender", _FcmStandIn)
    _FcmStandIn.made = []
    _FcmStandIn.closed = 0
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    settings = test_settings(
        hearth_env="development",
        hearth_worker_poll_seconds=0.02,
        firebase_project_id="hearth-test",
        GOOGLE_APPLICATION_CREDENTIALS=service_account,
    )
    stop = asyncio.Event()

    # when `hearth worker` runs
    task = asyncio.create_task(serve(settings, stop))

    async def sent() -> bool:
        return [r["status"] for r in await rows(services)] == ["SENT"]

    # then it sends through FCM, with the project's app
    await eventually(sent, "the worker sending the notification")
    stop.set()
    await asyncio.wait_for(task, 10)
    [app] = _FcmStandIn.made
    assert app.project_id == "hearth-test"
    assert app.credential.service_account_email == "worker@hearth-test.iam.gserviceaccount.com"
    # and when it stops, its connections to FCM are closed and the app is gone
    assert _FcmStandIn.closed == 1
    with pytest.raises(ValueError, match="does not exist"):
        firebase_admin.get_app(app.name)


async def test_serve_drains_the_outbox_with_the_settings_until_stopped(
    gql: GraphQLClient, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    # given a reply notification waiting, and a device (development: the log sender)
    t = await thread(gql)
    await register(gql, "alice", "fid-a")
    await reply(gql, "bob", t.post_id, "hi")
    settings = test_settings(hearth_env="development", hearth_worker_poll_seconds=0.02)
    stop = asyncio.Event()

    # when `hearth worker` runs
    task = asyncio.create_task(serve(settings, stop))

    async def sent() -> bool:
        return [r["status"] for r in await rows(services)] == ["SENT"]

    with caplog.at_level(logging.INFO, "hearth.worker"):
        await eventually(sent, "the worker sending the notification")
        # then it stops when told to, and no round or job failed on the way
        stop.set()
        await asyncio.wait_for(task, 10)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def _reminder_due(gql: GraphQLClient, services: Services) -> None:
    """Alice's check-in reminder fell due a minute ago."""
    await reminder_setup(gql)
    async with services.engine.begin() as conn:
        due = datetime.now(UTC) - timedelta(minutes=1)
        await conn.execute(update(check_in_reminder_table).values(next_fire_at=due))


async def test_serve_queues_due_check_in_reminders(
    gql: GraphQLClient, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    # given alice's check-in reminder fell due a minute ago, and no Redis (one instance)
    await _reminder_due(gql, services)
    settings = test_settings(
        hearth_env="development", hearth_worker_poll_seconds=0.02, redis_url=None
    )
    stop = asyncio.Event()

    # when `hearth worker` runs, then its first round queues the reminder and pushes it
    with caplog.at_level(logging.WARNING):
        task = asyncio.create_task(serve(settings, stop))
        try:
            await eventually(lambda: _pushed(services), "the reminder queued and pushed")
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
    # and nothing anywhere failed on the way (publishing the new inbox item included)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_serve_with_redis_tells_every_instance_of_the_notifications_it_queues(
    gql: GraphQLClient, services: Services
) -> None:
    # given alice's check-in reminder fell due, and the deployment's Redis (a private
    # one), where every API instance's event reader listens
    await _reminder_due(gql, services)
    with private_redis() as server:
        listener = aioredis.from_url(server.url)
        pubsub = listener.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(REDIS_CHANNEL)
        settings = test_settings(
            hearth_env="development", hearth_worker_poll_seconds=0.02, redis_url=server.url
        )
        stop = asyncio.Event()

        # when `hearth worker` runs with REDIS_URL set
        task = asyncio.create_task(serve(settings, stop))
        try:

            async def heard() -> Event | None:
                message = await pubsub.get_message(timeout=0.1)
                return decode(message["data"]) if message else None

            event = await eventually(heard, "the worker's event on Redis")
            await eventually(
                lambda: _pushed(services), "the reminder pushed after it was announced"
            )
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
            await pubsub.aclose()
            await listener.aclose()

    # then alice's open app hears of the new inbox item from whichever instance it is on
    async with services.engine.connect() as conn:
        [(notification_id, member_id)] = (
            await conn.execute(select(notification_table.c.id, notification_table.c.member_id))
        ).all()
    assert (event.kind, event.member_id, event.subject_id) == (
        EventKind.NOTIFICATION_CREATED,
        member_id,
        notification_id,
    )


async def _pushed(services: Services) -> bool:
    return await kinds(services) == [("CHECKIN_REMINDER", "SENT")]
