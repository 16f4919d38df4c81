"""A notification worker process for crash tests: ``python -m tests.support.worker_process``.

It sends with the real firebase-admin client to the FCM stand-in at ``FCM_URL`` (an
``FCM_URL`` template as in :mod:`tests.support.fcm_stub`) and reads the database from
``DATABASE_URL``. ``HOLD=after_claim`` (or ``before_finish``) prints ``HELD <count> <ids>`` and
sleeps forever at that point, so a test can SIGKILL it there. With ``HOLD_UNTIL=line``
it holds only the first batch, until a line arrives on stdin, so a test can break
something (the database) at that point and then let the batch go on. With
``HOLD_UNTIL=signal`` it runs freely and holds (until a line on stdin) the first batch
it claims after each SIGUSR2: the fault harness (``tests/faults``) asks for that mid-load. The lease and
batch size come from ``HEARTH_WORKER_LEASE_SECONDS`` and ``HEARTH_WORKER_BATCH_SIZE``
as for ``hearth worker``. With ``TRACEMALLOC=<folder>`` it traces Python allocations and,
on each SIGUSR1, writes a heap snapshot there and prints ``TRACED <bytes> <file>``
(``bench/worker_soak.py --trace``). ``HEARTH_FCM_TRANSPORT`` chooses the sender as for
``hearth worker``. ``FCM_HTTP_RETRIES=1`` keeps firebase-admin's own
HTTP retries (tuned as production tunes them) instead of turning them off.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tracemalloc
from collections.abc import Sequence
from unittest import mock
from uuid import UUID

import firebase_admin
import google.oauth2.credentials
from firebase_admin import messaging

from domain.clock import SystemClock
from domain.notifications.push import PushSender
from infra.db.engine import create_engine, create_session_factory
from infra.push import FcmPushSender, PooledFcmSender, disable_http_retries, tune_fcm_connections
from infra.settings import Settings
from infra.worker import build_worker, close_push_sender

_held: list[int] = []
_armed: list[bool] = []  # HOLD_UNTIL=signal: a SIGUSR2 came since the last hold


async def _hold(ids: Sequence[UUID]) -> None:
    until = os.environ.get("HOLD_UNTIL")
    if until == "signal":
        if not _armed:
            return
        _armed.clear()
    elif _held and until == "line":
        return  # only the first batch is held
    _held.append(len(ids))
    sys.stdout.write(f"HELD {len(ids)} {','.join(str(i) for i in ids)}\n")
    sys.stdout.flush()
    if until in ("line", "signal"):
        await asyncio.to_thread(sys.stdin.readline)
        return
    await asyncio.sleep(3600)


def _trace_on_signal(folder: str) -> None:
    """SIGUSR1: write a heap snapshot into ``folder`` and print its traced size."""
    tracemalloc.start(8)
    taken: list[int] = []

    def snapshot() -> None:
        path = os.path.join(folder, f"worker-{len(taken):03d}.snapshot")
        tracemalloc.take_snapshot().dump(path)
        taken.append(1)
        sys.stdout.write(f"TRACED {tracemalloc.get_traced_memory()[0]} {path}\n")
        sys.stdout.flush()

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, snapshot)


async def main() -> None:
    if folder := os.environ.get("TRACEMALLOC"):
        _trace_on_signal(folder)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    credential = google.oauth2.credentials.Credentials(token="test-token")
    app = firebase_admin.initialize_app(
        credential,  # type: ignore[arg-type]
        {"projectId": os.environ.get("FCM_PROJECT", "hearth-test")},
        name="crash-test",
    )
    with mock.patch.object(messaging._MessagingService, "FCM_URL", os.environ["FCM_URL"]):
        messaging._get_messaging_service(app)
    # firebase-admin's own pool size (10), then the production tuning when it is on;
    # FCM_HTTP_RETRIES=1 keeps firebase-admin's own HTTP retries, as production has them
    if os.environ.get("FCM_HTTP_RETRIES") != "1":
        disable_http_retries(app, pool_maxsize=10)
    if settings.hearth_fcm_pool_size > 0:
        tune_fcm_connections(app, settings.hearth_fcm_pool_size)
    sender: PushSender = (
        PooledFcmSender(
            app,
            pool_size=settings.hearth_fcm_pool_size or 10,
            batch_deadline=settings.hearth_worker_lease_seconds / 2,
        )
        if settings.hearth_fcm_transport == "pooled"
        else FcmPushSender(app)
    )
    engine = create_engine(settings)
    hold = os.environ.get("HOLD", "")
    worker = build_worker(
        settings,
        engine,
        create_session_factory(engine),
        sender,
        SystemClock(),
        poll_interval=0.1,
        after_claim=_hold if hold == "after_claim" else None,
        before_finish=_hold if hold == "before_finish" else None,
    )
    if os.environ.get("HOLD_UNTIL") == "signal":
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR2, _armed.append, True)
    stop = asyncio.Event()  # SIGTERM ends it as it ends ``hearth worker`` (infra.worker.serve)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    try:
        await worker.run_forever(stop)
    finally:
        await close_push_sender(sender)


if __name__ == "__main__":
    asyncio.run(main())
