"""Live events rendered once per audience, and sent as the same serialised frame.

Every subscriber of a circle used to get a full GraphQL execution of its
subscription's document per event (0.5-1 ms each: 1,000 subscribers cost a second
of CPU per event). Most subscribers of a circle send the same document, and most of
them see an event the same way: only a few parts of a live event depend on the
viewer (``isMine``, ``viewerReactions``, a post folded for their muted topics, the
author's own hidden reason, ``isViewer``), and a block drops the event for them.

The subscription resolver (``api.realtime.subscriptions``) decides, per subscriber,
what the subscriber sees of an event (authorization stays per viewer) and yields a
:class:`SharedEvent`: the key of that view (equal for two subscribers exactly when
the event object built from it is the same for both), a way to build the event
object from the view alone, and a way to build it for this viewer with their
context. The subscription's executor (:func:`per_event_executor`, called from
``HearthExecutionContext.build_per_event_executor``) then:

- for a document whose every field is read off the event object (plain attributes:
  :func:`shared_document`), executes it once per (event, view, document) for all the
  subscribers of the process, with a context that has no viewer
  (a field that needed one would fail, and nothing is shared then), serialises the
  ``data`` once, and hands every subscriber of that audience the same bytes as an
  ``orjson.Fragment``: Strawberry puts ``data`` in the ``next`` message as it is, and
  ``HearthGraphQL.encode_json`` (orjson) copies the fragment into the frame;
- for any other document (a field with a resolver that reads the context, such as
  ``Post.circle`` or ``riskBadge``; a directive other than ``@include``/``@skip``; a
  variable that is not JSON), and whenever a shared execution reports an error,
  executes the document for the subscriber alone, exactly as before.

This relies on library internals, which is why it is all in this module:
graphql-core's ``map_source_to_response_event`` calls ``build_per_event_executor``
then ``execute_operation(False)`` on what it returns; the executor's ``operation``,
``fragment_definitions``, ``variable_values.sources`` and ``context_value``;
Strawberry's websocket handlers pass ``ExecutionResult.data`` to the view's
``encode_json`` untouched. Both libraries are pinned exactly (``pyproject.toml``);
``tests/unit/test_library_pins.py`` fails loudly on another version, and
``HEARTH_LIVE_RENDER_ONCE=false`` turns all of this off (the resolver then yields
each subscriber's own event object).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import orjson
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    is_abstract_type,
    is_object_type,
    print_ast,
)

from api.execution.plans import LeafPlan, ObjectPlan, plan_field
from api.observability import SUBSCRIPTION_EXECUTIONS
from api.realtime.cache import MISSING

log = logging.getLogger("hearth.realtime")
AUDIENCE_EXECUTIONS = SUBSCRIPTION_EXECUTIONS.labels("audience")
OWN_EXECUTIONS = SUBSCRIPTION_EXECUTIONS.labels("subscriber")

_DIRECTIVES = frozenset({"include", "skip"})  # their arguments are in the document's key


class Renders(Protocol):
    """Where an audience's render is kept while its subscribers take it
    (``api.realtime.cache.SnapshotCache``)."""

    def peek(self, key: Hashable) -> Any: ...

    async def get(self, key: Hashable, load: Callable[[], Any]) -> Any: ...


@dataclass(frozen=True, slots=True)
class SharedEvent:
    """One subscriber's view of a live event, as a subscription resolver yields it."""

    key: Hashable
    """The event and what this subscriber sees of it: equal for two subscribers exactly
    when ``build`` makes the same object for both."""
    build: Callable[[], Any]
    """The event object, from the view alone (no viewer, no context)."""
    own: Callable[[], Any]
    """The event object for this subscriber, with their context (for documents that
    read it)."""
    renders: Renders
    context: Callable[[], Any]
    """Makes the context a shared execution runs with: one without a viewer."""


