"""The composition root: the only part of ``api``, with the app (``api.app``), health
(``api.health``) and the middleware (``api.middleware``), that names ``infra``'s adapters.

- The process's resources: ``build_services`` chooses an adapter for every port of
  ``Services`` and builds it; ``close_services`` closes them, each step bounded.
- The schema as the app serves it: ``build_schema`` adds to the root types of
  ``api.schema`` the extensions that tie it to the process (metrics, the read replica's
  routing, the trusted-documents manifest, the guards, error masking, compiled execution).
- The ``hearth`` command (``main``). Operational commands live in ``infra.cli``; the ones
  that need the GraphQL schema live here:

      hearth documents check MANIFEST   validate every document of a trusted-documents
                                        manifest against the schema and the limits, with
                                        its cost; exit 1 when any is refused

Called from the app's lifespan, the worker command and ``make schema``; nothing is built
at import time.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import firebase_admin
import google.auth.credentials
import redis.asyncio as aioredis
import strawberry
from alembic.config import Config
from alembic.script import ScriptDirectory
from firebase_admin import credentials
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from api.container import Services
from api.documents import check_manifest
from api.errors import should_mask_error, tag_refusal, tag_unavailable
from api.execution import FastExecutionContext, HearthExecutionContext
from api.execution.compiled import CompiledPlans, compiled_execution
from api.execution.lane import DirectLane
from api.guards import guard_extensions
from api.observability import note
from api.persisted import persisted_operations
from api.scalars import SCALAR_OVERRIDES
from api.schema import EXTRA_TYPES, HearthMaskErrors, Mutation, Query, Subscription
from domain.clock import SystemClock
from domain.safety.detector import default_detector
from infra import cli as infra_cli
from infra.auth.accounts import FirebaseSignInAccounts, KeptSignInAccounts
from infra.auth.verifier import CompositeVerifier, DevTokenVerifier, FirebaseTokenVerifier
from infra.confusables import ConfusableSkeleton
from infra.contact_details import ContactDetails
from infra.db.engine import (
    ReadConnections,
    create_engine,
    create_session_factory,
    reading_the_primary,
)
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
from infra.metrics import GRAPHQL_ERRORS, GRAPHQL_OPERATIONS, operation_label
from infra.persisted_queries import LruDocuments, ManifestError, RedisDocuments, load_manifest
from infra.ratelimits import LimitsRateLimiter, build_rate_limiter
from infra.safety.crisis_data import load_crisis_directory
from infra.safety.detector import ObservedDetector
from infra.safety.resources import default_catalog
from infra.settings import ExecutorKind, Settings
from infra.worker import build_worker, close_push_sender, make_push_sender

# --- the process's resources --------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
_app_names = itertools.count(1)


def migration_head() -> str | None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


shutdown_log = logging.getLogger("hearth.shutdown")


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
        # A burst of requests waits (up to 2 s) for one of the pool's connections rather
        # than failing with MaxConnectionsError (redis-py's default pool raises at once),
        # which would let rate-limited actions through and lose persisted queries.
        redis = aioredis.Redis.from_pool(
            aioredis.BlockingConnectionPool.from_url(
                settings.redis_url,
                max_connections=settings.hearth_redis_max_connections,
                timeout=2,
                socket_connect_timeout=2,
                socket_timeout=2,
                health_check_interval=5,
            )
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
        shutdown_log.warning(
            "shutdown: %s did not finish in %g s; left behind", name, SHUTDOWN_STEP_SECONDS
        )
    elif task.exception() is not None:
        shutdown_log.warning("shutdown: %s failed: %r", name, task.exception())


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


# --- the schema as the app serves it ------------------------------------------------

graphql_log = logging.getLogger("hearth.graphql")


class HearthSchema(strawberry.Schema):
    """Logs unexpected errors with their traceback, and other errors only by code:
    GraphQL error messages may echo input values such as a post body. Known documents
    that are ready take the direct lane (``api.execution.lane``)."""

    direct_lane: DirectLane | None = None
    masker: HearthMaskErrors | None = None  # with HEARTH_MASK_ERRORS

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        lane, ready = self.direct_lane, None
        if lane is not None and operation_extensions:
            allowed = (
                DEFAULT_ALLOWED_OPERATION_TYPES
                if allowed_operation_types is None
                else frozenset(allowed_operation_types)
            )
            ready = await lane.ready(
                query, operation_extensions, operation_name, allowed, context_value
            )
            if ready is not None:
                result = await lane.run(
                    self, ready, variable_values, context_value, root_value, operation_extensions
                )
        if ready is None:
            result = await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        if self.masker is not None and result.errors:
            # Masking for both paths. Strawberry's MaskErrors masks the errors of a result,
            # but an exception that escapes execution or an extension becomes an error
            # after it has run, with the exception's own message; and the direct lane
            # runs no extension at all. Masking twice changes nothing.
            result.errors = [self.masker.mask(error) for error in result.errors]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            tag_unavailable(error)  # logged once per outage by the database layer
            tag_refusal(error)
            code = (error.extensions or {}).get("code") or (
                "INTERNAL_SERVER_ERROR" if should_mask_error(error) else "BAD_REQUEST"
            )
            GRAPHQL_ERRORS.labels(code).inc()
            if should_mask_error(error):
                original = error.original_error
                graphql_log.error(
                    "unexpected error in %s",
                    ".".join(str(p) for p in error.path or []) or "operation",
                    exc_info=(type(original), original, original.__traceback__)
                    if original
                    else None,
                )


def observe_operation(name: str | None, kind: str, seconds: float) -> None:
    """An operation's duration by name (bounded) and type, and its name in the log."""
    label = operation_label(name)
    GRAPHQL_OPERATIONS.labels(label, kind).observe(seconds)
    note(operation=label)


