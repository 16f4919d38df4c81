"""Push senders: Firebase Cloud Messaging for real, a logger for development.

:class:`FcmPushSender` drives the real firebase-admin client (pinned to 7.7.0 in
``pyproject.toml``). It targets devices by **Firebase Installation ID**
(``Message.fid``): see :mod:`domain.notifications.push` for why Hearth stores FIDs
rather than legacy registration tokens (``Message.token`` is deprecated in
firebase-admin 7.5+).

Every message carries both the Android and the APNs block; FCM applies the one that
matches the target installation, so a stale ``platform`` value cannot silently drop
the notification channel or the collapse id.

How FCM answers map to :class:`~domain.notifications.push.PushOutcome`:

==========================================================  ================
answer                                                      outcome
==========================================================  ================
success                                                     ``SENT``
``UnregisteredError`` (404 UNREGISTERED)                    ``PRUNE_DEVICE``
``SenderIdMismatchError`` (403 SENDER_ID_MISMATCH)          ``PRUNE_DEVICE``
``InvalidArgumentError`` about the device identifier        ``PRUNE_DEVICE``
``InvalidArgumentError`` about anything else (the payload)  ``FAILED``
``QuotaExceededError``, ``ResourceExhaustedError`` (429)    ``RETRY``
``UnavailableError``, ``InternalError``,                    ``RETRY``
``DeadlineExceededError``, transport failures
the whole ``send_each`` call raising                        ``RETRY`` (chunk)
a message firebase-admin refuses to encode                  ``FAILED``
anything else (``ThirdPartyAuthError``, 401, 403, ...)      ``FAILED``
==========================================================  ================

A 400 INVALID_ARGUMENT is ambiguous: FCM uses it both for a malformed device
identifier and for a malformed payload. Pruning on every 400 would let one payload
bug wipe every member's devices, so the device is pruned only when FCM says the
problem is the target: the message "The registration token is not a valid FCM
registration token", or a ``google.rpc.BadRequest`` field violation on
``message.token`` / ``message.fid``.

Device identifiers are never logged; the sender logs counts per outcome.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

import firebase_admin
import requests
from firebase_admin import exceptions, messaging
from urllib3.util.retry import Retry

from domain.notifications.push import (
    MAX_BATCH,
    PushMessage,
    PushOutcome,
    PushPriority,
    PushResult,
    PushSender,
)
from infra.push.fcm_errors import to_result

logger = logging.getLogger("hearth.push")

_ANDROID_PRIORITY = {PushPriority.HIGH: "high", PushPriority.NORMAL: "normal"}
_APNS_PRIORITY = {PushPriority.HIGH: "10", PushPriority.NORMAL: "5"}

_T = TypeVar("_T")


class FcmPushSender:
    """Sends through FCM with the given firebase-admin app.

    The app (credentials, project id, HTTP timeout) is built and owned by the caller;
    nothing touches Firebase until the first :meth:`send_batch`. firebase-admin is a
    blocking client, so each chunk of at most :data:`MAX_BATCH` messages runs in a
    worker thread via :func:`asyncio.to_thread` (``send_each`` itself fans the chunk
    out over its own thread pool, one HTTP/1.1 request per message).

    ``wall_clock`` (epoch seconds) is only used to turn ``ttl_seconds`` into the
    absolute ``apns-expiration`` header.
    """

    def __init__(
        self,
        app: firebase_admin.App,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._app = app
        self._wall_clock = wall_clock

    async def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        results: list[PushResult | None] = [None] * len(messages)
        encodable: list[tuple[int, messaging.Message]] = []
        for index, message in enumerate(messages):
            fcm_message = to_fcm_message(message, self._wall_clock)
            try:
                # firebase-admin's own encoder and validators: one bad message must not
                # fail its chunk (send_each encodes every message before sending any)
                str(fcm_message)
            except (ValueError, TypeError) as error:
                results[index] = refused_to_encode(message, error)
            else:
                encodable.append((index, fcm_message))

        for chunk in _chunks(encodable, MAX_BATCH):
            chunk_results = await asyncio.to_thread(self._send_chunk, [m for _, m in chunk])
            for (index, _), result in zip(chunk, chunk_results, strict=True):
                results[index] = result

        final = [r for r in results if r is not None]
        assert len(final) == len(messages)
        log_counts(final, "fcm")
        return final

    def _send_chunk(self, chunk: list[messaging.Message]) -> list[PushResult]:
        try:
            batch = messaging.send_each(chunk, app=self._app)
        except Exception as error:  # the whole call failed: nothing is known to be sent
            logger.warning(
                "fcm send_each failed for a chunk of %d messages (%s); all marked for retry",
                len(chunk),
                type(error).__name__,
            )
            code = error.code if isinstance(error, exceptions.FirebaseError) else "SEND_FAILED"
            return [PushResult(PushOutcome.RETRY, error_code=code) for _ in chunk]
        return [to_result(response) for response in batch.responses]


def to_fcm_message(message: PushMessage, wall_clock: Callable[[], float]) -> messaging.Message:
    """The firebase-admin message for ``message`` (both the Android and the APNs block).

    ``wall_clock`` (epoch seconds) turns ``ttl_seconds`` into the absolute
    ``apns-expiration`` header. Nothing is validated here: firebase-admin's encoder
    does that (:func:`refused_to_encode` logs a message it refuses).
    """
    apns_headers = {
        "apns-priority": _APNS_PRIORITY[message.priority],
        "apns-push-type": "alert",
        # 0 tells APNs to try once and not store the notification.
        "apns-expiration": (
            "0" if message.ttl_seconds == 0 else str(int(wall_clock()) + message.ttl_seconds)
        ),
    }
    tag = message.tag or message.collapse_key
    if tag is not None:
        apns_headers["apns-collapse-id"] = tag
    return messaging.Message(
        fid=message.device_token,
        data=dict(message.data),
        notification=messaging.Notification(title=message.title, body=message.body),
        android=messaging.AndroidConfig(
            priority=_ANDROID_PRIORITY[message.priority],
            ttl=message.ttl_seconds,
            collapse_key=message.collapse_key,
            notification=messaging.AndroidNotification(
                channel_id=message.channel_id,
                tag=tag,
            ),
        ),
        apns=messaging.APNSConfig(
            headers=apns_headers,
            payload=messaging.APNSPayload(
                aps=messaging.Aps(
                    thread_id=message.thread_id,
                    sound="default",
                    badge=message.badge,
                )
            ),
        ),
    )


def refused_to_encode(message: PushMessage, error: Exception) -> PushResult:
    """Log a message firebase-admin's encoder refused (never its field values, which
    the error text can quote) and return its FAILED result."""
    logger.error(
        "fcm refused to encode a %s message on channel %r (%s)",
        message.platform,
        message.channel_id,
        type(error).__name__,
    )
    return PushResult(PushOutcome.FAILED, error_code="INVALID_MESSAGE")


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def log_counts(results: Sequence[PushResult], sender: str) -> None:
    counts = Counter(result.outcome for result in results)
    errors = Counter(result.error_code for result in results if result.error_code)
    logger.info(
        "push batch via %s: %d messages, %d sent, %d retry, %d prune, %d failed; errors %s",
        sender,
        len(results),
        counts[PushOutcome.SENT],
        counts[PushOutcome.RETRY],
        counts[PushOutcome.PRUNE_DEVICE],
        counts[PushOutcome.FAILED],
        dict(errors),
    )


class LogPushSender:
    """Development stand-in: logs what it would send and reports every message as sent.

    Logs the platform, channel, priority, collapse key, title and data keys (not the
    data values, which may hold ids, and never the device identifier). The title is
    lock-screen text that callers have already made safe.
    """

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    async def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        results: list[PushResult] = []
        for message in messages:
            message_id = f"log:{next(self._counter)}"
            logger.info(
                "push (not sent, log sender) %s: platform=%s channel=%s priority=%s "
                "collapse_key=%s title=%r data_keys=%s",
                message_id,
                message.platform,
                message.channel_id,
                message.priority,
                message.collapse_key,
                message.title,
                sorted(message.data),
            )
            results.append(PushResult(PushOutcome.SENT, message_id=message_id))
        return results


def disable_http_retries(app: firebase_admin.App, *, pool_maxsize: int = 100) -> None:
    """Turn off urllib3's retries for this app's FCM calls (plain-HTTP endpoints only).

    firebase-admin retries 500/503 answers four times with backoff (about 7 s per
    failing message). Tests talking to a loopback stand-in over ``http://`` mount a
    no-retry adapter so a scripted 503 comes back at once. Production, which talks
    ``https://fcm.googleapis.com``, is unaffected.
    """
    service = messaging._get_messaging_service(app)
    adapter = requests.adapters.HTTPAdapter(
        max_retries=0, pool_connections=pool_maxsize, pool_maxsize=pool_maxsize
    )
    service._client.session.mount("http://", adapter)


class _SkipNetrc(requests.auth.AuthBase):
    """Set as the session's ``auth`` so requests stops reading ``~/.netrc`` on every
    call (it does when a session has no auth of its own; google-auth's session
    authorises through headers instead). Leaves the request as it is."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


