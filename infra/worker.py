"""The notification worker: drains the outbox to the push services.

Each round (:meth:`NotificationWorker.run_once`):

1. **Reminders** (at most every ``reminder_interval``): due check-in reminders become
   CHECKIN_REMINDER rows (domain.notifications.services.queue_due_reminders). On
   PostgreSQL one worker at a time does this (a session-level advisory lock).
2. **Claim** (one short transaction): up to ``batch_size`` rows that are PENDING and
   due, or SENDING with an expired lease, become SENDING with ``claimed_by`` = this
   worker, ``claimed_until`` = now + lease, ``attempts + 1``. PostgreSQL uses
   ``SELECT ... FOR UPDATE SKIP LOCKED`` so concurrent workers claim disjoint rows;
   SQLite runs every transaction as ``BEGIN IMMEDIATE`` (one writer at a time),
   which gives the same guarantee.
3. **Plan**: quiet hours defer a non-urgent row to their end (the attempt is not
   counted); past the daily cap (20 pushes per member per local day), or with no
   devices, the row becomes INBOX_ONLY.
4. **Send** with the :class:`~domain.notifications.push.PushSender`, in chunks of
   at most 500 messages (one message per device).
5. **Finish** (one transaction), only for rows still SENDING and claimed by this
   worker: SENT if any device accepted it; RETRY -> PENDING with exponential
   backoff and jitter, or FAILED after 6 attempts; devices answered
   UNREGISTERED/SENDER_ID_MISMATCH/invalid-FID are deleted (PRUNE_DEVICE).

Delivery is at-least-once with one precise window: a worker that dies (or stalls
past its lease) *after* the push service accepted a message and *before* its
finishing transaction commits leaves the row SENDING; when the lease expires another
worker sends it again. Once a row is SENT it is never claimed again, and the
``dedupe_key`` means a retried *write* (a reply, a reminder pass) never creates a
second row. Devices collapse repeats that carry the same collapse key / tag.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import random
import socket
import time as monotonic_time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import and_, delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.events import EventPublisher
from domain.notifications.model import (
    CHANNELS,
    DAILY_PUSH_CAP,
    MAX_ATTEMPTS,
    Device,
    NotificationKind,
    NotificationStatus,
    QuietHours,
)
from domain.notifications.push import (
    MAX_BATCH,
    PushMessage,
    PushOutcome,
    PushPriority,
    PushResult,
    PushSender,
)
from domain.notifications.rules import local_day_bounds, quiet_hours_end, retry_delay
from domain.notifications.services import queue_due_reminders
from domain.ports import UnitOfWork
from infra.db.repositories.notifications import to_device
from infra.db.tables.members import member_table
from infra.db.tables.notifications import device_table, notification_table, preferences_table
from infra.db.uow import SqlUnitOfWork
from infra.metrics import (
    NOTIFICATION_DELIVERY_SECONDS,
    NOTIFICATIONS_CLAIMED,
    NOTIFICATIONS_FINISHED,
    NOTIFICATIONS_LEASE_LOST,
    PUSH_SENT,
)
from infra.push.fcm import FcmPushSender, LogPushSender
from infra.settings import Settings

log = logging.getLogger("hearth.worker")

_PENDING = NotificationStatus.PENDING.value
_SENDING = NotificationStatus.SENDING.value
_ID_TYPES = {"circleId": "Circle", "postId": "Post", "replyId": "Reply"}
_REMINDER_LOCK = 7_220_001  # pg advisory lock key for the reminder pass
_COLLAPSE = {NotificationKind.REPLY: "replies", NotificationKind.REACTION: "reactions"}


def global_id(type_name: str, raw_id: str | UUID) -> str:
    """The API's global ID format (api.node.to_global_id), computed in infra."""
    return base64.urlsafe_b64encode(f"{type_name}:{raw_id}".encode()).decode()


@dataclass
class Claimed:
    """A claimed row with what delivery needs."""

    id: UUID
    member_id: UUID
    kind: NotificationKind
    title: str
    body: str
    data: dict[str, Any]
    collapse_key: str | None
    count: int
    urgent: bool
    attempts: int
    created_at: datetime
    timezone: str
    quiet: QuietHours | None
    devices: list[Device] = field(default_factory=list)


