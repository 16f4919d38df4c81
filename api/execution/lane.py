"""The direct lane: a known document's operation run on its plan without Strawberry's
extension pipeline (``HEARTH_DIRECT_LANE``).

A request that sends only a persisted hash (``extensions.persistedQuery``, no query)
whose document has already passed parsing, validation and every limit on this schema,
and has a compiled plan (``api.execution.compiled``), needs none of the per-request work
the schema's extensions do around it: they would parse nothing (the parser cache),
validate nothing (the validation cache), and check limits that hold for the document
whatever the variables. What is left is done here, in the order the extensions do it:

- ``api.persisted``: the hash is one of the trusted manifest's, or the APQ store still
  has it (an evicted document is answered ``PersistedQueryNotFound`` by the pipeline, as
  before); the answer is marked persisted (the HTTP caching headers);
- the operation: picked by name as Strawberry picks it, and refused by the pipeline if
  it is missing, not allowed on this HTTP method, or a subscription;
- ``MutationsReadThePrimary``: a mutation reads the primary database;
- the plan runs as ``CompiledExecution`` runs it (``run_plan``);
- errors: the schema's ``process_errors`` (codes, metrics, logs); ``HearthSchema.execute``
  then masks them, as it does the pipeline's;
- ``OperationMetrics``: the operation's duration and its name in the access log.

The lane relies on every validation rule being the schema's own, built once: a document
that passed them once passes them on every request. A rule that looks at anything else
(the viewer, the variables, the time) would have to be checked here too.

Anything else, and any exception before the plan starts, goes through the pipeline,
which answers it exactly as before. Operations that took this lane count in
``hearth_graphql_direct_lane_runs_total``. Strawberry's internals it mirrors (the
execution context's operation naming, ``_coerce_error``, ``ExecutionResult``) are pinned
with the library (``tests/unit/test_library_pins.py``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_first_operation, get_operation_type

from api.execution.compiled import CompiledPlans, DocumentPlan, run_plan
from api.observability import DIRECT_LANE_RUNS
from api.persisted import HASH

Observe = Callable[[str | None, str, float], None]  # (operation name, type, seconds)


class DirectLane:
    """Runs ready known documents (see the module docstring) for one schema."""

    def __init__(
        self,
        plans: CompiledPlans,
        trusted: dict[str, str] | None,
        *,
        process_errors: Callable[[list[GraphQLError]], None],
        observe: Observe,
        reading_the_primary: Callable[[], contextlib.AbstractContextManager[None]],
    ) -> None:
        self.plans = plans
        self.trusted = trusted
        self.process_errors = process_errors
        self.observe = observe
        self.reading_the_primary = reading_the_primary

    async def ready(
        self,
        query: str | None,
        operation_extensions: dict[str, Any] | None,
        operation_name: str | None,
        allowed: Collection[OperationType],
        context: Any,
    ) -> tuple[DocumentPlan, str | None, OperationType] | None:
        """The plan, the operation's name and its type, when this request may take the
        lane; None sends it through the pipeline."""
        if query or not self.plans.enabled or not operation_extensions:
            return None
        persisted = operation_extensions.get("persistedQuery")
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return None
        sha = persisted.get("sha256Hash")
        if not isinstance(sha, str) or not HASH.match(sha):
            return None
        plan = self.plans.validated(sha)
        if plan is None:
            return None
        operation = _operation(plan, operation_name)
        if operation is None:
            return None
        name, kind = operation
        if kind not in allowed or kind is OperationType.SUBSCRIPTION:
            return None
        if self.trusted is not None:
            if sha not in self.trusted:
                return None
        else:
            try:
                if await context.services.persisted.get(sha) is None:
                    return None
            except Exception:
                return None  # the pipeline meets the same failure and reports it
        return plan, name, kind

    async def run(
        self,
        schema: Any,
        ready: tuple[DocumentPlan, str | None, OperationType],
        variables: dict[str, Any] | None,
        context: Any,
        root_value: Any,
        operation_extensions: dict[str, Any],
    ) -> ExecutionResult:
        """The operation's result, as the pipeline would have returned it."""
        plan, name, kind = ready
        started = time.perf_counter()
        response = getattr(context, "response", None)
        if response is not None:
            response.persisted = True  # as api.persisted: the HTTP caching headers
        try:
            mutation = kind is OperationType.MUTATION
            with self.reading_the_primary() if mutation else contextlib.nullcontext():
                result = await run_plan(
                    schema,
                    plan,
                    variables=variables,
                    context=context,
                    root_value=root_value,
                    operation_name=name,
                    operation_extensions=operation_extensions,
                    render_in_store=self.plans.render_in_store,
                )
            data, errors = result.data, result.errors
        except Exception as exc:  # as Strawberry's execute: the operation's one error
            data, errors = None, [exc if isinstance(exc, GraphQLError) else coerce_error(exc)]
        if errors:
            self.process_errors(errors)  # masking follows, in HearthSchema.execute
        DIRECT_LANE_RUNS.inc()
        self.observe(name, kind.value, time.perf_counter() - started)
        return ExecutionResult(data=data, errors=errors or None)


def coerce_error(exc: Exception) -> GraphQLError:
    """Strawberry's ``_coerce_error`` for an exception that is not a GraphQL error."""
    return GraphQLError(str(exc), original_error=exc)


def _operation(
    plan: DocumentPlan, operation_name: str | None
) -> tuple[str | None, OperationType] | None:
    """The operation's name and type as Strawberry's execution context names it: the
    given name, or the first operation's; None when the document has no such operation."""
    try:
        return plan.operations[operation_name]
    except KeyError:
        pass
    name = operation_name
    if name is None:
        first = get_first_operation(plan.document)
        name = first.name.value if first is not None and first.name else None
    try:
        kind = get_operation_type(plan.document, name)
    except RuntimeError:
        return None
    found = plan.operations[operation_name] = (name, kind)
    return found