class _RetryUnlessAskedToWait(Retry):
    """firebase-admin's retry policy, except for an answer that says when to come back
    (a 503 or 429 with ``Retry-After``): that one is returned at once, and the outbox
    waits as asked (``domain.notifications.rules.next_try_after``). urllib3 would
    otherwise sleep the asked time inside the send, up to 4 times (2 minutes for
    ``Retry-After: 30``), holding the whole batch past the worker's lease, after which
    another worker may claim and send it a second time."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return not has_retry_after and super().is_retry(method, status_code, has_retry_after)


def _unless_asked_to_wait(policy: Retry | int | None) -> Retry:
    if not isinstance(policy, Retry):
        policy = Retry.from_int(policy)
    return _RetryUnlessAskedToWait(
        total=policy.total,
        connect=policy.connect,
        read=policy.read,
        redirect=policy.redirect,
        status=policy.status,
        other=policy.other,
        allowed_methods=policy.allowed_methods,
        status_forcelist=policy.status_forcelist,
        backoff_factor=policy.backoff_factor,
        backoff_max=policy.backoff_max,
        raise_on_redirect=policy.raise_on_redirect,
        raise_on_status=policy.raise_on_status,
        respect_retry_after_header=policy.respect_retry_after_header,
        backoff_jitter=policy.backoff_jitter,
    )


def tune_fcm_connections(app: firebase_admin.App, pool_size: int) -> None:
    """Size the FCM connection pools for ``send_each``'s fan-out, keeping firebase-admin's
    retry policy but for answers with ``Retry-After`` (:class:`_RetryUnlessAskedToWait`).

    firebase-admin mounts requests' default adapters (10 pooled connections per host),
    while ``send_each`` sends a chunk of up to 500 messages from as many threads: the
    connections beyond 10 are opened for one request and thrown away ("Connection pool is
    full, discarding connection"), a new TCP and TLS handshake each in production. This
    keeps at most ``pool_size`` connections to FCM, reused from chunk to chunk (a thread
    waits for a free one rather than opening another), and stops requests' per-call ``~/.netrc``
    lookups (a filesystem check per message, 12% of the worker's samples in a py-spy
    profile of ``bench/notifications.py``).

    Library internals: firebase-admin's ``_get_messaging_service(app)._client.session``
    (pinned exactly in pyproject.toml; ``tests/unit/test_library_pins.py`` fails loudly
    on another version). ``HEARTH_FCM_POOL_SIZE=0`` leaves firebase-admin as it is.
    """
    session = messaging._get_messaging_service(app)._client.session
    for prefix in ("https://", "http://"):
        current = session.get_adapter(prefix)
        session.mount(
            prefix,
            requests.adapters.HTTPAdapter(
                max_retries=_unless_asked_to_wait(current.max_retries),
                pool_connections=4,
                pool_maxsize=pool_size,
                pool_block=True,
            ),
        )
    session.auth = _SkipNetrc()


if TYPE_CHECKING:  # mypy proves both adapters satisfy the port

    def _implements_port(app: firebase_admin.App) -> tuple[PushSender, PushSender]:
        return FcmPushSender(app), LogPushSender()
