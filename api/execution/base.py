"""The execution context every Hearth schema uses, whichever executor is chosen.

graphql-core 3.3 runs each subscription event on ``build_per_event_executor``: a
*shallow copy* of the subscription's executor. The copy shares the executor's memo
of collected sub-fields (``_relevant_sub_fields``), and each event collects its root
fields anew, so every event added entries keyed by field lists that never recur:
a long-lived subscription kept about 2 KiB per delivered event, forever (3.5 KiB
with the fast path's own caches). Here each event's executor starts with empty
memos, so what a subscription holds is bounded by its document, not by the number
of events it has delivered (``tests/unit/test_subscription_memory.py``).

Live circle events come as ``api.execution.audience.SharedEvent``s: that module
executes them once per audience (``HEARTH_LIVE_RENDER_ONCE``).

This relies on one private attribute of graphql-core (listed with the other internals
in ``api.execution.internals``); ``pyproject.toml`` pins graphql-core exactly and
``tests/unit/test_library_pins.py`` fails loudly when the installed version or the
attribute changes.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, GraphQLResolveInfo
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.execution.audience import SharedEvent, count_own_execution, per_event_executor
from api.execution.internals import GRAPHQL_CORE_VERSION

__all__ = ["GRAPHQL_CORE_VERSION", "SUBSCRIBING", "HearthExecutionContext"]

# The executor of the subscription whose root field is being resolved: set when
# graphql-core builds the root field's info, just before it calls the field's
# ``subscribe`` resolver, in the operation's own task (whose context keeps it). The
# circle fan-out renders the subscription's document once per audience with it
# (api.realtime.fanout).
SUBSCRIBING: ContextVar[HearthExecutionContext | None] = ContextVar(
    "hearth_subscribing", default=None
)


class HearthExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with per-event memos for subscriptions."""

    def build_per_event_executor(self, payload: Any) -> Any:
        if isinstance(payload, SharedEvent):  # rendered once per audience
            return per_event_executor(self, payload)
        count_own_execution()
        return self.event_executor(payload)

    def event_executor(self, root_value: Any) -> HearthExecutionContext:
        """The executor of one event, with ``root_value`` as its root."""
        executor = super().build_per_event_executor(root_value)
        assert isinstance(executor, HearthExecutionContext)  # a copy of self
        executor.forget_memos()
        return executor

    def build_resolve_info(
        self,
        field_def: GraphQLField,
        field_nodes: Any,
        parent_type: GraphQLObjectType,
        path: Path,
    ) -> GraphQLResolveInfo[Any]:
        if path.prev is None and parent_type is self.schema.subscription_type:
            SUBSCRIBING.set(self)
        return super().build_resolve_info(field_def, field_nodes, parent_type, path)

    def forget_memos(self) -> None:
        """Start with empty per-operation caches (each event is its own execution)."""
        self._relevant_sub_fields = {}