def per_event_executor(subscription: Any, event: SharedEvent) -> Any:
    """What graphql-core runs for ``event``: the audience's shared render when the
    document allows it, else the subscriber's own execution."""
    document = shared_document(subscription)
    if document is None:
        return subscription.build_per_event_executor(event.own())
    return _SharedExecution(subscription, event, document)


class _SharedExecution:
    """Stands in for a per-event executor: ``execute_operation`` is all graphql-core
    calls on it."""

    __slots__ = ("_document", "_event", "_subscription")

    def __init__(self, subscription: Any, event: SharedEvent, document: str) -> None:
        self._subscription = subscription
        self._event = event
        self._document = document

    def execute_operation(self, serially: bool | None = None) -> Any:
        return self._run()

    async def _run(self) -> ExecutionResult:
        event = self._event
        data = await event.renders.get(
            (event.key, self._document), partial(_render, self._subscription, event)
        )
        if data is not None:
            return ExecutionResult(data, None)
        # Not shareable after all (an error): this subscriber's own execution, which
        # reports the error exactly as before.
        executor = self._subscription.build_per_event_executor(event.own())
        result = executor.execute_operation(False)
        if executor.is_awaitable(result):
            result = await result
        return result  # type: ignore[no-any-return]


def peek_render(subscription: Any, key: Hashable, renders: Renders) -> Any:
    """The audience's render of the view ``key`` for this subscription's document, when
    it is already made (the common case: every subscriber of the audience but the
    first), without making a ``SharedEvent``; None when the document cannot be shared,
    ``MISSING`` when it is not rendered yet (:func:`shared_render` makes it)."""
    document = shared_document(subscription)
    if document is None:
        return None
    return renders.peek((key, document))


async def shared_render(subscription: Any, event: SharedEvent) -> orjson.Fragment | None:
    """The audience's serialised data for ``event`` (rendered once per event, view and
    document in the process), or None when this subscription's document cannot be
    shared or its shared render reported an error (the subscriber's own execution
    then reports it). ``subscription`` is the subscription's executor
    (:data:`api.execution.base.SUBSCRIBING`)."""
    document = shared_document(subscription)
    if document is None:
        return None
    key = (event.key, document)
    found: orjson.Fragment | None = event.renders.peek(key)  # every subscriber but the first
    if found is MISSING:
        found = await event.renders.get(key, partial(_render, subscription, event))
    return found


def _render(
    subscription: Any, event: SharedEvent
) -> orjson.Fragment | Awaitable[orjson.Fragment | None] | None:
    """The audience's data, serialised; None when it cannot be shared. Plain fields
    complete synchronously, so this is usually done in the first subscriber's own step,
    and every other subscriber takes it without waiting."""
    try:
        executor = subscription.event_executor(event.build())
        executor.context_value = event.context()
        result = executor.execute_operation(False)
    except Exception:
        log.exception("a live event's shared render failed; rendering per subscriber")
        return None
    if executor.is_awaitable(result):
        return _finish(result)
    return _serialised(result)


async def _finish(result: Awaitable[ExecutionResult]) -> orjson.Fragment | None:
    try:
        done = await result
    except Exception:
        log.exception("a live event's shared render failed; rendering per subscriber")
        return None
    return _serialised(done)


def _serialised(result: ExecutionResult) -> orjson.Fragment | None:
    AUDIENCE_EXECUTIONS.inc()
    if result.errors:
        return None
    return orjson.Fragment(orjson.dumps(result.data))


def count_own_execution() -> None:
    """One execution of a subscription's document for one subscriber's event."""
    OWN_EXECUTIONS.inc()


def shared_document(subscription: Any) -> str | None:
    """The key of the subscription's document (operation, fragments, variables) when
    every field it selects under its root field is read off the event object; None
    when it selects anything else. Worked out once per subscription."""
    try:
        return subscription._hearth_shared_document  # type: ignore[no-any-return]
    except AttributeError:
        pass
    found = _document_key(subscription)
    if found is not None:
        cache = _shareable_cache(subscription.schema)
        shareable = cache.get(found)
        if shareable is None:
            shareable = cache[found] = _shareable(subscription)
        if not shareable:
            found = None
    subscription._hearth_shared_document = found
    return found


