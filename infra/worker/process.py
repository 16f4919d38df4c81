"""Building and running workers: the push sender, `hearth worker` and the embedded task."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any
from uuid import uuid4

import firebase_admin
import redis.asyncio as aioredis
from firebase_admin import credentials
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock, SystemClock
from domain.events import EventPublisher
from domain.notifications.push import (
    PushSender,
)
from infra.db.engine import create_engine, create_session_factory
from infra.db.uow import SqlUnitOfWork
from infra.events.bus import RedisBus
from infra.exports.builder import ExportBuilder
from infra.push.fcm import FcmPushSender, LogPushSender, tune_fcm_connections
from infra.push.fcm_pooled import PooledFcmSender
from infra.retention import RetentionJob
from infra.settings import Settings
from infra.worker.loop import NotificationWorker
from infra.worker.support import SUPPORT_INTERVAL, SupportNudgeJob

log = logging.getLogger("hearth.worker")


def make_push_sender(settings: Settings, firebase_app: Any) -> PushSender:
    """FCM when Firebase credentials are configured (a service-account file, or
    Application Default Credentials in production); otherwise, in development, the
    log sender, which "delivers" to the log."""
    if firebase_app is not None and (settings.firebase_credentials or settings.is_production):
        if settings.hearth_fcm_pool_size > 0:
            # also what the pooled sender reads its retry policy from
            tune_fcm_connections(firebase_app, settings.hearth_fcm_pool_size)
        if settings.hearth_fcm_transport == "pooled":
            return PooledFcmSender(
                firebase_app,
                pool_size=settings.hearth_fcm_pool_size or 10,
                batch_deadline=settings.hearth_worker_lease_seconds / 2,
            )
        return FcmPushSender(firebase_app)
    return LogPushSender()


async def close_push_sender(sender: PushSender) -> None:
    """Close what the sender holds open (the pooled sender's connections)."""
    if isinstance(sender, PooledFcmSender):
        await sender.aclose()


RETENTION_INTERVAL = 3600.0
"""Seconds between retention passes (the first runs when the worker starts)."""


def build_worker(
    settings: Settings,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    sender: PushSender,
    clock: Clock,
    publisher: EventPublisher | None = None,
    **overrides: Any,
) -> NotificationWorker:
    def uow_factory() -> Any:
        return SqlUnitOfWork(session_factory, publisher=publisher)

    options: dict[str, Any] = {
        "uow_factory": uow_factory,
        "lease": timedelta(seconds=settings.hearth_worker_lease_seconds),
        "batch_size": settings.hearth_worker_batch_size,
        "poll_interval": settings.hearth_worker_poll_seconds,
        "periodic": [
            (settings.hearth_worker_poll_seconds, ExportBuilder(engine, clock).build_pending),
            (RETENTION_INTERVAL, RetentionJob(engine, clock).run),
            (SUPPORT_INTERVAL, SupportNudgeJob(engine, uow_factory, clock).run),
        ],
    }
    options.update(overrides)
    return NotificationWorker(engine, sender, clock, **options)


def messaging_app(settings: Settings) -> Any:
    """A firebase-admin app for sending, or None without a Firebase project."""
    if not settings.firebase_project_id:
        return None
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
    sender: PushSender | None = None
    try:
        sender = make_push_sender(settings, app)
        publisher: EventPublisher | None = None
        if settings.redis_url:  # so members' live activity streams hear of new items
            redis = aioredis.from_url(settings.redis_url, socket_connect_timeout=2)
            publisher = RedisBus(redis)
        worker = build_worker(
            settings, engine, create_session_factory(engine), sender, SystemClock(), publisher
        )
        await worker.run_forever(stop)
    finally:
        if sender is not None:
            await close_push_sender(sender)
        if redis is not None:
            await redis.aclose()
        if app is not None:
            await asyncio.to_thread(firebase_admin.delete_app, app)
        await engine.dispose()