@dataclass
class RoundResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    inbox_only: int = 0
    deferred: int = 0
    lease_lost: int = 0
    pruned_devices: int = 0


def push_data(row: Claimed) -> dict[str, str]:
    """The deep link: ``type``, ``notificationId`` and global ``circleId``/``postId``/
    ``replyId``, plus ``count`` for collapsed replies. Only ids, never content."""
    data = {"type": row.kind.value, "notificationId": global_id("Notification", row.id)}
    for key, value in row.data.items():
        data[key] = global_id(_ID_TYPES[key], value) if key in _ID_TYPES else str(value)
    if row.count > 1:
        data["count"] = str(row.count)
    return data


def push_messages(row: Claimed) -> list[PushMessage]:
    """One message per device of the row's member."""
    reply_like = row.kind in _COLLAPSE
    return [
        PushMessage(
            device_token=device.token,
            platform=device.platform,
            title=row.title,
            body=row.body,
            data=push_data(row),
            channel_id=CHANNELS[row.kind],
            priority=PushPriority.HIGH if reply_like else PushPriority.NORMAL,
            collapse_key=_COLLAPSE.get(row.kind, "checkin"),
            tag=row.collapse_key,
            thread_id=row.collapse_key or "checkin",
            ttl_seconds=86400 if reply_like else 6 * 3600,
        )
        for device in row.devices
    ]


