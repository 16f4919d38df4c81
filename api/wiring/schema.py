"""The schema as the app serves it: the root types of ``api.schema`` with the
extensions that tie it to the process (metrics, the read replica's routing, the
trusted-documents manifest, the guards, error masking and compiled execution).

``build_schema`` is called by the app's lifespan, the ``hearth`` command and
``make schema``; nothing is built at import time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from api.documents import check_manifest
from api.errors import should_mask_error, tag_refusal, tag_unavailable
from api.execution import FastExecutionContext, HearthExecutionContext
from api.execution.compiled import CompiledPlans, compiled_execution
from api.guards import guard_extensions
from api.observability import note
from api.persisted import persisted_operations
from api.scalars import SCALAR_OVERRIDES
from api.schema import EXTRA_TYPES, HearthMaskErrors, Mutation, Query, Subscription
from infra.db.engine import reading_the_primary
from infra.metrics import GRAPHQL_ERRORS, GRAPHQL_OPERATIONS, operation_label
from infra.persisted_queries import ManifestError, load_manifest
from infra.settings import ExecutorKind, Settings

log = logging.getLogger("hearth.graphql")


class HearthSchema(strawberry.Schema):
    """Logs unexpected errors with their traceback, and other errors only by code:
    GraphQL error messages may echo input values such as a post body."""

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
                log.error(
                    "unexpected error in %s",
                    ".".join(str(p) for p in error.path or []) or "operation",
                    exc_info=(type(original), original, original.__traceback__)
                    if original
                    else None,
                )


class OperationMetrics(SchemaExtension):
    """Each operation's duration by name (bounded) and type, and its name in the log."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        name = operation_label(context.operation_name)
        try:
            kind = context.operation_type.value
        except Exception:  # the document did not parse: no operation type
            kind = "invalid"
        GRAPHQL_OPERATIONS.labels(name, kind).observe(time.perf_counter() - started)
        note(operation=name)


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
        CompiledPlans()
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
    if trusted is not None:
        refused = [r for r in check_manifest(schema._schema, trusted, settings) if r.problems]
        if refused:
            first = refused[0]
            raise ManifestError(
                f"{len(refused)} trusted document(s) fail the schema or the limits, e.g. "
                f"{first.sha256[:12]} ({first.operation}): {first.problems[0]}"
            )
    return schema
