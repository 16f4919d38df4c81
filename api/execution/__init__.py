"""A GraphQL execution context with a fast path for plain fields.

Most fields Hearth resolves are read straight off a dataclass: a post's ``body``,
its ``author``, a reaction count's ``kind``... graphql-core treats each like any
other field: a response path, a ``GraphQLResolveInfo`` with 15 members, argument
coercion, Strawberry's resolver wrapper, then ``complete_value``'s chain of type
dispatch. A feed page has ~1,000 such fields, and they were half its CPU.

``FastExecutionContext`` keeps graphql-core's executor for everything except
fields that Strawberry resolves with its default attribute getter (no resolver,
no permission classes, no field extensions) and that take no arguments
(``api.execution.plans``):

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

from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLObjectType, GraphQLOutputType, Undefined
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.execution.plans import SLOW, UNPLANNED, LeafPlan, ObjectPlan, plan_field, plans_of

__all__ = ["FastExecutionContext"]


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the plain-field fast path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._fast = manager is None or not manager.middlewares
        if self._fast:
            # Strawberry always passes a manager; an empty one still wraps every
            # resolver lookup on graphql-core's own path.
            self.middleware_manager = None

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_fields``, with plain fields completed in place."""
        if not self._fast:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plans = plans_of(parent_type)
        results: dict[str, Any] = {}
        pending: list[str] = []
        try:
            for response_name, details in grouped_field_set.items():
                node = details[0].node
                plan = plans.get(node.name.value, UNPLANNED)
                if plan is UNPLANNED:
                    plan = plans[node.name.value] = plan_field(parent_type, node.name.value)
                result: Any = SLOW
                if plan is not None and not node.arguments:
                    if type(plan) is LeafPlan:
                        result = plan.complete(source_value)
                    else:
                        result = self._object_field(
                            plan, parent_type, source_value, path, response_name, details
                        )
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
        return self._gather_fields(results, pending)

    async def _gather_fields(self, results: dict[str, Any], pending: list[str]) -> Any:
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
        else:
            done = await gather_with_cancel(*(results[name] for name in pending))
            results.update(zip(pending, done, strict=True))
        return results

    def _object_field(
        self,
        plan: ObjectPlan,
        parent_type: GraphQLObjectType,
        source: Any,
        path: Path | None,
        response_name: str,
        details: Any,
    ) -> Any:
        """An object (or list of objects) field completed like ``execute_field`` would."""
        value = plan.prepare(source)
        if value is None or value is SLOW:
            return value
        grouped, defers, _ = self.collect_subfields(plan.object_type, details)
        if defers:
            return SLOW
        field_path = Path(path, response_name, parent_type.name)
        try:
            if plan.is_list:
                completed = self._object_list(plan, grouped, details, field_path, value)
            else:
                completed = self.execute_fields(plan.object_type, value, field_path, grouped, None)
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, details, field_path)
            return None
        if self.is_awaitable(completed):
            return self._guarded(completed, plan.return_type, details, field_path)
        return completed

    def _object_list(
        self, plan: ObjectPlan, grouped: Any, details: Any, path: Path, items: Any
    ) -> Any:
        """Each item's sub-selection; an item's error nulls the item (or the list)."""
        item_type = plan.item_type
        assert item_type is not None
        out: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(items):
            if item is None:
                out.append(None)
                continue
            item_path = Path(path, index, None)
            try:
                completed = self.execute_fields(plan.object_type, item, item_path, grouped, None)
            except Exception as raw_error:
                try:
                    self.handle_field_error(raw_error, item_type, details, item_path)
                except Exception:
                    if pending:
                        self.settle_in_background([out[i] for i in pending])
                    raise
                completed = None
            if self.is_awaitable(completed):
                completed = self._guarded(completed, item_type, details, item_path)
                pending.append(index)
            out.append(completed)
        if not pending:
            return out
        return self._gather_items(out, pending)

    async def _gather_items(self, out: list[Any], pending: list[int]) -> list[Any]:
        done = await gather_with_cancel(*(out[i] for i in pending))
        for index, value in zip(pending, done, strict=True):
            out[index] = value
        return out

    async def _guarded(
        self, completed: Awaitable[Any], type_: GraphQLOutputType, details: Any, path: Path
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, type_, details, path)
            return None