_PRINTED: dict[int, tuple[Any, str]] = {}  # id(operation) -> (operation, text)


def _printed(operation: Any, fragments: dict[str, FragmentDefinitionNode]) -> str:
    """The document's text, normalised. Strawberry's parser cache hands every
    subscriber sending the same query the same nodes, so it is printed once for all.
    The fragments come from the operation's own document; the operation is kept with
    the text, so its id cannot be reused meanwhile."""
    found = _PRINTED.get(id(operation))
    if found is not None and found[0] is operation:
        return found[1]
    text = "\n".join(
        [print_ast(operation), *(print_ast(fragments[name]) for name in sorted(fragments))]
    )
    if len(_PRINTED) >= 512:
        _PRINTED.clear()
    _PRINTED[id(operation)] = (operation, text)
    return text


def _document_key(subscription: Any) -> str | None:
    try:
        variables = orjson.dumps(
            {
                name: source.value
                for name, source in subscription.variable_values.sources.items()
                if source.value is not Undefined
            },
            option=orjson.OPT_SORT_KEYS,
        )
    except TypeError:
        return None  # not JSON (a caller in this process): never shared
    text = _printed(subscription.operation, subscription.fragment_definitions)
    return hashlib.sha256(f"{text}\n{variables.decode()}".encode()).hexdigest()


def _shareable_cache(schema: GraphQLSchema) -> dict[str, bool]:
    # Kept on the schema, like api.execution.plans' plans: it lives as long as it does.
    cache: dict[str, bool] | None = schema.__dict__.get("_hearth_shareable")
    if cache is None:
        cache = {}
        schema._hearth_shareable = cache  # type: ignore[attr-defined]
    if len(cache) > 1024:
        cache.clear()
    return cache


def _shareable(subscription: Any) -> bool:
    schema: GraphQLSchema = subscription.schema
    root = schema.subscription_type
    selections = subscription.operation.selection_set.selections
    if root is None or len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return False
    field = selections[0]
    definition = root.fields.get(field.name.value)
    if definition is None or field.directives or field.selection_set is None:
        return False
    walk = _Walk(schema, subscription.fragment_definitions)
    return walk.plain(get_named_type(definition.type), field.selection_set)


class _Walk:
    """Whether a selection reads only plain attributes (``api.execution.plans``), under
    every object type it may apply to."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments

    def objects(self, type_: GraphQLNamedType) -> list[GraphQLObjectType]:
        if is_object_type(type_):
            return [type_]
        if is_abstract_type(type_):
            return list(self.schema.get_possible_types(type_))
        return []

    def plain(self, parent: GraphQLNamedType, selection_set: SelectionSetNode) -> bool:
        for selection in selection_set.selections:
            if any(d.name.value not in _DIRECTIVES for d in selection.directives or ()):
                return False
            if isinstance(selection, FieldNode):
                if not self.plain_field(parent, selection):
                    return False
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is None or not self.plain(target, selection.selection_set):
                    return False
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or getattr(selection, "arguments", None):
                    return False
                target = self.schema.get_type(fragment.type_condition.name.value)
                if target is None or not self.plain(target, fragment.selection_set):
                    return False
            else:
                return False
        return True

    def plain_field(self, parent: GraphQLNamedType, field: FieldNode) -> bool:
        name = field.name.value
        if name == "__typename":
            return True
        objects = self.objects(parent)
        if not objects or name.startswith("__"):
            return False
        for object_type in objects:
            plan = plan_field(object_type, name)
            if isinstance(plan, LeafPlan):
                continue
            if not isinstance(plan, ObjectPlan) or field.selection_set is None:
                return False
            if not self.plain(plan.object_type, field.selection_set):
                return False
        return True