class NotificationWorker:
    """Claims, sends and finishes outbox rows. Safe to run in many processes."""

    def __init__(
        self,
        engine: AsyncEngine,
        sender: PushSender,
        clock: Clock,
        *,
        uow_factory: Callable[[], UnitOfWork] | None = None,
        lease: timedelta = timedelta(seconds=60),
        batch_size: int = 500,
        poll_interval: float = 1.0,
        reminder_interval: float = 30.0,
        worker_id: str | None = None,
        rng: random.Random | None = None,
        after_claim: Callable[[Sequence[UUID]], Awaitable[None]] | None = None,
        before_finish: Callable[[Sequence[UUID]], Awaitable[None]] | None = None,
    ) -> None:
        self._engine = engine
        self._sender = sender
        self._clock = clock
        self._uow_factory = uow_factory
        self._lease = lease
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._reminder_interval = reminder_interval
        self._last_reminders = float("-inf")
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:6]}"
        self._rng = rng or random.Random()
        self._after_claim = after_claim  # test hooks (crash tests)
        self._before_finish = before_finish
        self._postgres = engine.dialect.name == "postgresql"

    # -- the loop -----------------------------------------------------------------

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        log.info("notification worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                if monotonic_time.monotonic() - self._last_reminders >= self._reminder_interval:
                    self._last_reminders = monotonic_time.monotonic()
                    await self.queue_reminders()
                result = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notification worker round failed")
                result = RoundResult()
            if result.claimed < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._poll_interval)
        log.info("notification worker %s stopped", self.worker_id)

    async def drain(self) -> RoundResult:
        """Run rounds until nothing is due (tests, benchmarks)."""
        total = RoundResult()
        while True:
            result = await self.run_once()
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(result, name))
            if result.claimed == 0:
                return total

    async def queue_reminders(self) -> int:
        """Turn due check-in reminders into notifications (one worker at a time)."""
        if self._uow_factory is None:
            return 0
        since = self._clock.now() - timedelta(days=7)
        if not self._postgres:
            return await queue_due_reminders(self._uow_factory(), self._clock, since)
        async with self._engine.connect() as conn:
            locked = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": _REMINDER_LOCK}
            )
            await conn.commit()
            if not locked:
                return 0
            try:
                return await queue_due_reminders(self._uow_factory(), self._clock, since)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _REMINDER_LOCK})
                await conn.commit()

    async def run_once(self) -> RoundResult:
        result = RoundResult()
        rows = await self.claim()
        result.claimed = len(rows)
        if not rows:
            return result
        if self._after_claim is not None:
            await self._after_claim([r.id for r in rows])
        now = self._clock.now()
        deferred: dict[UUID, datetime] = {}
        inbox_only: list[UUID] = []
        to_send: list[Claimed] = []
        sent_today = await self._sent_today({r.member_id: r.timezone for r in rows}, now)
        for row in rows:
            quiet_end = None if row.urgent else quiet_hours_end(row.quiet, row.timezone, now)
            if quiet_end is not None:
                deferred[row.id] = quiet_end
            elif not row.devices or sent_today[row.member_id] >= DAILY_PUSH_CAP:
                inbox_only.append(row.id)
            else:
                sent_today[row.member_id] += 1
                to_send.append(row)

        outcomes = await self._send(to_send)
        sent: list[UUID] = []
        failed: list[tuple[UUID, str | None]] = []
        retry: dict[UUID, tuple[datetime, str | None]] = {}
        prune: list[str] = []
        for row in to_send:
            results = outcomes[row.id]
            prune += [
                d.token
                for d, r in zip(row.devices, results, strict=True)
                if r.outcome is PushOutcome.PRUNE_DEVICE
            ]
            kinds = {r.outcome for r in results}
            error = next((r.error_code for r in results if r.error_code), None)
            if PushOutcome.SENT in kinds:
                sent.append(row.id)
            elif PushOutcome.RETRY in kinds:
                if row.attempts >= MAX_ATTEMPTS:
                    failed.append((row.id, error))
                else:
                    retry[row.id] = (now + retry_delay(row.attempts, self._rng), error)
            elif kinds == {PushOutcome.PRUNE_DEVICE}:
                inbox_only.append(row.id)  # every device was dead: the inbox still has it
            else:
                failed.append((row.id, error))
        if self._before_finish is not None:
            await self._before_finish([r.id for r in rows])
        finished = await self._finish(now, sent, inbox_only, failed, retry, deferred, prune)
        result.lease_lost = len(rows) - finished
        result.sent, result.retried, result.failed = len(sent), len(retry), len(failed)
        result.inbox_only, result.deferred = len(inbox_only), len(deferred)
        result.pruned_devices = len(set(prune))
        for status, count in (
            ("sent", len(sent)),
            ("retry", len(retry)),
            ("failed", len(failed)),
            ("inbox_only", len(inbox_only)),
            ("deferred", len(deferred)),
        ):
            if count:
                NOTIFICATIONS_FINISHED.labels(status).inc(count)
        if result.lease_lost:
            NOTIFICATIONS_LEASE_LOST.inc(result.lease_lost)
            log.warning("%d notifications lost their lease before finishing", result.lease_lost)
        for row in to_send:
            if row.id in sent:
                NOTIFICATION_DELIVERY_SECONDS.observe(
                    max((now - row.created_at).total_seconds(), 0)
                )
        return result

    # -- steps ----------------------------------------------------------------------

    async def claim(self) -> list[Claimed]:
        t = notification_table
        now = self._clock.now()
        due = or_(
            and_(t.c.status == _PENDING, t.c.next_attempt_at <= now),
            and_(t.c.status == _SENDING, t.c.claimed_until < now),
        )
        pick = select(t.c.id).where(due).order_by(t.c.next_attempt_at).limit(self._batch_size)
        if self._postgres:
            pick = pick.with_for_update(skip_locked=True)
        async with self._engine.begin() as conn:
            ids = list((await conn.execute(pick)).scalars())
            if not ids:
                return []
            await conn.execute(
                update(t)
                .where(t.c.id.in_(ids))
                .values(
                    status=_SENDING,
                    claimed_by=self.worker_id,
                    claimed_until=now + self._lease,
                    attempts=t.c.attempts + 1,
                )
            )
            m, p = member_table, preferences_table
            query = (
                select(t, m.c.timezone, p.c.quiet_start, p.c.quiet_end)
                .join(m, m.c.id == t.c.member_id)
                .outerjoin(p, p.c.member_id == t.c.member_id)
                .where(t.c.id.in_(ids))
                .order_by(t.c.next_attempt_at)
            )
            rows = [
                Claimed(
                    id=r["id"],
                    member_id=r["member_id"],
                    kind=NotificationKind(r["kind"]),
                    title=r["title"],
                    body=r["body"],
                    data=dict(r["data"] or {}),
                    collapse_key=r["collapse_key"],
                    count=r["count"],
                    urgent=r["urgent"],
                    attempts=r["attempts"],
                    created_at=r["created_at"],
                    timezone=r["timezone"],
                    quiet=_quiet(r["quiet_start"], r["quiet_end"]),
                )
                for r in (await conn.execute(query)).mappings()
            ]
            d = device_table
            member_ids = list({r.member_id for r in rows})
            devices: dict[UUID, list[Device]] = defaultdict(list)
            for dev in (
                await conn.execute(select(d).where(d.c.member_id.in_(member_ids)))
            ).mappings():
                devices[dev["member_id"]].append(to_device(dev))
        for row in rows:
            row.devices = devices.get(row.member_id, [])
        NOTIFICATIONS_CLAIMED.inc(len(rows))
        return rows

    async def _sent_today(
        self, timezones: dict[UUID, str], now: datetime
    ) -> defaultdict[UUID, int]:
        """Pushes already sent to each member on their local day so far."""
        t = notification_table
        counts: defaultdict[UUID, int] = defaultdict(int)
        bounds = {member: local_day_bounds(tz, now) for member, tz in timezones.items()}
        earliest = min(start for _, start, _ in bounds.values())
        query = select(t.c.member_id, t.c.sent_at).where(
            t.c.member_id.in_(list(timezones)),
            t.c.status == NotificationStatus.SENT.value,
            t.c.sent_at >= earliest,
        )
        async with self._engine.connect() as conn:
            for member_id, sent_at in (await conn.execute(query)).all():
                _, start, end = bounds[member_id]
                if start <= sent_at < end:
                    counts[member_id] += 1
        return counts

    async def _send(self, rows: Sequence[Claimed]) -> dict[UUID, list[PushResult]]:
        flat: list[tuple[UUID, PushMessage]] = [
            (row.id, message) for row in rows for message in push_messages(row)
        ]
        outcomes: dict[UUID, list[PushResult]] = defaultdict(list)
        for start in range(0, len(flat), MAX_BATCH):
            chunk = flat[start : start + MAX_BATCH]
            try:
                results = await self._sender.send_batch([m for _, m in chunk])
            except Exception:  # the port promises not to raise; be safe anyway
                log.exception("push sender raised; the chunk will be retried")
                results = [PushResult(PushOutcome.RETRY, error_code="SENDER_RAISED") for _ in chunk]
            for (row_id, _), push_result in zip(chunk, results, strict=True):
                outcomes[row_id].append(push_result)
                PUSH_SENT.labels(push_result.outcome.value).inc()
        return outcomes

    async def _finish(
        self,
        now: datetime,
        sent: list[UUID],
        inbox_only: list[UUID],
        failed: list[tuple[UUID, str | None]],
        retry: dict[UUID, tuple[datetime, str | None]],
        deferred: dict[UUID, datetime],
        prune: list[str],
    ) -> int:
        """Record the outcomes; returns how many rows this worker still owned."""
        t = notification_table
        mine = and_(t.c.status == _SENDING, t.c.claimed_by == self.worker_id)
        released = {"claimed_by": None, "claimed_until": None}
        changed = 0
        async with self._engine.begin() as conn:
            if sent:
                r: Any = await conn.execute(
                    update(t)
                    .where(mine, t.c.id.in_(sent))
                    .values(status=NotificationStatus.SENT.value, sent_at=now, **released)
                )
                changed += r.rowcount
            if inbox_only:
                r = await conn.execute(
                    update(t)
                    .where(mine, t.c.id.in_(inbox_only))
                    .values(status=NotificationStatus.INBOX_ONLY.value, **released)
                )
                changed += r.rowcount
            for row_id, error in failed:
                r = await conn.execute(
                    update(t)
                    .where(mine, t.c.id == row_id)
                    .values(status=NotificationStatus.FAILED.value, last_error=error, **released)
                )
                changed += r.rowcount
            for row_id, (at, error) in retry.items():
                r = await conn.execute(
                    update(t)
                    .where(mine, t.c.id == row_id)
                    .values(status=_PENDING, next_attempt_at=at, last_error=error, **released)
                )
                changed += r.rowcount
            for row_id, at in deferred.items():
                r = await conn.execute(
                    update(t)
                    .where(mine, t.c.id == row_id)
                    .values(
                        status=_PENDING,
                        next_attempt_at=at,
                        attempts=t.c.attempts - 1,  # waiting for morning is not an attempt
                        **released,
                    )
                )
                changed += r.rowcount
            if prune:
                d = device_table
                await conn.execute(delete(d).where(d.c.token.in_(list(set(prune)))))
        return changed


