"""The notification worker loop: drains the outbox to the push services.

Each round (:meth:`NotificationWorker.run_once`):

1. **Reminders** (at most every ``reminder_interval``): due check-in reminders become
   CHECKIN_REMINDER rows (domain.notifications.services.queue_due_reminders). On
   PostgreSQL one worker at a time does this (a session-level advisory lock). On the
   same beat, URGENT safety items nobody acknowledged for 15 minutes alert on-call
   staff again (domain.safety.services.realert_unacknowledged: a compare-and-set makes
   it once per interval, whichever worker runs it).
2. **Claim** (one short transaction): up to ``batch_size`` rows that are PENDING and
   due, or SENDING with an expired lease, become SENDING with ``claimed_by`` = this
   worker, ``claimed_until`` = now + lease, ``attempts + 1``. PostgreSQL uses
   ``SELECT ... FOR UPDATE SKIP LOCKED`` so concurrent workers claim disjoint rows;
   SQLite runs every transaction as ``BEGIN IMMEDIATE`` (one writer at a time),
   which gives the same guarantee.
3. **Plan**: quiet hours defer a non-urgent row to their end (the attempt is not
   counted); past the daily cap (20 pushes per member per local day; urgent rows,
   the safety team's alerts, have none), or with no devices, the row becomes INBOX_ONLY.
4. **Send** with the :class:`~domain.notifications.push.PushSender`, in chunks of
   at most 500 messages (one message per device).
5. **Finish** (one transaction, a few statements per outcome whatever the batch size:
   ``infra.worker.outbox.finish_rows``), only for rows still SENDING and claimed by this
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
import contextlib
import logging
import os
import random
import socket
import time as monotonic_time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.errors import ServiceUnavailable
from domain.notifications.model import (
    DAILY_PUSH_CAP,
    MAX_ATTEMPTS,
)
from domain.notifications.push import (
    MAX_BATCH,
    PushMessage,
    PushOutcome,
    PushResult,
    PushSender,
)
from domain.notifications.rules import next_try_after, quiet_hours_end
from domain.notifications.services import queue_due_reminders
from domain.safety.services import realert_unacknowledged
from domain.uow import UnitOfWork
from infra.db.errors import is_connection_lost
from infra.metrics import (
    NOTIFICATION_DELIVERY_SECONDS,
    NOTIFICATIONS_CLAIMED,
    NOTIFICATIONS_FINISHED,
    NOTIFICATIONS_LEASE_LOST,
    PUSH_SENT,
    SAFETY_REALERTS,
)
from infra.worker.messages import (
    _REMINDER_LOCK,
    Claimed,
    RoundResult,
    push_messages,
)
from infra.worker.outbox import claim_rows, finish_rows, sent_today

log = logging.getLogger("hearth.worker")


_EVERY_OVERDUE_REMINDER = datetime(1970, 1, 1, tzinfo=UTC)


def _connection_lost(exc: BaseException) -> bool:
    return isinstance(exc, ServiceUnavailable) or is_connection_lost(exc)


@dataclass
class _Job:
    interval: float
    run: Callable[[], Awaitable[object]]
    last: float = float("-inf")


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
        periodic: Sequence[tuple[float, Callable[[], Awaitable[object]]]] = (),
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
        self._periodic = [_Job(interval, job) for interval, job in periodic]

    # -- the loop -----------------------------------------------------------------

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        log.info("notification worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                if monotonic_time.monotonic() - self._last_reminders >= self._reminder_interval:
                    self._last_reminders = monotonic_time.monotonic()
                    await self.queue_reminders()
                    await self.realert_safety()
                await self.run_periodic()
                result = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not _connection_lost(exc):  # an outage is logged once by hearth.db
                    log.exception("notification worker round failed")
                result = RoundResult()
            if result.claimed < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._poll_interval)
        log.info("notification worker %s stopped", self.worker_id)

    async def run_periodic(self) -> None:
        """Other jobs of the worker (data exports, retention), each at its interval;
        one failing job never stops the others or the outbox."""
        for job in self._periodic:
            if monotonic_time.monotonic() - job.last < job.interval:
                continue
            job.last = monotonic_time.monotonic()
            try:
                await job.run()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not _connection_lost(exc):  # an outage is logged once by hearth.db
                    log.exception("worker job failed")

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
        """Turn due check-in reminders into notifications (one worker at a time). Every
        overdue reminder is due, however late: one found late (the worker was down) is
        skipped and moved on, so that it does not stay in the past and silence the
        member's reminders."""
        if self._uow_factory is None:
            return 0
        since = _EVERY_OVERDUE_REMINDER
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

    async def realert_safety(self) -> int:
        """Alert on-call staff again about URGENT safety items nobody acknowledged for
        15 minutes (exactly once per interval: see realert_unacknowledged)."""
        if self._uow_factory is None:
            return 0
        count = await realert_unacknowledged(self._uow_factory(), self._clock)
        if count:
            SAFETY_REALERTS.inc(count)
        return count

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
        pushed = await sent_today(self._engine, {r.member_id: r.timezone for r in rows}, now)
        for row in rows:
            quiet_end = None if row.urgent else quiet_hours_end(row.quiet, row.timezone, now)
            if quiet_end is not None:
                deferred[row.id] = quiet_end
            elif not row.devices or (not row.urgent and pushed[row.member_id] >= DAILY_PUSH_CAP):
                inbox_only.append(row.id)
            else:
                pushed[row.member_id] += 1
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
                    asked = max((r.retry_after or 0.0 for r in results), default=0.0)
                    wait = next_try_after(row.attempts, asked, self._rng)
                    retry[row.id] = (now + wait, error)
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
        """Claim this worker's next batch (see :func:`infra.worker.outbox.claim_rows`)."""
        rows = await claim_rows(
            self._engine,
            self._postgres,
            self.worker_id,
            self._clock.now(),
            self._lease,
            self._batch_size,
        )
        NOTIFICATIONS_CLAIMED.inc(len(rows))
        return rows

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
        """Record the outcomes. When the database is unreachable (a restart, a crash),
        keep them and try again until it is back, for as long as the lease lasts:
        giving up would leave rows SENDING that the push service already accepted,
        and they would go out a second time once the lease expired. Only rows still
        SENDING and claimed by this worker change, so a late record is always safe."""
        give_up_at = monotonic_time.monotonic() + self._lease.total_seconds()
        delay = 0.1
        while True:
            try:
                return await finish_rows(
                    self._engine, self.worker_id, now, sent, inbox_only, failed, retry,
                    deferred, prune,
                )  # fmt: skip
            except Exception as exc:
                if not _connection_lost(exc) or monotonic_time.monotonic() >= give_up_at:
                    raise
                if delay == 0.1:
                    log.warning(
                        "database unreachable while recording %d outcomes; retrying until it "
                        "is back (at most the lease)",
                        len(sent) + len(inbox_only) + len(failed) + len(retry) + len(deferred),
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

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
