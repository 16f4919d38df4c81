"""FCM v1 from the event loop, over a bounded pool of keep-alive connections (aiohttp).

:class:`PooledFcmSender` is the worker's default sender (``HEARTH_FCM_TRANSPORT=pooled``).
firebase-admin still does everything but the transport:

- it builds and validates each message (:func:`infra.push.fcm.to_fcm_message`, then its
  own encoder, ``_MessagingService.encode_message``);
- it supplies the URL, the headers it sends and the credentials (the access token is
  refreshed in a thread when it is stale, as google-auth's session does);
- it turns every error answer into its own exception, from an equivalent ``requests``
  response (``_MessagingService._handle_fcm_error``), so that
  :func:`infra.push.fcm_errors.to_result` classifies it exactly as it classifies
  ``send_each``'s answers.

What changes is that the messages go out from the worker's event loop, at most
``pool_size`` at a time over as many reused HTTP/1.1 connections, instead of from a
thread per message through ``requests``. ``bench/notifications.py`` measured the threaded
``send_each`` at about 1.3 ms of worker CPU per push; see docs/performance.md for this
sender's figures.

Like ``send_each`` with production's tuning (:func:`infra.push.fcm.tune_fcm_connections`),
it keeps the app's HTTP retry policy (firebase-admin's: 500 and 503 answers retried up to
4 times with exponential backoff, one retry after a failed connection or read), except for
an answer with ``Retry-After``, which goes back to the outbox at once with the time asked.
An answer of 401 makes it refresh the access token and send again, at most twice, as
google-auth's session does (FCM also answers 401 for a bad APNs key).

Library internals (firebase-admin is pinned exactly; ``tests/unit/test_library_pins.py``
fails loudly on another version): ``messaging._get_messaging_service(app)`` and its
``_fcm_url``, ``_fcm_headers``, ``_credential``, ``_client.timeout``,
``_client.session`` (for the app's retry policy) and ``_handle_fcm_error``;
``firebase_admin._http_client.METRICS_HEADERS``. ``HEARTH_FCM_TRANSPORT=firebase-admin``
turns this sender off in favour of :class:`infra.push.fcm.FcmPushSender`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
import firebase_admin
import google.auth.transport.requests
import orjson
import requests
from firebase_admin import _http_client, messaging
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

from domain.notifications.push import PushMessage, PushOutcome, PushResult, PushSender
from infra.push.fcm import log_counts, refused_to_encode, to_fcm_message
from infra.push.fcm_errors import to_result

logger = logging.getLogger("hearth.push")

_MAX_REFRESHES = 2
"""Token refreshes per message on 401, as google-auth's ``AuthorizedSession``."""

_UNANSWERED = PushResult(PushOutcome.RETRY, error_code="DEADLINE_EXCEEDED")
"""A message still unanswered at the batch's deadline. FCM may have taken it; it is sent
again later (at least once), rather than the whole batch outliving the worker's lease
and being claimed and sent again by another worker."""

_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")

_NO_CREDENTIALS = PushResult(PushOutcome.RETRY, error_code="CREDENTIALS_REFRESH_FAILED")
"""Without a fresh access token nothing can be sent, and it is no message's fault: the
outbox tries again later (``send_each`` raised for the whole chunk, with the same result)."""


