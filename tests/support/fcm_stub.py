"""A loopback stand-in for the FCM v1 HTTP endpoint, for testing the real firebase-admin.

No test machine reaches Google, yet push tests must run firebase-admin's own code
(message encoding, HTTP, error mapping), not a mock of it. This module serves
``POST /v1/projects/<project>/messages:send`` on 127.0.0.1, records every request and
answers the way FCM does, per target device, as a test scripts it.

Usage::

    from tests.support.fcm_stub import fcm_standin, UNREGISTERED, UNAVAILABLE, OK

    with fcm_standin() as fcm, fcm.firebase_app() as app:
        fcm.script("fid-dead", UNREGISTERED)
        fcm.script("fid-flaky", UNAVAILABLE, OK)   # fail once, then succeed
        sender = FcmPushSender(app)
        ...
        assert fcm.received[0].authorization == "Bearer test-token"
        assert fcm.received[0].message["android"]["ttl"] == "86400s"

Unscripted targets get ``OK``. Scripted answers are used in order; the last one
repeats. A request without an ``Authorization`` header gets 401, as FCM would.

``firebase_app()`` makes a firebase-admin app whose messaging service posts to the
stand-in: ``google.oauth2.credentials.Credentials(token="test-token")`` (sent as
``Bearer test-token``; no OAuth traffic) whose ``refresh_handler`` hands back the same
token, the private
``messaging._MessagingService.FCM_URL`` patched only while the service is created
(it is read once, in ``__init__``, then restored), and urllib3 retries off unless
``http_retries=True`` (firebase-admin otherwise retries 500/503 four times with
backoff). On exit the app is deleted.

Why the refresh handler: FCM answers THIRD_PARTY_AUTH_ERROR (a bad APNs key) with
HTTP 401, and google-auth's ``AuthorizedSession`` treats every 401 as "my access
token went stale": it refreshes the credentials and re-sends, twice. A bare
``Credentials(token=...)`` cannot refresh and raises ``RefreshError``, which is not a
``requests`` error, so it escapes ``send_each``'s per-message handling and fails the
whole batch. With the handler the stand-in sees what FCM would see in production: the
message three times, then a ``ThirdPartyAuthError`` for it alone.
``FcmStandIn.token_refreshes`` counts the refreshes.

Use these as context managers inside sync fixtures (or ``with`` blocks in tests);
teardown deletes the app in a helper thread because firebase-admin closes its
async HTTP client with ``asyncio.run``, which must not run on the test's event loop.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

import firebase_admin
import google.oauth2.credentials
from firebase_admin import messaging

from infra.push.fcm import disable_http_retries

FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
TEST_ACCESS_TOKEN = "test-token"


@dataclass(frozen=True)
class Answer:
    """One scripted HTTP answer. ``body=None`` means success with a fresh message name."""

    status: int
    body: Mapping[str, Any] | None = None
    label: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds the stand-in waits before answering (a slow or hung FCM)."""

    def __repr__(self) -> str:
        return f"Answer({self.label or self.status})"


def fcm_error(
    http_status: int,
    status: str,
    message: str,
    fcm_code: str | None = None,
    *,
    field_violation: str | None = None,
) -> Answer:
    """An error in the shape real FCM v1 sends (``google.rpc.Status`` + FcmError detail)."""
    details: list[dict[str, Any]] = []
    if fcm_code is not None:
        details.append({"@type": FCM_ERROR_TYPE, "errorCode": fcm_code})
    if field_violation is not None:
        details.append(
            {
                "@type": BAD_REQUEST_TYPE,
                "fieldViolations": [{"field": field_violation, "description": message}],
            }
        )
    body = {"error": {"code": http_status, "message": message, "status": status}}
    if details:
        body["error"]["details"] = details
    return Answer(http_status, body, label=fcm_code or status)


