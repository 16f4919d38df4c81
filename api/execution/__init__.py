"""A GraphQL execution context with a fast path for plain fields.

Most fields Hearth resolves are read straight off a dataclass: a post's ``body``,
its ``author``, a reaction count's ``kind``... graphql-core treats each like any
other field: a response path, a ``GraphQLResolveInfo`` with 15 members, argument
coercion, Strawberry's resolver wrapper, then ``complete_value``'s chain of type
dispatch. A feed page has ~1,000 such fields, and they were half its CPU.

``FastExecutionContext`` keeps graphql-core's executor for everything except
fields that Strawberry resolves with its default attribute getter (no resolver,
no permission classes, no field extensions) and that take no arguments
(``api.execution.plans``; objects are completed by ``api.execution.objects``):

- scalars, enums and lists of them are read with ``getattr`` and coerced with the
  type's own ``coerce_output_value``: the value graphql-core would produce;
- concrete object types (and lists of them) run their sub-selection directly,
  after the same ``is_type_of`` check and with the same error handling: an error
  is located at the same path and nulls the same nearest nullable field.

Anything unusual (a null in a non-null field, a value a scalar rejects, a missing
attribute, an object ``is_type_of`` refuses, ``@defer``) goes back to the regular
path before anything ran, which reports it exactly as before: reading a
dataclass attribute has no side effects. Abstract types and fields with
resolvers always take the regular path. Strawberry's ``is_type_of`` ignores its
``info`` argument, so the fast path passes None (Hearth defines no custom one).

The fast path is off when field middleware is installed (it would not see these
fields). ``tests/unit/test_execution.py`` checks that data and errors equal
graphql-core's own executor on the real schema.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, Undefined
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

from api.execution.awaiting import gather_fields, guarded
from api.execution.base import HearthExecutionContext
from api.execution.objects import ObjectCompletion
from api.execution.plans import (
    SLOW,
    UNPLANNED,
    LeafPlan,
    Plan,
    ResolverPlan,
    plan_field,
    plans_of,
)

__all__ = ["FastExecutionContext", "HearthExecutionContext"]


class FastExecutionContext(ObjectCompletion):
    """Strawberry's execution context with the plain-field fast path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._enabled = manager is None or not manager.middlewares
        self._step_cache: dict[tuple[GraphQLObjectType, int], tuple[Any, list[Any]]] = {}
        self._argument_cache: dict[int, dict[str, Any]] = {}
        if self._enabled:
            # Strawberry always passes a manager; an empty one still wraps every
            # resolver lookup on graphql-core's own path.
            self.middleware_manager = None

    def forget_memos(self) -> None:
        # Keyed by the identity of field lists that each event collects anew: shared
        # with the subscription's executor they would grow with every event.
        super().forget_memos()
        self._step_cache = {}
        self._argument_cache = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_fields``, with plain fields completed in place."""
        if not self._enabled:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        pending: list[str] = []
        try:
            for response_name, details, plan, leaf in self._steps(parent_type, grouped_field_set):
                if leaf is not None:  # the commonest case, inlined: a plain scalar
                    try:
                        value = getattr(source_value, leaf.attr)
                    except Exception:
                        value = SLOW
                    else:
                        if type(value) is not leaf.as_is:
                            value = leaf.complete_value(value)
                    if value is not SLOW:
                        results[response_name] = value
                        continue
                    result = SLOW
                elif plan is not None:
                    result = self._fast(
                        plan, parent_type, source_value, path, response_name, details
                    )
                else:
                    result = SLOW
                if result is SLOW:
                    field_path = Path(path, response_name, parent_type.name)
                    result = self.execute_field(
                        parent_type, source_value, details, field_path, position_context
                    )
                    if result is Undefined:
                        continue
                results[response_name] = result
                if self.is_awaitable(result):
                    pending.append(response_name)
        except Exception:
            if pending:
                self.settle_in_background([results[name] for name in pending])
            raise
        if not pending:
            return results
        return gather_fields(results, pending)

    def _steps(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[Any]:
        """(response name, field details, plan) per field: worked out once per
        selection set and request (the 20 posts of a page share one)."""
        key = (parent_type, id(grouped_field_set))
        cached = self._step_cache.get(key)
        if cached is not None:
            return cached[1]
        plans = plans_of(parent_type)
        steps = []
        for response_name, details in grouped_field_set.items():
            name = details[0].node.name.value
            plan = plans.get(name, UNPLANNED)
            if plan is UNPLANNED:
                plan = plans[name] = plan_field(parent_type, name)
            leaf = plan if isinstance(plan, LeafPlan) and not plan.is_list else None
            steps.append((response_name, details, plan, leaf))
        # The set itself is kept so its id cannot be reused while this lives.
        self._step_cache[key] = (grouped_field_set, steps)
        return steps

    def _fast(
        self,
        plan: Plan,
        parent_type: GraphQLObjectType,
        source: Any,
        path: Path | None,
        response_name: str,
        details: Any,
    ) -> Any:
        """The field completed by its plan, or ``SLOW`` for graphql-core's own path."""
        if isinstance(plan, LeafPlan):
            return plan.complete(source)
        if isinstance(plan, ResolverPlan):
            return self._resolved(plan, parent_type, source, path, response_name, details)
        value = plan.prepare(source)
        if value is None or value is SLOW:
            return value
        return self._objects(plan, parent_type, path, response_name, details, value)

    def _resolved(
        self,
        plan: ResolverPlan,
        parent_type: GraphQLObjectType,
        source: Any,
        path: Path | None,
        response_name: str,
        details: Any,
    ) -> Any:
        """A plain synchronous resolver's field: called with its arguments, then
        completed by the fast path or, for anything unusual, by graphql-core."""
        field_def = plan.field_def
        try:
            kwargs = self._arguments(plan, details)
            value = plan.call(source, **kwargs)
        except Exception as raw_error:
            self.handle_field_error(
                raw_error, field_def.type, details, Path(path, response_name, parent_type.name)
            )
            return None
        if not self.is_awaitable(value):
            result = plan.result
            if isinstance(result, LeafPlan):
                completed = result.complete_value(value)
            else:
                checked = result.check(value)
                completed = checked
                if checked is not None and checked is not SLOW:
                    completed = self._objects(
                        result, parent_type, path, response_name, details, checked
                    )
            if completed is not SLOW:
                return completed
        return self._complete_regularly(plan, parent_type, path, response_name, details, value)

    def _arguments(self, plan: ResolverPlan, details: Any) -> dict[str, Any]:
        """The resolver's keyword arguments: the same for every object that shares
        this selection (the variables are fixed for the request), so worked out once."""
        cached = self._argument_cache.get(id(details))
        if cached is not None:
            return cached
        args = get_argument_values(
            plan.field_def,
            details[0].node,
            self.variable_values,
            details[0].fragment_variable_values,
            self.hide_suggestions,
        )
        kwargs = {plan.python_names[k]: v for k, v in args.items()}
        # ``details`` lives in the step cache as long as this context does.
        self._argument_cache[id(details)] = kwargs
        return kwargs

    def _complete_regularly(
        self,
        plan: ResolverPlan,
        parent_type: GraphQLObjectType,
        path: Path | None,
        response_name: str,
        details: Any,
        value: Any,
    ) -> Any:
        """graphql-core's completion of an already resolved value (as ``execute_field``)."""
        field_def = plan.field_def
        field_path = Path(path, response_name, parent_type.name)
        info = self.build_resolve_info(field_def, to_nodes(details), parent_type, field_path)
        if self.is_awaitable(value):
            return self.complete_awaitable_value(
                field_def.type, details, info, field_path, value, None
            )
        try:
            completed = self.complete_value(field_def.type, details, info, field_path, value, None)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_def.type, details, field_path)
            return None
        if self.is_awaitable(completed):
            return guarded(self, completed, field_def.type, details, field_path)
        return completed