class PooledFcmSender:
    """Sends through FCM with the given firebase-admin app, from the running event loop.

    The connection pool is opened on the first :meth:`send_batch` (in the loop that
    sends) and closed by :meth:`aclose`. ``batch_deadline`` (seconds; the worker gives
    half its lease) bounds a whole :meth:`send_batch`: what FCM has not answered by then
    goes back to the outbox as RETRY (``DEADLINE_EXCEEDED``), so that a slow or hung FCM
    cannot hold a batch past the lease, when another worker would claim and send it all
    again.
    """

    def __init__(
        self,
        app: firebase_admin.App,
        *,
        pool_size: int = 100,
        batch_deadline: float | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        service = messaging._get_messaging_service(app)
        self._service = service
        self._url: str = service._fcm_url
        self._headers = {
            **service._fcm_headers,
            **_http_client.METRICS_HEADERS,
            "Content-Type": "application/json; charset=utf-8",
        }
        self._credential: Any = service._credential
        self._timeout = aiohttp.ClientTimeout(total=service._client.timeout)
        policy = service._client.session.get_adapter(self._url).max_retries
        self._retry = policy if isinstance(policy, Retry) else Retry.from_int(policy)
        self._pool_size = max(1, pool_size)
        self._batch_deadline = batch_deadline
        self._wall_clock = wall_clock
        self._session: aiohttp.ClientSession | None = None
        self._refreshing = asyncio.Lock()
        self._auth_request = google.auth.transport.requests.Request()

    async def aclose(self) -> None:
        """Close the pooled connections (the worker's shutdown)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        results: list[PushResult | None] = [None] * len(messages)
        bodies: list[tuple[int, bytes]] = []
        for index, message in enumerate(messages):
            try:
                encoded = self._service.encode_message(to_fcm_message(message, self._wall_clock))
            except (ValueError, TypeError) as error:
                results[index] = refused_to_encode(message, error)
            else:
                bodies.append((index, orjson.dumps({"message": encoded})))
        if bodies and not self._credential.valid and not await self._refresh(None):
            for index, _ in bodies:
                results[index] = _NO_CREDENTIALS
            bodies = []
        if bodies:
            pending = iter(bodies)
            senders = min(self._pool_size, len(bodies))
            try:
                async with asyncio.timeout(self._batch_deadline):
                    await asyncio.gather(
                        *(self._send_each(pending, results) for _ in range(senders))
                    )
            except TimeoutError:
                unanswered = sum(result is None for result in results)
                logger.warning(
                    "fcm left %d of %d messages unanswered within the batch's %.0f s; "
                    "they go back to the outbox",
                    unanswered,
                    len(messages),
                    self._batch_deadline,
                )
                results = [_UNANSWERED if result is None else result for result in results]
        final = [r for r in results if r is not None]
        assert len(final) == len(messages)
        log_counts(final, "fcm-pooled")
        return final

    async def _send_each(
        self, pending: Iterator[tuple[int, bytes]], results: list[PushResult | None]
    ) -> None:
        """One of the ``pool_size`` senders of a batch: sends until none is left."""
        for index, body in pending:
            results[index] = await self._send_one(body)

    async def _send_one(self, body: bytes) -> PushResult:
        status_retries = _budget(self._retry, "status")
        transport_retries = _budget(self._retry, "connect")
        refreshes = 0
        failures = 0
        while True:
            if not self._credential.valid and not await self._refresh(None):
                return _NO_CREDENTIALS
            headers = dict(self._headers)
            # google-auth's own headers (the token, its metrics); no I/O while it is valid
            self._credential.before_request(self._auth_request, "POST", self._url, headers)
            token = self._credential.token
            try:
                status, answer_headers, answer = await self._post(body, headers)
            except (aiohttp.ClientError, OSError, TimeoutError) as error:
                if transport_retries > 0:
                    transport_retries -= 1
                    continue
                return self._transport_failure(error)
            if 200 <= status < 300:  # accepted, whatever the body says
                return PushResult(PushOutcome.SENT, message_id=_message_name(answer))
            if status == 401 and refreshes < _MAX_REFRESHES:
                refreshes += 1
                if not await self._refresh(token):
                    return _NO_CREDENTIALS
                continue
            retried = status in (self._retry.status_forcelist or ())
            # an answer that says when to come back goes back to the outbox at once
            if retried and status_retries > 0 and "Retry-After" not in answer_headers:
                status_retries -= 1
                failures += 1
                await asyncio.sleep(_backoff(self._retry, failures))
                continue
            return self._error_answer(status, answer_headers, answer)

    async def _post(self, body: bytes, headers: dict[str, str]) -> tuple[int, Any, bytes]:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0),
                timeout=self._timeout,
                skip_auto_headers=("User-Agent",),
                # an egress proxy is honoured as requests honours it; without one, no
                # per-request proxy or ~/.netrc lookups
                trust_env=any(os.environ.get(name) for name in _PROXY_VARIABLES),
            )
        async with self._session.post(self._url, data=body, headers=headers) as response:
            return response.status, response.headers, await response.read()

    async def _refresh(self, stale_token: str | None) -> bool:
        """Refresh the access token unless another sender already replaced ``stale_token``;
        False when the credentials cannot be refreshed (logged without their details)."""
        async with self._refreshing:
            if stale_token is not None and self._credential.token != stale_token:
                return True
            try:
                await asyncio.to_thread(self._credential.refresh, self._auth_request)
            except Exception as error:  # google-auth raises RefreshError, or a transport error
                logger.error("fcm access token refresh failed (%s)", type(error).__name__)
                return False
            return True

    def _error_answer(self, status: int, headers: Any, body: bytes) -> PushResult:
        """firebase-admin's exception for this answer, classified as for ``send_each``."""
        response = requests.Response()
        response.status_code = status
        response._content = body
        response.headers = CaseInsensitiveDict(dict(headers))
        response.encoding = "utf-8"
        response.url = self._url
        error = requests.exceptions.HTTPError(f"{status} answer from FCM", response=response)
        return to_result(messaging.SendResponse(None, self._service._handle_fcm_error(error)))

    def _transport_failure(self, error: BaseException) -> PushResult:
        """No answer (refused, reset, timed out): as ``requests`` would have raised it."""
        cause: requests.exceptions.RequestException = (
            requests.exceptions.Timeout(str(error))
            if isinstance(error, TimeoutError)
            else requests.exceptions.ConnectionError(str(error))
        )
        return to_result(messaging.SendResponse(None, self._service._handle_fcm_error(cause)))


def _message_name(body: bytes) -> str | None:
    """FCM's name for an accepted message, or None if the body does not carry one (the
    message was still accepted: it must not be retried, or the whole batch fail)."""
    try:
        name = orjson.loads(body).get("name")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def _budget(policy: Retry, kind: str) -> int:
    """How many retries of ``kind`` ("status", "connect") the policy allows in all."""
    if policy.total is False:
        return 0
    limits = [v for v in (policy.total, getattr(policy, kind)) if v is not None]
    return max(0, min(int(v) for v in limits)) if limits else 0


def _backoff(policy: Retry, failures: int) -> float:
    """urllib3's backoff before the retry after ``failures`` consecutive failures."""
    if failures <= 1:
        return 0.0
    return float(min(policy.backoff_max, policy.backoff_factor * (2 ** (failures - 1))))


if TYPE_CHECKING:  # mypy proves the adapter satisfies the port

    def _implements_port(app: firebase_admin.App) -> PushSender:
        return PooledFcmSender(app)