OK = Answer(200, None, label="OK")
UNREGISTERED = fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
SENDER_ID_MISMATCH = fcm_error(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH")
QUOTA_EXCEEDED = fcm_error(
    429,
    "RESOURCE_EXHAUSTED",
    "Quota exceeded for quota metric 'Send requests' of service 'fcm.googleapis.com'.",
    "QUOTA_EXCEEDED",
)
INVALID_TOKEN = fcm_error(
    400,
    "INVALID_ARGUMENT",
    "The registration token is not a valid FCM registration token",
    "INVALID_ARGUMENT",
)
"""What FCM answers for a malformed or foreign device identifier: prune the device."""
INVALID_PAYLOAD = fcm_error(
    400,
    "INVALID_ARGUMENT",
    "Invalid value at 'message.android.notification.channel_id' (TYPE_STRING)",
    "INVALID_ARGUMENT",
    field_violation="message.android.notification.channel_id",
)
"""A 400 about the message body, not the device: the device must be kept."""
THIRD_PARTY_AUTH_ERROR = fcm_error(
    401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service", "THIRD_PARTY_AUTH_ERROR"
)
INTERNAL = fcm_error(500, "INTERNAL", "Internal error encountered.", "INTERNAL")
UNAVAILABLE = fcm_error(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE")


@dataclass(frozen=True)
class Received:
    """One request as the stand-in saw it."""

    path: str
    authorization: str | None
    headers: Mapping[str, str]
    body: Mapping[str, Any]
    answer: Answer = field(repr=False)
    at: float = field(default_factory=time.monotonic, repr=False)
    """When it arrived (``time.monotonic()``)."""

    @property
    def message(self) -> Mapping[str, Any]:
        """The FCM ``message`` object of the request body."""
        message: Mapping[str, Any] = self.body["message"]
        return message

    @property
    def target(self) -> str | None:
        """The device the request was addressed to (``fid`` or legacy ``token``)."""
        return self.message.get("fid") or self.message.get("token")


class FcmStandIn:
    """The running stand-in. Build it with :func:`fcm_standin`."""

    def __init__(self, project_id: str = "hearth-test") -> None:
        self.project_id = project_id
        self.received: list[Received] = []
        self._scripts: dict[str, list[Answer]] = {}
        self._outage: tuple[float, itertools.cycle[Answer]] | None = None
        self._lock = threading.Lock()
        self._names = itertools.count(1)
        self._connections: set[socket.socket] = set()
        self.connections_opened = 0
        """TCP connections accepted so far (each would be a TLS handshake with real FCM)."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.standin = self
        self._thread: threading.Thread | None = None
        self.token_refreshes = 0

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url_template(self) -> str:
        """A value for ``messaging._MessagingService.FCM_URL`` (``{0}`` is the project id)."""
        return f"http://127.0.0.1:{self.port}/v1/projects/{{0}}/messages:send"

    def script(self, target: str, *answers: Answer) -> None:
        """Answer requests for ``target`` with ``answers`` in order; the last one repeats."""
        if not answers:
            raise ValueError("script() needs at least one answer")
        with self._lock:
            self._scripts[target] = list(answers)

    def refuse_all(self, seconds: float, *answers: Answer) -> float:
        """Answer every request with ``answers`` in turn (whatever the target or its
        script) for ``seconds`` from now: an outage or throttling of the whole service.
        Returns when it ends (``time.monotonic()``)."""
        if not answers:
            raise ValueError("refuse_all() needs at least one answer")
        until = time.monotonic() + seconds
        with self._lock:
            self._outage = (until, itertools.cycle(answers))
        return until

    def received_for(self, target: str) -> list[Received]:
        return [r for r in self.received if r.target == target]

    def clear(self) -> None:
        """Forget recorded requests (scripts stay)."""
        with self._lock:
            self.received.clear()

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fcm-standin", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and cut open keep-alive connections: later sends are refused."""
        if self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        self._thread = None

    @contextmanager
    def firebase_app(
        self, *, name: str | None = None, http_retries: bool = False
    ) -> Iterator[firebase_admin.App]:
        """A firebase-admin app whose messaging service talks to this stand-in."""
        credential = google.oauth2.credentials.Credentials(
            token=TEST_ACCESS_TOKEN, refresh_handler=self._refresh_access_token
        )
        app = firebase_admin.initialize_app(
            credential,  # type: ignore[arg-type]  # firebase-admin accepts google-auth creds
            {"projectId": self.project_id},
            name=name or f"fcm-standin-{uuid.uuid4().hex[:8]}",
        )
        try:
            # FCM_URL is read once, when the app's messaging service is created.
            with mock.patch.object(messaging._MessagingService, "FCM_URL", self.url_template):
                messaging._get_messaging_service(app)
            if not http_retries:
                disable_http_retries(app)
            yield app
        finally:
            # _MessagingService.close() calls asyncio.run(): keep it off any running loop.
            closer = threading.Thread(target=firebase_admin.delete_app, args=(app,))
            closer.start()
            closer.join(timeout=10)

    def _refresh_access_token(self, request: object, scopes: object) -> tuple[str, datetime]:
        with self._lock:
            self.token_refreshes += 1
        # google-auth compares against a naive UTC "now".
        return TEST_ACCESS_TOKEN, datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1)

    # -- used by the request handler ------------------------------------------------

    def _answer_for(self, target: str | None) -> Answer:
        with self._lock:
            if self._outage is not None and time.monotonic() < self._outage[0]:
                return next(self._outage[1])
            answers = self._scripts.get(target or "")
            if not answers:
                return OK
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def _record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def _next_name(self) -> str:
        with self._lock:
            return f"projects/{self.project_id}/messages/{next(self._names)}"


@contextmanager
def fcm_standin(project_id: str = "hearth-test") -> Iterator[FcmStandIn]:
    """Run an FCM v1 stand-in on a free loopback port for the duration of the block."""
    standin = FcmStandIn(project_id)
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # send_each opens up to 500 connections at once
    standin: FcmStandIn


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.standin._lock:
            self.server.standin._connections.add(self.connection)
            self.server.standin.connections_opened += 1

    def finish(self) -> None:
        with self.server.standin._lock:
            self.server.standin._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        standin = self.server.standin
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        authorization = self.headers.get("Authorization")
        expected_path = f"/v1/projects/{standin.project_id}/messages:send"
        message = body.get("message") if isinstance(body, dict) else None
        target = None
        if isinstance(message, dict):
            target = message.get("fid") or message.get("token")

        if self.path != expected_path:
            answer = Answer(404, {"error": {"code": 404, "message": "Not Found"}}, "BAD_PATH")
        elif not authorization:
            answer = fcm_error(401, "UNAUTHENTICATED", "Request is missing credentials.")
        else:
            answer = standin._answer_for(target)
        standin._record(
            Received(
                path=self.path,
                authorization=authorization,
                headers=dict(self.headers.items()),
                body=body,
                answer=answer,
            )
        )
        if answer.delay:
            time.sleep(answer.delay)  # this connection's own thread
        payload = answer.body if answer.body is not None else {"name": standin._next_name()}
        data = json.dumps(payload).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