class OperationMetrics(SchemaExtension):
    """Each operation's duration by name (bounded) and type, and its name in the log."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except Exception:  # the document did not parse: no operation type
            kind = "invalid"
        observe_operation(context.operation_name, kind, time.perf_counter() - started)


class MutationsReadThePrimary(SchemaExtension):
    """A mutation's reads, its payload's included, go to the primary database: a read
    replica (``DATABASE_READ_URL``) may not have the write yet."""

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.operation_type is not OperationType.MUTATION:
            yield
            return
        with reading_the_primary():
            yield


def _extensions(
    settings: Settings, trusted: dict[str, str] | None, plans: CompiledPlans | None
) -> list[Callable[[], SchemaExtension] | type[Any]]:
    extensions: list[Callable[[], SchemaExtension] | type[Any]] = [
        persisted_operations(trusted),
        OperationMetrics,
        *guard_extensions(settings),
        MutationsReadThePrimary,
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    if settings.mask_errors:
        extensions.append(lambda: HearthMaskErrors(should_mask_error=should_mask_error))
    if plans is not None:
        extensions.append(compiled_execution(plans))  # last: inside every other on_execute
    return extensions


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema; with ``HEARTH_TRUSTED_DOCUMENTS`` only the manifest's documents run,
    and every one of them must pass the schema and the limits (``ManifestError``)."""
    settings = settings or Settings()
    trusted = (
        load_manifest(settings.hearth_trusted_documents)
        if settings.hearth_trusted_documents
        else None
    )
    plans = (
        CompiledPlans(render_in_store=settings.hearth_store_rendering)
        if settings.hearth_compiled_execution and settings.hearth_executor is ExecutorKind.FAST
        else None
    )
    batching = (
        {"batching_config": {"max_operations": settings.hearth_max_batch}}
        if settings.hearth_max_batch > 0
        else {}
    )
    schema = HearthSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=EXTRA_TYPES,
        extensions=_extensions(settings, trusted, plans),
        execution_context_class=(
            FastExecutionContext
            if settings.hearth_executor is ExecutorKind.FAST
            else HearthExecutionContext
        ),
        config=StrawberryConfig(**batching),  # type: ignore[arg-type]
        scalar_overrides=SCALAR_OVERRIDES,  # type: ignore[arg-type]
    )
    schema.compiled_plans = plans  # type: ignore[attr-defined]  # for bench.ab
    schema.masker = (
        HearthMaskErrors(should_mask_error=should_mask_error) if settings.mask_errors else None
    )
    if plans is not None and settings.hearth_direct_lane:
        schema.direct_lane = DirectLane(
            plans,
            trusted,
            process_errors=schema.process_errors,
            observe=observe_operation,
            reading_the_primary=reading_the_primary,
        )
    if trusted is not None:
        refused = [r for r in check_manifest(schema._schema, trusted, settings) if r.problems]
        if refused:
            first = refused[0]
            raise ManifestError(
                f"{len(refused)} trusted document(s) fail the schema or the limits, e.g. "
                f"{first.sha256[:12]} ({first.operation}): {first.problems[0]}"
            )
    return schema


# --- the hearth command -------------------------------------------------------------


def check_documents(path: Path, settings: Settings | None = None) -> int:
    settings = settings or Settings()
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    schema = build_schema(settings.model_copy(update={"hearth_trusted_documents": None}))
    refused = 0
    for report in check_manifest(schema._schema, manifest, settings):
        verdict = "ok     " if not report.problems else "REFUSED"
        refused += bool(report.problems)
        line = f"{verdict} {report.sha256[:12]}  cost {report.cost:>5}  {report.operation}"
        sys.stdout.write(line + "".join(f"\n        {p}" for p in report.problems) + "\n")
    total = len(manifest)
    limit = settings.hearth_max_query_cost
    sys.stdout.write(f"{total - refused} of {total} documents pass (cost limit {limit}).\n")
    return 1 if refused else 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["documents", "check"] and len(args) == 3:
        return check_documents(Path(args[2]))
    if args[:1] == ["documents"]:
        sys.stderr.write("usage: hearth documents check MANIFEST\n")
        return 2
    return infra_cli.main(args)


if __name__ == "__main__":
    raise SystemExit(main())