def _quiet(start: str | None, end: str | None) -> QuietHours | None:
    if not start or not end:
        return None
    return QuietHours(
        datetime.strptime(start, "%H:%M").time(), datetime.strptime(end, "%H:%M").time()
    )


# -- composition (shared by the embedded worker and ``hearth worker``) ------------------


def make_push_sender(settings: Settings, firebase_app: Any) -> PushSender:
    """FCM when Firebase credentials are configured (a service-account file, or
    Application Default Credentials in production); otherwise, in development, the
    log sender, which "delivers" to the log."""
    if firebase_app is not None and (settings.firebase_credentials or settings.is_production):
        return FcmPushSender(firebase_app)
    return LogPushSender()


def build_worker(
    settings: Settings,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    sender: PushSender,
    clock: Clock,
    publisher: EventPublisher | None = None,
    **overrides: Any,
) -> NotificationWorker:
    options: dict[str, Any] = {
        "uow_factory": lambda: SqlUnitOfWork(session_factory, publisher=publisher),
        "lease": timedelta(seconds=settings.hearth_worker_lease_seconds),
        "batch_size": settings.hearth_worker_batch_size,
        "poll_interval": settings.hearth_worker_poll_seconds,
    }
    options.update(overrides)
    return NotificationWorker(engine, sender, clock, **options)


