"""Pages rendered by the store: what a known document asks of a circle's posts (or a
post's replies), read off its AST once, and the connection built around the items the
store rendered.

When a persisted or trusted document runs on its compiled plan
(``api.execution.compiled``), ``Circle.posts`` asks ``PostReads.rendered_feed_page`` (and
``Post.replies`` ``rendered_replies_page``) for the page already rendered to JSON
(``infra.db.reads.rendered``: one statement on PostgreSQL), and ``rendered_page`` builds
the connection (edges, cursors, page info) around it here. The
field's value is then complete (``api.execution.prebuilt``): no Post, Reply or Member
objects are made and no field of them is executed.

``connection_shape`` accepts plain selections only: fields, and fragments on the type
itself or its interfaces, without directives, each response key used once (or for the
same leaf field twice); anything else (``@skip``, two different fields or objects under
one key, a field with arguments other than
``latestReplies(first:)``) leaves the page to the usual path, as does a field the store
does not render (``folded``, ``riskBadge``, ``replies``, ``circle``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from api.execution.internals import graphql_info
from api.execution.prebuilt import prebuilt, prebuilt_taken
from api.observability import PLAN_FALLBACKS, STORE_RENDERED
from api.pagination import encode_cursor
from domain.posts.reads import Page, Rendered, Shape, Wanted

_LATEST = "latestReplies"


def _applies(condition: str | None, object_type: GraphQLObjectType) -> bool:
    return (
        condition is None
        or condition == object_type.name
        or any(i.name == condition for i in object_type.interfaces)
    )


def _fields(
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    out: list[FieldNode],
) -> bool:
    """The fields of a selection set in response order, through fragments; False for a
    selection this module does not take."""
    for selection in selection_set.selections:
        if selection.directives:
            return False
        if isinstance(selection, FieldNode):
            out.append(selection)
            continue
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            found = fragments.get(selection.name.value)
            if found is None or found.directives:
                return False
            condition, inner = found.type_condition, found.selection_set
        else:  # pragma: no cover - GraphQL has no other selection
            return False
        if not _applies(condition.name.value if condition else None, object_type):
            return False
        if not _fields(object_type, inner, fragments, out):
            return False
    return True


def _first(node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    """``latestReplies``' ``first`` as its resolver bounds it (default 3, 1 to 10);
    None for any other argument."""
    value: Any = 3
    for argument in node.arguments or ():
        if argument.name.value != "first":
            return None
        given = argument.value
        if isinstance(given, VariableNode):
            found = variables.get(given.name.value)
            value = 3 if found is None else found
        elif hasattr(given, "value"):
            value = int(given.value)  # an IntValueNode: validation checked the type
        else:
            return None
    if not isinstance(value, int):
        return None
    return min(max(value, 1), 10)


def _same_leaf(one: FieldNode, other: FieldNode) -> bool:
    """Two selections of one leaf field without arguments (merged into one answer)."""
    return (
        one.name.value == other.name.value
        and not one.arguments
        and not other.arguments
        and one.selection_set is None
        and other.selection_set is None
    )


def _shape(
    schema: GraphQLSchema,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> Shape | None:
    nodes: list[FieldNode] = []
    if not _fields(object_type, selection_set, fragments, nodes):
        return None
    shape: list[Wanted] = []
    keys: dict[str, FieldNode] = {}
    for node in nodes:
        name = node.name.value
        key = node.alias.value if node.alias else name
        if key in keys:
            if _same_leaf(keys[key], node):
                continue  # GraphQL merges them into one
            return None
        keys[key] = node
        if name == "__typename":
            shape.append(Wanted(key, name, type_name=object_type.name))
            continue
        field = object_type.fields.get(name)
        if field is None:
            return None
        first = None
        if name == _LATEST:
            first = _first(node, variables)
            if first is None:
                return None
        elif node.arguments:
            return None
        of = None
        if node.selection_set is not None:
            inner = get_named_type(field.type)
            if not isinstance(inner, GraphQLObjectType):
                return None
            of = _shape(schema, inner, node.selection_set, fragments, variables)
            if of is None:
                return None
        shape.append(Wanted(key, name, of, first))
    return tuple(shape)


_Entry = tuple[FieldNode, list[str], dict[tuple[Any, ...], Shape | None]]
_SHAPES: dict[int, _Entry] = {}
"""Per field node of a plan's document (by identity; the node is kept, so its id is not
reused): the variables its shape depends on, and the shape per value of them."""
_SHAPES_LIMIT = 512


def _variables_read(node: FieldNode, fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """The variables that ``latestReplies(first:)`` reads under a field, through its
    fragments: their values change the shape (no other argument is taken)."""
    names: list[str] = []
    stack: list[Any] = [node]
    seen: set[str] = set()
    while stack:
        current = stack.pop()
        if isinstance(current, FragmentSpreadNode):
            name = current.name.value
            found = fragments.get(name)
            if found is not None and name not in seen:
                seen.add(name)
                stack.append(found)
            continue
        if isinstance(current, FieldNode) and current.name.value == _LATEST:
            names.extend(
                a.value.name.value
                for a in current.arguments or ()
                if a.name.value == "first" and isinstance(a.value, VariableNode)
            )
        if getattr(current, "selection_set", None) is not None:
            stack.extend(current.selection_set.selections)
    return names


def connection_shape(raw_info: Any) -> Shape | None:
    """What the field being resolved (a connection of posts or replies) asks for, or
    None when it is not a selection this module takes. Cached per field of a known document: a
    compiled plan keeps its document's AST, so the same node comes back on every run.
    Fragments are looked at when the shape is first made; a known document's fragments
    are those of the same AST."""
    if len(raw_info.field_nodes) != 1:
        return None
    node: FieldNode = raw_info.field_nodes[0]
    variables: Mapping[str, Any] = raw_info.variable_values
    entry = _SHAPES.get(id(node))
    if entry is None or entry[0] is not node:
        if len(_SHAPES) >= _SHAPES_LIMIT:
            _SHAPES.clear()
        entry = _SHAPES[id(node)] = (node, _variables_read(node, raw_info.fragments), {})
    read = tuple(variables.get(name) for name in entry[1])
    if read in entry[2]:
        return entry[2][read]
    connection = get_named_type(raw_info.return_type)
    shape = None
    if isinstance(connection, GraphQLObjectType) and node.selection_set is not None:
        fragments = raw_info.fragments
        shape = _shape(raw_info.schema, connection, node.selection_set, fragments, variables)
    if shape is not None and node_shape(shape) is None:
        shape = None
    if len(entry[2]) < _SHAPES_LIMIT:
        entry[2][read] = shape
    return shape


def node_shape(connection: Shape) -> Shape | None:
    """What the connection asks of each post (through ``edges { node }`` or ``nodes``,
    not both unless alike); None when it asks for nothing of them or for a field a
    connection does not have."""
    found: list[Shape] = []
    for want in connection:
        if want.name == "edges":
            assert want.of is not None
            for inner in want.of:
                if inner.name == "node" and inner.of is not None:
                    found.append(inner.of)
                elif inner.name not in ("cursor", "__typename"):
                    return None
        elif want.name == "nodes" and want.of is not None:
            found.append(want.of)
        elif want.name not in ("pageInfo", "__typename"):
            return None
    if not found or any(shape != found[0] for shape in found):
        return None
    return found[0]


def rendered_connection(
    kind: str, shape: Shape, page: Page[Rendered], embed: Any, after: str | None
) -> dict[str, Any]:
    """The connection's completed value: ``shape``'s fields of a page of posts or
    replies the store rendered, with the cursors (of list ``kind``) and page info
    ``api.pagination.connection`` would give them. ``embed`` makes each item's JSON text
    a value of the answer: ``orjson.Fragment``, which the response's encoder
    (``api.http``, orjson) writes out as it is, unparsed."""
    cursors = [encode_cursor(kind, item.created_at, item.id) for item in page.items]
    nodes = [embed(item.json) for item in page.items]
    value: dict[str, Any] = {}
    for want in shape:
        if want.name == "edges":
            assert want.of is not None
            value[want.key] = [_edge(want.of, c, n) for c, n in zip(cursors, nodes, strict=True)]
        elif want.name == "nodes":
            value[want.key] = nodes
        elif want.name == "pageInfo":
            assert want.of is not None
            value[want.key] = _page_info(want.of, cursors, page.has_more, after)
        else:
            value[want.key] = want.type_name
    return value


def _edge(shape: Shape, cursor: str, node: Any) -> dict[str, Any]:
    edge: dict[str, Any] = {}
    for want in shape:
        edge[want.key] = (
            cursor if want.name == "cursor" else node if want.name == "node" else want.type_name
        )
    return edge


def _page_info(
    shape: Shape, cursors: Sequence[str], more: bool, after: str | None
) -> dict[str, Any]:
    facts = {
        "hasNextPage": more,
        "hasPreviousPage": after is not None,
        "startCursor": cursors[0] if cursors else None,
        "endCursor": cursors[-1] if cursors else None,
    }
    return {w.key: w.type_name if w.name == "__typename" else facts[w.name] for w in shape}


Read = Callable[[Shape], Awaitable[Page[Rendered] | None]]
"""The read port's rendering of a page for an item shape (None: it cannot)."""


async def rendered_page(info: Any, kind: str, after: str | None, read: Read) -> Any | None:
    """The resolver's field value when a compiled plan runs and the store renders what
    the document asks (``prebuilt``), or None to read the page into objects as before
    (counted as a ``store_rendering`` fallback). The caller has checked the viewer, the
    page size and the cursor, as it does for the objects."""
    if not prebuilt_taken():
        return None
    shape = connection_shape(graphql_info(info))
    items = node_shape(shape) if shape is not None else None
    if shape is not None and items is not None:
        page = await read(items)
        if page is not None:
            STORE_RENDERED.inc()
            return prebuilt(rendered_connection(kind, shape, page, orjson.Fragment, after))
    PLAN_FALLBACKS.labels("store_rendering").inc()
    return None
