"""Compiled execution for known documents: persisted (APQ) and trusted ones.

A known document is parsed and validated by the first request that sends it (Strawberry's
parser and validation caches, as for any request), then becomes a ``DocumentPlan``, kept
in a bounded LRU per schema (``CompiledPlans``) by its SHA-256. Later requests run the
plan:

- graphql-core builds the executor (operation, variables coercion: its own rules and
  errors) and resolves the root fields;
- every selection set is run by a *program* (``api.execution.compiler``): a Python
  function generated for that selection of that document, which builds the result dict
  straight from the objects the resolvers returned. Programs are compiled the first time a
  selection runs, per *variant* of the document: the operation and the values of the
  variables its ``@skip``/``@include`` directives read (at most ``MAX_VARIANTS``);
- fields a program does not complete itself (async resolvers, resolvers taking ``Info``,
  abstract types) run on graphql-core's ``execute_field`` (and their sub-selections on
  programs again), so authorization, anonymity and blocking stay where they are: in the
  resolvers and the read ports they call.

Documents the compiler does not support run on graphql-core (with the fast path of
``api.execution``) as before, counted in ``hearth_graphql_plan_fallbacks_total`` by reason:
``incremental`` (``@defer``/``@stream``), ``fragment_variables`` (graphql-core's
experimental fragment arguments), ``subscription``, ``middleware`` (a schema
extension hooks every field), ``variants`` (too many ``@skip``/``@include`` combinations),
``compile_error`` (a bug in the compiler: logged, and that selection runs on graphql-core).
Operations that ran on a plan count in ``hearth_graphql_plan_runs_total``.

``HEARTH_COMPILED_EXECUTION=false`` turns this off (and so does ``HEARTH_EXECUTOR=graphql-core``).
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any

from graphql import DocumentNode, GraphQLObjectType, execute
from graphql.language import (
    DirectiveNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    VariableNode,
    visit,
)
from graphql.language.visitor import Visitor
from graphql.pyutils import Path
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.execution import FastExecutionContext
from api.execution.compiler import RUNTIME, Compiler, Program, SelectionKey, selection_key
from api.execution.internals import implements_field_middleware
from api.execution.prebuilt import Prebuilt, taking_prebuilt
from api.observability import PLAN_FALLBACKS, PLAN_RUNS
from api.persisted import HASH

log = logging.getLogger("hearth.graphql")

PLAN_CACHE_SIZE = 512  # documents; as many as the parser and validation caches hold
MAX_VARIANTS = 16  # @skip/@include combinations compiled per document


class Variant:
    """The programs of one document for one operation and one outcome of its
    ``@skip``/``@include`` directives."""

    def __init__(self) -> None:
        self.programs: dict[SelectionKey, Program | None] = {}
        self.namespace: dict[str, Any] = dict(RUNTIME)

    def program(
        self, ex: Any, parent_type: GraphQLObjectType, grouped: dict[str, list[Any]]
    ) -> Program | None:
        key = selection_key(parent_type, grouped)
        try:
            return self.programs[key]
        except KeyError:
            pass
        try:
            program: Program | None = Compiler(ex, self.programs, self.namespace).compile(
                parent_type, grouped
            )
        except Exception:
            log.exception("compiling a selection on %s failed; graphql-core runs it", parent_type)
            PLAN_FALLBACKS.labels("compile_error").inc()
            program = self.programs[key] = None
        return program


class DocumentPlan:
    """A known document, ready to run: its AST (kept alive, so that programs may key
    on its nodes) and its variants' programs."""

    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.unsupported, self.directive_variables = _analyse(document)
        self.variants: dict[tuple[Any, ...], Variant] = {}
        # Set once the document has passed parsing, validation and every limit on this
        # schema and its plan has run: from then on it may take the direct lane
        # (``api.execution.lane``).
        self.validated = False
        # The direct lane's operations by the name a request gave (or None): the name
        # Strawberry runs it under, and its type.
        self.operations: dict[str | None, tuple[str | None, OperationType]] = {}

    def variant(
        self, operation: OperationDefinitionNode, variables: dict[str, Any]
    ) -> Variant | None:
        key = (id(operation), *(variables.get(name) for name in self.directive_variables))
        found = self.variants.get(key)
        if found is None:
            if len(self.variants) >= MAX_VARIANTS:
                return None
            found = self.variants[key] = Variant()
        return found


