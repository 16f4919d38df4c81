"""The graphql-core and Strawberry internals Hearth's executors rely on, in one place.

``api.execution`` (the fast path and the compiled plans) reaches past both libraries'
public APIs. Everything it uses that is not public is named here, both versions are
pinned exactly in ``pyproject.toml``, and ``tests/unit/test_library_pins.py`` fails with
a clear message when either version, or any of these internals, changes. Turn the
compiled plans off with ``HEARTH_COMPILED_EXECUTION=false`` and the fast path with
``HEARTH_EXECUTOR=graphql-core`` while re-checking.

graphql-core 3.3 (``graphql.execution.executor.Executor``, subclassed through
Strawberry's execution context):

- the executor methods a plan calls or overrides, with these signatures:
  ``execute_fields(parent_type, source, path, grouped_field_set, position_context)``,
  ``execute_field(parent_type, source, field_details_list, path, position_context)``,
  ``complete_value`` and ``complete_awaitable_value(return_type, field_details_list,
  info, path, result, position_context)``, ``handle_field_error(raw_error,
  return_type, field_details_list, path)`` (raises for a non-null type, else records),
  ``build_resolve_info``, ``collect_subfields(return_type, field_details_list)`` (a
  ``(grouped_field_set, new_defer_usages, forbidden)`` triple, memoized per executor in
  ``_relevant_sub_fields``), ``settle_in_background`` and ``variable_values.coerced``;
- ``Path`` is a NamedTuple ``(prev, key, typename)``, built with ``tuple.__new__``;
- ``FieldDetails`` carries ``node`` and ``fragment_variable_values``;
- ``execute(..., executor_class=..., **custom_args)`` hands ``custom_args`` to the
  executor's constructor.

Strawberry 0.341 (``strawberry.schema``):

- ``GraphQLCoreConverter.DEFINITION_BACKREF``: a GraphQL field's and argument's
  ``extensions`` hold their Strawberry definition (``base_resolver``, ``extensions``,
  ``default_resolver``, ``python_name``, ``is_maybe``), and a plain field's resolver is
  marked ``_is_default``;
- a resolver's ``is_async``, ``self_parameter``, ``info_parameter``, ``root_parameter``,
  ``parent_parameter`` and ``wrapped_func``;
- the ``is_type_of`` Strawberry gives object types ignores its ``info`` argument when the
  type defines no ``is_type_of`` of its own (``definition.is_type_of`` is None), and is
  True for an instance of the type's own class (``definition.origin``) that carries no
  ``strawberry.cast`` mark (``TYPE_CAST_ATTRIBUTE`` in its ``__dict__``);
- an enum type (``CustomGraphQLEnumType``) coerces a member of its ``wrapped_cls`` to the
  same name every time;
- ``Schema._execute_operation`` skips graphql-core when an ``on_execute`` hook already set
  ``execution_context.result`` (the hook the compiled plans use), and passes
  ``operation_extensions`` to the execution context;
- ``SchemaExtension._implements_resolve()`` tells field middleware apart, and
  ``Schema._schema`` is the schema's ``GraphQLSchema``;
- ``Info._raw_info`` has the fields of graphql-core's ``GraphQLResolveInfo``
  (``graphql_info``: ``api.posts.assemble`` reads the field's AST from it rather than
  ``Info.selected_fields``, which converts the whole selection on every call).

Rendering live events once per audience (``api.execution.audience``, turned off with
``HEARTH_LIVE_RENDER_ONCE=false``) relies on more of both, described and kept in that
module: graphql-core's ``map_source_to_response_event`` runs ``execute_operation(False)``
on what ``build_per_event_executor`` returns, and Strawberry's websocket handlers pass
``ExecutionResult.data`` to the view's ``encode_json`` untouched. The circle fan-out
(``api.realtime.fanout``) also relies on graphql-core building the subscription root
field's info (``build_resolve_info``) on the subscription's executor just before it calls
the field's ``subscribe`` resolver, in the same task (``api.execution.base.SUBSCRIBING``),
and on Strawberry's graphql-transport-ws handler running each operation in its own task
(``run_operation(operation)``, an ``Operation`` with ``id`` and ``completed``, the
handler's ``context``), so that ``api.http.TransportWSHandler`` can write an operation's
``next`` messages itself.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLField, GraphQLObjectType
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

__all__ = [
    "DEFINITION_BACKREF",
    "GRAPHQL_CORE_VERSION",
    "PATH_NEW",
    "STRAWBERRY_VERSION",
    "TYPE_CAST_ATTRIBUTE",
    "definition_of",
    "enum_class",
    "graphql_info",
    "has_default_resolver",
    "implements_field_middleware",
    "own_class",
    "plain_is_type_of",
]

GRAPHQL_CORE_VERSION = "3.3.2"  # the version these internals were checked against
STRAWBERRY_VERSION = "0.341.2"

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF

PATH_NEW = tuple.__new__  # Path(prev, key, typename) without NamedTuple's Python __new__


def definition_of(graphql_thing: Any) -> Any:
    """The Strawberry definition behind a GraphQL field or argument, or None."""
    return (graphql_thing.extensions or {}).get(DEFINITION_BACKREF)


def has_default_resolver(field_def: GraphQLField) -> bool:
    """True when Strawberry resolves the field with its default attribute getter."""
    return bool(getattr(field_def.resolve, "_is_default", False))


def plain_is_type_of(object_type: GraphQLObjectType) -> bool:
    """True when the type's ``is_type_of`` is absent or Strawberry's own (which ignores
    ``info``), so it may be called without one."""
    if object_type.is_type_of is None:
        return True
    definition = definition_of(object_type)
    return definition is not None and getattr(definition, "is_type_of", None) is None


def own_class(object_type: GraphQLObjectType) -> type | None:
    """The class whose plain instances Strawberry's ``is_type_of`` accepts (see above),
    when such an instance can be recognised from its ``__dict__``; else None."""
    if not plain_is_type_of(object_type) or object_type.is_type_of is None:
        return None
    origin = getattr(definition_of(object_type), "origin", None)
    if not isinstance(origin, type) or hasattr(origin, TYPE_CAST_ATTRIBUTE):
        return None
    if "__slots__" in vars(origin):  # instances without a __dict__
        return None
    return origin


def enum_class(named_type: Any) -> type | None:
    """The Python enum whose members a Strawberry enum type coerces, or None."""
    if isinstance(named_type, CustomGraphQLEnumType):
        wrapped: type = named_type.wrapped_cls
        return wrapped
    return None


def implements_field_middleware(extension: SchemaExtension) -> bool:
    """True for an extension that hooks every field (``resolve``)."""
    return bool(type(extension)._implements_resolve())


def graphql_info(info: Any) -> Any:
    """The resolve info behind a Strawberry ``Info``: a NamedTuple with the fields of
    graphql-core's ``GraphQLResolveInfo`` (Strawberry's own copy of it, not a subclass),
    of which Hearth reads ``field_nodes`` and ``fragments``."""
    return info._raw_info
