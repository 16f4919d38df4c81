"""The composition root: chooses the adapters, and builds and closes every
long-lived resource.

Called only from the app's lifespan (and the worker command).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import firebase_admin
import google.auth.credentials
import redis.asyncio as aioredis
from alembic.config import Config
from alembic.script import ScriptDirectory
from firebase_admin import credentials

from api.container import Services
from domain.clock import SystemClock
from domain.safety.detector import default_detector
from infra.auth.accounts import FirebaseSignInAccounts, KeptSignInAccounts
from infra.auth.verifier import CompositeVerifier, DevTokenVerifier, FirebaseTokenVerifier
from infra.confusables import ConfusableSkeleton
from infra.contact_details import ContactDetails
from infra.db.engine import ReadConnections, create_engine, create_session_factory
from infra.db.reads.checkins import SqlCheckInReads
from infra.db.reads.circles import SqlCircleReads
from infra.db.reads.members import SqlMemberReads
from infra.db.reads.moderation import SqlModerationReads
from infra.db.reads.notifications import SqlNotificationReads
from infra.db.reads.posts import SqlPostReads
from infra.db.reads.privacy import SqlExportReads
from infra.db.reads.safety import SqlSafetyReads
from infra.db.reads.support import SqlSupportReads
from infra.db.uow import SqlUnitOfWork
from infra.events.bus import InProcessBus, RedisBus
from infra.exports.links import SignedExportLinks
from infra.persisted_queries import LruDocuments, RedisDocuments
from infra.ratelimits import LimitsRateLimiter, build_rate_limiter
from infra.safety.crisis_data import load_crisis_directory
from infra.safety.detector import ObservedDetector
from infra.safety.resources import default_catalog
from infra.settings import Settings
from infra.worker import build_worker, close_push_sender, make_push_sender

ROOT = Path(__file__).resolve().parents[2]
_app_names = itertools.count(1)


def migration_head() -> str | None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


log = logging.getLogger("hearth.shutdown")


def firebase_app(settings: Settings) -> Any:
    """A firebase-admin App for this process, or None when Firebase is not configured."""
    if not settings.firebase_project_id:
        return None
    if settings.firebase_credentials:
        cred: Any = credentials.Certificate(str(settings.firebase_credentials))
    elif settings.is_production:
        cred = credentials.ApplicationDefault()
    else:
        cred = google.auth.credentials.AnonymousCredentials()  # type: ignore[no-untyped-call]
    options = {"projectId": settings.firebase_project_id}
    return firebase_admin.initialize_app(cred, options, name=f"hearth-{next(_app_names)}")


def build_verifier(settings: Settings, app: Any) -> CompositeVerifier:
    firebase = FirebaseTokenVerifier(app) if app is not None and settings.firebase_sign_in else None
    dev = DevTokenVerifier() if settings.dev_sign_in and not settings.is_production else None
    return CompositeVerifier(firebase=firebase, dev=dev)


async def build_services(settings: Settings) -> Services:
    # Statement errors would otherwise quote their parameters (post bodies, private
    # notes, profile text) into logged tracebacks.
    engine = create_engine(settings, hide_parameters=True)
    replica = (
        create_engine(settings, url=settings.database_read_url, hide_parameters=True)
        if settings.database_read_url
        else None
    )
    app = firebase_app(settings)
    redis = None
    if settings.redis_url:
        # A bounded wait on every command (a stalled Redis must not hold up a write
        # that has committed), and idle connections checked before reuse; publishes
        # that still fail are retried on a fresh connection by the bus.
        redis = aioredis.from_url(
            settings.redis_url, socket_connect_timeout=2, socket_timeout=2, health_check_interval=5
        )
    bus: InProcessBus | RedisBus = RedisBus(redis) if redis is not None else InProcessBus()
    await bus.start()
    session_factory = create_session_factory(engine)
    reads = ReadConnections(engine, replica)
    services = Services(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        uow=lambda: SqlUnitOfWork(session_factory, publisher=bus),
        reads=reads,
        circle_reads=SqlCircleReads(reads),
        member_reads=SqlMemberReads(reads),
        check_in_reads=SqlCheckInReads(reads),
        notification_reads=SqlNotificationReads(reads),
        moderation_reads=SqlModerationReads(reads),
        safety_reads=SqlSafetyReads(reads),
        support_reads=SqlSupportReads(reads),
        export_reads=SqlExportReads(reads),
        post_reads=SqlPostReads(reads),
        verifier=build_verifier(settings, app),
        clock=SystemClock(),
        expected_migration_head=migration_head(),
        bus=bus,
        limiter=build_rate_limiter(settings.rate_limits(), settings.redis_url, redis),
        crisis_directory=load_crisis_directory(),
        contacts=ContactDetails(),
        skeletons=ConfusableSkeleton(),
        detector=ObservedDetector(default_detector()),
        sign_in_accounts=(
            FirebaseSignInAccounts(app)
            if app is not None and settings.hearth_delete_firebase_user
            else KeptSignInAccounts()
        ),
        resources=default_catalog(),
        export_links=SignedExportLinks(settings.hearth_secret_key.get_secret_value()),
        persisted=RedisDocuments(redis) if redis is not None else LruDocuments(),
        redis=redis,
        firebase_app=app,
        replica=replica,
    )
    services.readiness["events"] = bus.status
    if settings.embedded_worker:
        _start_embedded_worker(settings, services)
    return services


def _start_embedded_worker(settings: Settings, services: Services) -> None:
    """The embedded default: the notification worker as a task of the web process."""
    sender = make_push_sender(settings, services.firebase_app)
    worker = build_worker(
        settings,
        services.engine,
        services.session_factory,
        sender,
        services.clock,
        services.bus,
    )
    stop = asyncio.Event()

    async def run() -> None:
        try:
            await worker.run_forever(stop)
        finally:
            await close_push_sender(sender)

    task = asyncio.create_task(run(), name="notification-worker")
    services.worker = (stop, task)


SHUTDOWN_STEP_SECONDS = 10.0
"""The longest any one step of shutting down may take before it is abandoned."""


async def _step(name: str, work: Awaitable[Any]) -> None:
    """Run one shutdown step, bounded: a step that overruns (a connection that does not
    close, a task that does not finish) is cancelled and left behind with a warning
    naming it, so the process still exits before the supervisor's kill."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=SHUTDOWN_STEP_SECONDS)
    if not done:
        task.cancel()
        log.warning("shutdown: %s did not finish in %g s; left behind", name, SHUTDOWN_STEP_SECONDS)
    elif task.exception() is not None:
        log.warning("shutdown: %s failed: %r", name, task.exception())


async def close_services(services: Services) -> None:
    if services.worker is not None:
        (stop, task), services.worker = services.worker, None
        stop.set()  # the worker finishes its round, then ends
        await _step("the embedded worker", task)
    await _step("the event bus", services.bus.stop())
    if isinstance(services.limiter, LimitsRateLimiter):
        services.limiter.close()
    if services.redis is not None:
        await _step("Redis", services.redis.aclose())
    if services.firebase_app is not None:
        firebase_admin.delete_app(services.firebase_app)
    await _step("the database pool", services.engine.dispose())
    if services.replica is not None:
        await _step("the replica pool", services.replica.dispose())