def messaging_app(settings: Settings) -> Any:
    """A firebase-admin app for sending, or None without a Firebase project."""
    if not settings.firebase_project_id:
        return None
    import firebase_admin
    from firebase_admin import credentials

    if not settings.firebase_credentials and not settings.is_production:
        return None  # development without credentials: the log sender
    cred: Any = (
        credentials.Certificate(str(settings.firebase_credentials))
        if settings.firebase_credentials
        else credentials.ApplicationDefault()
    )
    options = {"projectId": settings.firebase_project_id}
    return firebase_admin.initialize_app(cred, options, name=f"hearth-worker-{uuid4().hex[:6]}")


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """``hearth worker``: run until ``stop`` is set (SIGTERM/SIGINT)."""
    from domain.clock import SystemClock
    from infra.db.engine import create_engine, create_session_factory

    app = messaging_app(settings)
    if settings.is_production:
        if app is None:
            raise SystemExit("Refusing to start the worker: no Firebase project is configured.")
        try:  # fail at start-up, not at the first push, without credentials
            await asyncio.to_thread(app.credential.get_credential)
        except Exception as exc:
            raise SystemExit(
                f"Refusing to start the worker: no Firebase credentials ({type(exc).__name__})."
            ) from exc
    engine = create_engine(settings)
    redis = None
    try:
        sender = make_push_sender(settings, app)
        publisher: EventPublisher | None = None
        if settings.redis_url:  # so members' live activity streams hear of new items
            import redis.asyncio as aioredis

            from infra.events.bus import RedisBus

            redis = aioredis.from_url(settings.redis_url, socket_connect_timeout=2)
            publisher = RedisBus(redis)
        worker = build_worker(
            settings, engine, create_session_factory(engine), sender, SystemClock(), publisher
        )
        await worker.run_forever(stop)
    finally:
        if redis is not None:
            await redis.aclose()
        if app is not None:
            import firebase_admin

            await asyncio.to_thread(firebase_admin.delete_app, app)
        await engine.dispose()
