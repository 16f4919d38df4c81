"""The push-notification port.

The domain decides *what* to tell a device (lock-screen-safe title and body, a data
payload, how urgent it is, what it replaces); an adapter behind :class:`PushSender`
decides *how* (Firebase Cloud Messaging in production, a log line in development).

Which device identifier Hearth stores
-------------------------------------
``PushMessage.device_token`` holds the **Firebase Installation ID (FID)** that the
app's FCM SDK hands over in its ``onRegistered`` callback (Android
``FirebaseMessagingService.onRegistered``, iOS ``messaging(_:didReceiveRegistration:)``,
web ``onRegistered``), not a legacy FCM registration token from ``getToken()``.

Why:

* FCM moved device targeting from registration tokens to FIDs. firebase-admin 7.5+
  (we pin 7.7.0) deprecates ``Message.token`` in favour of ``Message.fid``, and the
  client SDKs (firebase-messaging 25.1 on Android, 12.18 on iOS) deprecate
  ``getToken()``/``onNewToken`` in favour of ``register()``/``onRegistered``. The
  token path is slated for removal, so a new app that starts on tokens builds in a
  migration.
* The two modes are mutually exclusive per app install: once the client enables FID
  registration, the SDK stops minting tokens, and a token cannot be converted into
  a FID on the server. The server must send on the field that matches what the
  client registered, so the choice is a client/server contract, fixed here.
* Hearth stores no device registrations yet, so there is nothing to migrate.

The field keeps the generic name ``device_token`` so the port does not change if the
identifier kind ever does; treat it as an opaque, sensitive identifier either way:
never log it, never echo it in errors (it is left out of ``repr``). If legacy
token registrations ever have to be supported side by side, add an explicit
identifier kind to the stored device and branch in the adapter; do not guess from
the string's shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

MAX_BATCH = 500
"""The most messages one FCM ``send_each`` call accepts; adapters chunk larger batches."""

APNS_COLLAPSE_ID_MAX_BYTES = 64
"""APNs rejects an ``apns-collapse-id`` longer than this, and ``collapse_key`` doubles as it."""


class Platform(StrEnum):
    """The platform a device registered from."""

    IOS = "ios"
    ANDROID = "android"


class PushPriority(StrEnum):
    """How urgently the push services should deliver.

    ``HIGH`` wakes the device (Android high priority, APNs priority 10): use it for
    things a member is waiting for, such as a reply. ``NORMAL`` lets the OS batch
    delivery to save battery (Android normal, APNs 5): reminders and digests.
    """

    HIGH = "high"
    NORMAL = "normal"


@dataclass(frozen=True)
class PushMessage:
    """One notification for one device.

    ``title`` and ``body`` appear on the lock screen: callers must already have made
    them safe to show (no post content, no names of circles about sensitive topics).

    ``collapse_key`` lets a newer push replace an older, still-pending one. It is used
    as the Android ``collapse_key`` and notification ``tag`` and as the APNs
    ``apns-collapse-id``. FCM keeps at most 4 distinct Android collapse keys pending
    per device, so use a small fixed vocabulary (for example ``"replies"``), not ids.
    ``thread_id`` groups notifications in iOS Notification Center.
    ``ttl_seconds`` is how long the push services keep trying an offline device;
    0 means "now or never".
    """

    device_token: str = field(repr=False)
    platform: Platform
    title: str
    body: str
    data: Mapping[str, str]
    channel_id: str
    priority: PushPriority
    collapse_key: str | None = None
    thread_id: str | None = None
    ttl_seconds: int = 86400
    badge: int | None = None
    tag: str | None = None
    """Replaces an already *shown* notification with the same tag (Android notification
    ``tag``, APNs ``apns-collapse-id``); unlike ``collapse_key`` it may be per object
    (for example one per post). Defaults to ``collapse_key``."""

    def __post_init__(self) -> None:
        if not self.device_token:
            raise ValueError("PushMessage.device_token must not be empty")
        if not self.channel_id:
            raise ValueError("PushMessage.channel_id must not be empty")
        if self.ttl_seconds < 0:
            raise ValueError("PushMessage.ttl_seconds must not be negative")
        if self.badge is not None and self.badge < 0:
            raise ValueError("PushMessage.badge must not be negative")
        for name, value in (("collapse_key", self.collapse_key), ("tag", self.tag)):
            if value is not None and (
                not value or len(value.encode("utf-8")) > APNS_COLLAPSE_ID_MAX_BYTES
            ):
                raise ValueError(
                    f"PushMessage.{name} must be 1 to {APNS_COLLAPSE_ID_MAX_BYTES} bytes"
                )


class PushOutcome(StrEnum):
    """What the caller should do with a device after a send attempt."""

    SENT = "sent"
    """Accepted by the push service."""
    RETRY = "retry"
    """A transient failure (outage, quota, network): try again later, with backoff."""
    PRUNE_DEVICE = "prune_device"
    """The device identifier is dead or not ours: delete the device registration."""
    FAILED = "failed"
    """A permanent failure for this message (for example an invalid payload): do not retry."""


@dataclass(frozen=True)
class PushResult:
    """The outcome of sending one :class:`PushMessage`.

    ``error_code`` is a short machine code such as ``"UNREGISTERED"`` or
    ``"UNAVAILABLE"``; it never contains the device identifier.
    """

    outcome: PushOutcome
    message_id: str | None = None
    error_code: str | None = None
    retry_after: float | None = None
    """Seconds the push service asked us to wait (its ``Retry-After``), for RETRY."""


class PushSender(Protocol):
    """Delivers push notifications."""

    async def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Send every message; return one result per message, in input order.

        Failures of individual messages are reported as results, never raised.
        """
        ...
