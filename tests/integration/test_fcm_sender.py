"""The FCM senders against the real firebase-admin client and a loopback FCM v1 stand-in.

Every behaviour test runs with both transports (``HEARTH_FCM_TRANSPORT``): firebase-admin's
threaded ``send_each`` (:class:`FcmPushSender`) and the pooled sender that sends from the
event loop (:class:`PooledFcmSender`); what FCM receives and how its answers are
classified must not depend on the transport."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import firebase_admin
import pytest
from firebase_admin import exceptions, messaging

from domain.notifications.push import (
    MAX_BATCH,
    Platform,
    PushMessage,
    PushOutcome,
    PushPriority,
    PushResult,
    PushSender,
)
from infra.push import FcmPushSender, LogPushSender, PooledFcmSender, tune_fcm_connections
from tests.support.fcm_stub import (
    INTERNAL,
    INVALID_PAYLOAD,
    INVALID_TOKEN,
    OK,
    QUOTA_EXCEEDED,
    SENDER_ID_MISMATCH,
    THIRD_PARTY_AUTH_ERROR,
    UNAVAILABLE,
    UNREGISTERED,
    Answer,
    FcmStandIn,
    fcm_standin,
)

NOW = 1_800_000_000.0


@pytest.fixture
def fcm() -> Iterator[FcmStandIn]:
    with fcm_standin() as standin:
        yield standin


@pytest.fixture
def app(fcm: FcmStandIn) -> Iterator[firebase_admin.App]:
    with fcm.firebase_app() as app:
        yield app


TRANSPORTS = ["firebase-admin", "pooled"]


@asynccontextmanager
async def open_sender(
    transport: str, app: firebase_admin.App, pool_size: int = 100
) -> AsyncIterator[PushSender]:
    """The sender ``HEARTH_FCM_TRANSPORT=<transport>`` gives the worker."""
    if transport == "firebase-admin":
        yield FcmPushSender(app, wall_clock=lambda: NOW)
        return
    pooled = PooledFcmSender(app, pool_size=pool_size, wall_clock=lambda: NOW)
    try:
        yield pooled
    finally:
        await pooled.aclose()


@pytest.fixture(params=TRANSPORTS)
async def sender(
    request: pytest.FixtureRequest, app: firebase_admin.App
) -> AsyncIterator[PushSender]:
    async with open_sender(request.param, app) as opened:
        yield opened


@pytest.fixture
def threaded_sender(app: firebase_admin.App) -> FcmPushSender:
    return FcmPushSender(app, wall_clock=lambda: NOW)


def push(device: str = "fid-1", **overrides: Any) -> PushMessage:
    fields: dict[str, Any] = {
        "device_token": device,
        "platform": Platform.ANDROID,
        "title": "New reply",
        "body": "Someone replied in your circle",
        "data": {"kind": "reply", "postId": "post-42"},
        "channel_id": "replies",
        "priority": PushPriority.HIGH,
        "collapse_key": "replies",
    }
    fields.update(overrides)
    return PushMessage(**fields)


async def test_android_message_carries_priority_ttl_collapse_key_channel_and_tag(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    message = push("fid-android", platform=Platform.ANDROID, ttl_seconds=86400)

    # when
    results = await sender.send_batch([message])

    # then
    assert results == [PushResult(PushOutcome.SENT, message_id="projects/hearth-test/messages/1")]
    sent = fcm.received_for("fid-android")[0].message
    assert sent["android"] == {
        "priority": "high",
        "ttl": "86400s",
        "collapse_key": "replies",
        "notification": {"channel_id": "replies", "tag": "replies"},
    }
    assert sent["notification"] == {
        "title": "New reply",
        "body": "Someone replied in your circle",
    }


async def test_ios_message_carries_apns_headers_thread_id_sound_and_badge(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    message = push(
        "fid-ios",
        platform=Platform.IOS,
        collapse_key="checkin",
        thread_id="circle-7",
        ttl_seconds=3600,
        badge=3,
    )

    # when
    [result] = await sender.send_batch([message])

    # then
    assert result.outcome is PushOutcome.SENT
    apns = fcm.received_for("fid-ios")[0].message["apns"]
    assert apns["headers"] == {
        "apns-priority": "10",
        "apns-push-type": "alert",
        "apns-collapse-id": "checkin",
        "apns-expiration": str(int(NOW) + 3600),
    }
    assert apns["payload"] == {"aps": {"thread-id": "circle-7", "sound": "default", "badge": 3}}


async def test_normal_priority_is_android_normal_and_apns_5_without_optional_keys(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    message = push(
        "fid-reminder",
        channel_id="checkin_reminders",
        priority=PushPriority.NORMAL,
        collapse_key=None,
        ttl_seconds=0,
    )

    # when
    await sender.send_batch([message])

    # then
    sent = fcm.received_for("fid-reminder")[0].message
    assert sent["android"] == {
        "priority": "normal",
        "ttl": "0s",
        "notification": {"channel_id": "checkin_reminders"},
    }
    assert sent["apns"]["headers"] == {
        "apns-priority": "5",
        "apns-push-type": "alert",
        "apns-expiration": "0",
    }
    assert sent["apns"]["payload"] == {"aps": {"sound": "default"}}


async def test_request_targets_the_installation_id_with_string_data_and_bearer_token(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    message = push("fid-data", data={"kind": "reply", "postId": "post-42", "count": "2"})

    # when
    await sender.send_batch([message])

    # then
    [request] = fcm.received
    assert request.path == "/v1/projects/hearth-test/messages:send"
    assert request.authorization == "Bearer test-token"
    assert request.message["fid"] == "fid-data"
    assert "token" not in request.message
    assert request.message["data"] == {"kind": "reply", "postId": "post-42", "count": "2"}
    assert all(isinstance(v, str) for v in request.message["data"].values())


async def test_mixed_batch_results_come_back_in_input_order_with_outcomes(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    scripted = {
        "fid-unregistered": UNREGISTERED,
        "fid-other-project": SENDER_ID_MISMATCH,
        "fid-malformed": INVALID_TOKEN,
        "fid-bad-payload": INVALID_PAYLOAD,
        "fid-quota": QUOTA_EXCEEDED,
        "fid-internal": INTERNAL,
        "fid-unavailable": UNAVAILABLE,
        "fid-apns-cert": THIRD_PARTY_AUTH_ERROR,
    }
    for device, answer in scripted.items():
        fcm.script(device, answer)
    devices = ["fid-ok-a", *scripted, "fid-ok-b"]

    # when
    results = await sender.send_batch([push(device) for device in devices])

    # then
    got = [(r.outcome, r.error_code) for r in results]
    assert got == [
        (PushOutcome.SENT, None),
        (PushOutcome.PRUNE_DEVICE, "UNREGISTERED"),
        (PushOutcome.PRUNE_DEVICE, "SENDER_ID_MISMATCH"),
        (PushOutcome.PRUNE_DEVICE, "INVALID_ARGUMENT"),
        (PushOutcome.FAILED, "INVALID_ARGUMENT"),
        (PushOutcome.RETRY, "QUOTA_EXCEEDED"),
        (PushOutcome.RETRY, "INTERNAL"),
        (PushOutcome.RETRY, "UNAVAILABLE"),
        (PushOutcome.FAILED, "THIRD_PARTY_AUTH_ERROR"),
        (PushOutcome.SENT, None),
    ]
    assert results[0].message_id
    assert results[-1].message_id
    assert results[0].message_id != results[-1].message_id
    assert all(r.message_id is None for r in results[1:-1])
    # FCM's 401 (bad APNs key) makes google-auth refresh and resend twice; only the
    # APNs message pays for it, and the rest of the batch is unaffected.
    assert len(fcm.received_for("fid-apns-cert")) == 3
    assert fcm.token_refreshes == 2


async def test_batch_of_1100_is_sent_as_three_send_each_calls_of_at_most_500(
    fcm: FcmStandIn, threaded_sender: FcmPushSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    chunk_sizes: list[int] = []
    real_send_each = messaging.send_each

    def spy(messages: list[messaging.Message], *args: Any, **kwargs: Any) -> Any:
        chunk_sizes.append(len(messages))
        return real_send_each(messages, *args, **kwargs)

    monkeypatch.setattr(messaging, "send_each", spy)
    fcm.script("fid-0777", UNREGISTERED)
    messages = [push(f"fid-{n:04d}") for n in range(1100)]

    # when
    results = await threaded_sender.send_batch(messages)

    # then
    assert chunk_sizes == [MAX_BATCH, MAX_BATCH, 100]
    assert len(fcm.received) == 1100
    assert {r.target for r in fcm.received} == {f"fid-{n:04d}" for n in range(1100)}
    assert len(results) == 1100
    assert results[777].outcome is PushOutcome.PRUNE_DEVICE
    assert sum(r.outcome is PushOutcome.SENT for r in results) == 1099


async def test_unreachable_fcm_makes_every_message_retry(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    fcm.stop()

    # when
    results = await sender.send_batch([push("fid-a"), push("fid-b"), push("fid-c")])

    # then
    assert [r.outcome for r in results] == [PushOutcome.RETRY] * 3
    assert {r.error_code for r in results} == {"UNAVAILABLE"}


async def test_send_each_raising_marks_the_whole_chunk_for_retry(
    threaded_sender: FcmPushSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise exceptions.UnknownError("Unknown error while making remote service calls")

    monkeypatch.setattr(messaging, "send_each", broken)

    # when
    results = await threaded_sender.send_batch([push("fid-a"), push("fid-b")])

    # then
    assert results == [PushResult(PushOutcome.RETRY, error_code="UNKNOWN")] * 2


async def test_transient_failure_is_retry_and_the_next_attempt_is_sent(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    fcm.script("fid-flaky", UNAVAILABLE, OK)

    # when
    first = await sender.send_batch([push("fid-flaky")])
    second = await sender.send_batch([push("fid-flaky")])

    # then
    assert first[0].outcome is PushOutcome.RETRY
    assert second[0].outcome is PushOutcome.SENT
    assert len(fcm.received_for("fid-flaky")) == 2


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_sender_retries_a_single_503_itself_when_http_retries_are_on(
    fcm: FcmStandIn, transport: str
) -> None:
    # given
    fcm.script("fid-flaky", UNAVAILABLE, OK)

    with fcm.firebase_app(http_retries=True) as app:
        # when
        async with open_sender(transport, app) as sender:
            [result] = await sender.send_batch([push("fid-flaky")])

    # then
    assert result.outcome is PushOutcome.SENT
    assert [r.answer for r in fcm.received_for("fid-flaky")] == [UNAVAILABLE, OK]


async def test_message_firebase_admin_cannot_encode_fails_alone(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given
    bad = push("fid-bad", data={"count": 2})  # not a string: FCM data is string-only

    # when
    results = await sender.send_batch([push("fid-good-1"), bad, push("fid-good-2")])

    # then
    assert [r.outcome for r in results] == [PushOutcome.SENT, PushOutcome.FAILED, PushOutcome.SENT]
    assert results[1].error_code == "INVALID_MESSAGE"
    assert {r.target for r in fcm.received} == {"fid-good-1", "fid-good-2"}


async def test_empty_batch_sends_nothing(fcm: FcmStandIn, sender: PushSender) -> None:
    # when
    results = await sender.send_batch([])

    # then
    assert results == []
    assert fcm.received == []


async def test_sender_logs_counts_and_never_device_identifiers(
    fcm: FcmStandIn, sender: PushSender, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    fcm.script("fid-secret-dead", UNREGISTERED)
    caplog.set_level(logging.DEBUG)

    # when
    await sender.send_batch([push("fid-secret-live"), push("fid-secret-dead")])

    # then
    summary = [r.getMessage() for r in caplog.records if r.name == "hearth.push"]
    assert any("2 messages, 1 sent, 0 retry, 1 prune, 0 failed" in line for line in summary)
    assert "fid-secret" not in caplog.text
    assert "fid-secret" not in repr(push("fid-secret-live"))


async def test_log_sender_reports_sent_and_logs_what_it_would_send(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given
    sender = LogPushSender()
    caplog.set_level(logging.INFO, logger="hearth.push")

    # when
    results = await sender.send_batch([push("fid-dev-1"), push("fid-dev-2", channel_id="dm")])

    # then
    assert results == [
        PushResult(PushOutcome.SENT, message_id="log:1"),
        PushResult(PushOutcome.SENT, message_id="log:2"),
    ]
    lines = [r.getMessage() for r in caplog.records if r.name == "hearth.push"]
    assert len(lines) == 2
    assert "channel=replies" in lines[0]
    assert "'New reply'" in lines[0]
    assert "['kind', 'postId']" in lines[0]
    assert "channel=dm" in lines[1]
    assert "fid-dev" not in caplog.text
    assert "post-42" not in caplog.text


async def test_a_retry_after_answer_says_how_long_to_wait(
    fcm: FcmStandIn, sender: PushSender
) -> None:
    # given FCM answers 503 and 429 with Retry-After (seconds, and an HTTP date)
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    fcm.script("fid-busy", replace(UNAVAILABLE, headers={"Retry-After": "90"}))
    fcm.script("fid-quota", replace(QUOTA_EXCEEDED, headers={"Retry-After": soon}))
    fcm.script("fid-plain", UNAVAILABLE)

    # when
    results = await sender.send_batch([push("fid-busy"), push("fid-quota"), push("fid-plain")])

    # then
    assert [r.outcome for r in results] == [PushOutcome.RETRY] * 3
    assert results[0].retry_after == 90
    assert results[1].retry_after is not None
    assert 100 < results[1].retry_after <= 120
    assert results[2].retry_after is None


async def test_tuned_connections_stay_within_the_pool_and_keep_firebase_admins_retries(
    fcm: FcmStandIn,
) -> None:
    # given firebase-admin as it comes (10 pooled connections, its own retries): two full
    # chunks open a connection for most messages, a TLS handshake each against real FCM
    messages = [push(f"fid-{n}") for n in range(2 * MAX_BATCH)]
    with fcm.firebase_app(http_retries=True) as app:
        await FcmPushSender(app).send_batch(messages)
    untuned = fcm.connections_opened

    # when the worker tunes the app as production does (HEARTH_FCM_POOL_SIZE)
    with fcm.firebase_app(http_retries=True) as app:
        session = messaging._get_messaging_service(app)._client.session
        retries = session.get_adapter("https://").max_retries
        tune_fcm_connections(app, 50)
        before = fcm.connections_opened
        results = await FcmPushSender(app).send_batch(messages)
        tuned = fcm.connections_opened - before
        kept = session.get_adapter("https://").max_retries

    # then every message is sent over at most 50 connections, reused across chunks
    assert [r.outcome for r in results] == [PushOutcome.SENT] * len(messages)
    assert tuned <= 50 < untuned, (tuned, untuned)
    # and firebase-admin's retry policy (500/503 retried with backoff) is unchanged
    assert (kept.total, kept.status_forcelist) == (retries.total, retries.status_forcelist)


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_an_answer_asking_to_wait_goes_back_to_the_outbox_at_once_with_productions_retries(
    fcm: FcmStandIn, transport: str
) -> None:
    # given firebase-admin's own retries, tuned as production runs them, and FCM asking
    # to come back in 30 s (a 503 or a 429 with Retry-After), or failing without asking
    wait = {"Retry-After": "30"}
    fcm.script("fid-busy", replace(UNAVAILABLE, headers=wait), OK)
    fcm.script("fid-quota", replace(QUOTA_EXCEEDED, headers=wait), OK)
    fcm.script("fid-flaky", UNAVAILABLE, OK)
    with fcm.firebase_app(http_retries=True) as app:
        tune_fcm_connections(app, 10)
        started = time.monotonic()
        # when the worker sends
        async with open_sender(transport, app, pool_size=10) as sender:
            results = await sender.send_batch(
                [push("fid-busy"), push("fid-quota"), push("fid-flaky")]
            )
        took = time.monotonic() - started

    # then what asked to wait is handed back at once with the time asked (the outbox
    # waits it, domain.notifications.rules.next_try_after), not slept on inside the
    # send, past the worker's lease (urllib3 would sleep 30 s up to 4 times)
    assert [(r.outcome, r.retry_after) for r in results[:2]] == [(PushOutcome.RETRY, 30.0)] * 2
    assert len(fcm.received_for("fid-busy")) == 1
    assert len(fcm.received_for("fid-quota")) == 1
    assert took < 10
    # and a 503 without Retry-After is still retried by firebase-admin itself
    assert results[2].outcome is PushOutcome.SENT
    assert [r.answer for r in fcm.received_for("fid-flaky")] == [UNAVAILABLE, OK]


async def test_the_pooled_sender_sends_1100_messages_over_its_pool_and_reuses_it(
    fcm: FcmStandIn, app: firebase_admin.App
) -> None:
    # given a pool of 20 connections and one device FCM no longer knows
    fcm.script("fid-0777", UNREGISTERED)
    messages = [push(f"fid-{n:04d}") for n in range(1100)]

    async with open_sender("pooled", app, pool_size=20) as sender:
        # when it sends them, and then a second batch
        results = await sender.send_batch(messages)
        again = await sender.send_batch(messages[:100])

    # then each message reached FCM once, its result is in input order, and every
    # request went over the same 20 connections (a TLS handshake each against real FCM)
    assert len(fcm.received) == 1200
    assert {r.target for r in fcm.received} == {f"fid-{n:04d}" for n in range(1100)}
    assert [r.outcome for r in results].count(PushOutcome.SENT) == 1099
    assert results[777].outcome is PushOutcome.PRUNE_DEVICE
    assert len({r.message_id for r in results if r.message_id}) == 1099
    assert [r.outcome for r in again] == [PushOutcome.SENT] * 100
    assert fcm.connections_opened <= 20


async def test_the_pooled_sender_sends_firebase_admins_own_headers(
    fcm: FcmStandIn, app: firebase_admin.App
) -> None:
    # given the same message through both transports
    for transport in TRANSPORTS:
        async with open_sender(transport, app) as sender:
            await sender.send_batch([push(f"fid-{transport}")])

    # then FCM sees the same API version, client and metrics headers and the same body
    threaded, pooled = (fcm.received_for(f"fid-{t}")[0] for t in TRANSPORTS)
    for name in ("X-GOOG-API-FORMAT-VERSION", "X-FIREBASE-CLIENT", "x-goog-api-client"):
        assert pooled.headers.get(name) == threaded.headers.get(name) is not None, name
    assert pooled.authorization == threaded.authorization == "Bearer test-token"
    assert {**pooled.message, "fid": ""} == {**threaded.message, "fid": ""}


async def test_without_credentials_that_refresh_nothing_is_sent_and_the_batch_waits_to_retry(
    fcm: FcmStandIn,
) -> None:
    # given an app whose access token is missing and cannot be refreshed
    with fcm.firebase_app() as app:
        credential = messaging._get_messaging_service(app)._credential
        credential.token = None
        credential._refresh_handler = None

        # when the pooled sender sends
        async with open_sender("pooled", app) as sender:
            results = await sender.send_batch([push("fid-a"), push("fid-b")])

    # then nothing reached FCM and both go back to the outbox, which tries again later
    assert fcm.received == []
    assert results == [PushResult(PushOutcome.RETRY, error_code="CREDENTIALS_REFRESH_FAILED")] * 2


async def test_what_fcm_leaves_unanswered_past_the_batch_deadline_goes_back_to_the_outbox(
    fcm: FcmStandIn, app: firebase_admin.App
) -> None:
    # given FCM answering one device only after 5 s, and a batch deadline of 0.5 s
    fcm.script("fid-hung", replace(OK, delay=5.0))
    sender = PooledFcmSender(app, batch_deadline=0.5, wall_clock=lambda: NOW)
    try:
        started = time.monotonic()
        # when the worker sends it with two others
        results = await sender.send_batch([push("fid-a"), push("fid-hung"), push("fid-b")])
        took = time.monotonic() - started
    finally:
        await sender.aclose()

    # then the batch ends at its deadline: the answered ones are sent, and the hung one
    # goes back to the outbox to be tried again, instead of holding the batch
    assert took < 3
    assert [r.outcome for r in results] == [PushOutcome.SENT, PushOutcome.RETRY, PushOutcome.SENT]
    assert results[1].error_code == "DEADLINE_EXCEEDED"


async def test_an_accepted_message_whose_answer_has_no_name_is_sent_and_the_batch_goes_on(
    fcm: FcmStandIn, app: firebase_admin.App
) -> None:
    # given FCM accepting two messages with bodies that carry no message name
    fcm.script("fid-empty", Answer(200, {}, label="OK without a name"))
    fcm.script("fid-odd", Answer(200, ["not", "an", "object"], label="OK, odd body"))  # type: ignore[arg-type]

    # when the pooled sender sends them with another
    async with open_sender("pooled", app) as sender:
        results = await sender.send_batch([push("fid-empty"), push("fid-odd"), push("fid-ok")])

    # then all three were accepted: none is sent again, and the batch is not failed
    assert [r.outcome for r in results] == [PushOutcome.SENT] * 3
    assert [r.message_id is None for r in results] == [True, True, False]
