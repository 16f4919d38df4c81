"""Completing plain object fields (and lists of them) the way graphql-core's
``execute_field`` would: same paths, same error locations, same nulls. The base of
``api.execution.FastExecutionContext``."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType
from graphql.pyutils import Path

from api.execution.awaiting import gather_items, guarded
from api.execution.base import HearthExecutionContext
from api.execution.plans import SLOW, ObjectPlan


class ObjectCompletion(HearthExecutionContext):
    """Sub-selections of objects a plan already read and checked."""

    def _objects(
        self,
        plan: ObjectPlan,
        parent_type: GraphQLObjectType,
        path: Path | None,
        response_name: str,
        details: Any,
        value: Any,
    ) -> Any:
        """An object (or list of objects) completed like ``execute_field`` would;
        ``SLOW`` (before anything ran) when graphql-core must do it."""
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
            return guarded(self, completed, plan.return_type, details, field_path)
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
                completed = guarded(self, completed, item_type, details, item_path)
                pending.append(index)
            out.append(completed)
        if not pending:
            return out
        return gather_items(out, pending)