def _analyse(document: DocumentNode) -> tuple[str | None, tuple[str, ...]]:
    """Why the document cannot be compiled (or None), and the variables that
    ``@skip``/``@include`` read."""
    unsupported: list[str] = []
    variables: set[str] = set()

    class Directives(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            name = node.name.value
            if name in ("defer", "stream"):
                unsupported.append("incremental")
            elif name in ("skip", "include"):
                # `if:` is a Boolean literal (the same for every request) or a variable
                variables.update(
                    argument.value.name.value
                    for argument in node.arguments or ()
                    if isinstance(argument.value, VariableNode)
                )

        def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
            if node.variable_definitions:
                unsupported.append("fragment_variables")

    visit(document, Directives())
    return (unsupported[0] if unsupported else None), tuple(sorted(variables))


class CompiledExecutionContext(FastExecutionContext):
    """Runs a ``DocumentPlan``: selection sets on their programs, the rest as the fast
    path and graphql-core do."""

    def __init__(self, *args: Any, plan: DocumentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan_arguments: dict[int, dict[str, Any]] = {}
        self._variant = (
            plan.variant(self.operation, self.variable_values.coerced) if self._enabled else None
        )
        if self._variant is None:
            PLAN_FALLBACKS.labels("variants").inc()

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if source_value.__class__ is Prebuilt:
            return source_value.value
        variant = self._variant
        if variant is not None and position_context is None:
            program = variant.program(self, parent_type, grouped_field_set)
            if program is not None:
                return program(self, source_value, path)
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )


class CompiledPlans:
    """The plans of one schema: a bounded LRU by document hash."""

    def __init__(self, size: int = PLAN_CACHE_SIZE, *, render_in_store: bool = True) -> None:
        self.size = size
        self.enabled = True
        # Resolvers may hand the plan values the store rendered (``api.posts.rendered``,
        # ``HEARTH_STORE_RENDERING``).
        self.render_in_store = render_in_store
        self._plans: OrderedDict[str, DocumentPlan] = OrderedDict()

    def __len__(self) -> int:
        return len(self._plans)

    def plan_for(self, sha256: str, document: DocumentNode) -> DocumentPlan:
        """The plan of a known document (``document`` is its AST, used when the plan
        is made: the caller vouches that it is the document of ``sha256``)."""
        plan = self._plans.get(sha256)
        if plan is not None:
            self._plans.move_to_end(sha256)
            return plan
        plan = self._plans[sha256] = DocumentPlan(document)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)
        return plan

    def validated(self, sha256: str) -> DocumentPlan | None:
        """The plan of a known document that has passed validation and run on its
        plan before (``DocumentPlan.validated``), or None."""
        plan = self._plans.get(sha256)
        if plan is None or not plan.validated:
            return None
        self._plans.move_to_end(sha256)
        return plan


async def run_plan(
    schema: Any,
    plan: DocumentPlan,
    *,
    variables: dict[str, Any] | None,
    context: Any,
    root_value: Any,
    operation_name: str | None,
    operation_extensions: dict[str, Any] | None,
    render_in_store: bool,
) -> Any:
    """Run one operation of a known document on its plan: graphql-core's result."""
    with taking_prebuilt() if render_in_store else contextlib.nullcontext():
        result: Any = execute(
            schema._schema,
            plan.document,
            root_value=root_value,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # as Strawberry
            executor_class=CompiledExecutionContext,
            operation_extensions=operation_extensions,
            plan=plan,
        )
        if optimized_is_awaitable(result):
            result = await result
    PLAN_RUNS.inc()
    return result


def known_sha(operation_extensions: dict[str, Any] | None) -> str | None:
    """The document hash of a persisted query (``api.persisted`` checked that the
    document is the hash's before execution starts), or None."""
    persisted = (operation_extensions or {}).get("persistedQuery")
    sha = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return sha if isinstance(sha, str) and HASH.match(sha) else None


def compiled_execution(plans: CompiledPlans) -> Callable[[], SchemaExtension]:
    """The extension that runs known documents on their plans. It must come last among
    the schema's extensions: it runs the operation inside every other ``on_execute``."""
    middleware: list[bool] = []

    class CompiledExecution(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:
            context = self.execution_context
            sha = known_sha(context.operation_extensions)
            if (
                sha is None
                or not plans.enabled
                or context.result is not None
                or context.graphql_document is None
            ):
                yield
                return
            if context.operation_type is OperationType.SUBSCRIPTION:
                PLAN_FALLBACKS.labels("subscription").inc()
                yield
                return
            if not middleware:
                middleware.append(
                    any(implements_field_middleware(e) for e in context.schema.get_extensions())
                )
            plan = plans.plan_for(sha, context.graphql_document)
            reason = "middleware" if middleware[0] else plan.unsupported
            if reason is not None:
                PLAN_FALLBACKS.labels(reason).inc()
                yield
                return
            plan.validated = True  # it got here: parsed, validated, within every limit
            context.result = await run_plan(
                context.schema,
                plan,
                variables=context.variables,
                context=context.context,
                root_value=context.root_value,
                operation_name=context.operation_name,
                operation_extensions=context.operation_extensions,
                render_in_store=plans.render_in_store,
            )
            yield

    return CompiledExecution
