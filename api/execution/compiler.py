"""Selection programs: Python functions generated for one selection set of one known
document, graphql-jit style (see ``api.execution.compiled`` for when they run).

A program takes ``(executor, source, path)`` and returns the selection's result dict (or
an awaitable of it, exactly where graphql-core would return one). Its fields are
straight-line code, specialised at compile time:

- ``__typename`` is a constant;
- plain attributes (``api.execution.plans``: ``LeafPlan``/``ObjectPlan``) are read with
  ``source.attr`` and completed in place: ``str``/``bool``/``int`` values are their own
  output, other scalars and enums are coerced with the type's own ``coerce_output_value``,
  objects and lists of objects call the program of their sub-selection (compiled at the
  same time) after the type's ``is_type_of``;
- plain synchronous resolvers without ``Info`` (``ResolverPlan``) are called directly with
  their arguments (coerced once per request), and their value completed the same way;
- every other field (async resolvers, resolvers that take ``Info``, abstract types,
  introspection) is handed to graphql-core's ``execute_field`` as it is.

Anything unusual on the way (a null in a non-null field, a value a scalar rejects, an
object ``is_type_of`` refuses, an awaitable, a failing attribute) is completed by
graphql-core's own ``complete_value`` for that one value, so errors carry graphql-core's
messages and paths; errors go through ``handle_field_error`` at the same positions as in
graphql-core (a non-null error propagates to the nearest nullable field or list item,
which becomes null), in the same order. Response names and type names come from a
validated document (GraphQL names) and are written into the source with ``repr``;
everything else the code uses is a constant in the programs' namespace.
"""

from __future__ import annotations

import itertools
import keyword
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import CoroutineType, GeneratorType
from typing import Any
from uuid import UUID

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    Undefined,
    get_named_type,
    is_list_type,
    is_non_null_type,
    is_specified_scalar_type,
)
from graphql.execution.values import get_argument_values
from graphql.language import (
    FieldNode,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
)
from graphql.pyutils import Path
from strawberry.execution import optimized_is_awaitable

from api.execution.awaiting import gather_fields, gather_items, guarded
from api.execution.internals import (
    PATH_NEW,
    TYPE_CAST_ATTRIBUTE,
    enum_class,
    own_class,
    plain_is_type_of,
)
from api.execution.plans import (
    SLOW,
    UNPLANNED,
    LeafPlan,
    ObjectPlan,
    Plan,
    ResolverPlan,
    plan_field,
    plans_of,
)

Program = Callable[[Any, Any, Path | None], Any]
SelectionKey = tuple[GraphQLObjectType, tuple[int, ...]]

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
# Exact classes whose values a scalar's output is: the same as its coercion returns.
_AS_IS: dict[str, type] = {
    GraphQLString.name: str,
    GraphQLID.name: str,
    GraphQLBoolean.name: bool,
    GraphQLInt.name: int,
}


@dataclass(frozen=True, slots=True)
class Site:
    """One field of one selection set: what its slow paths hand to graphql-core."""

    parent_type: GraphQLObjectType
    response_name: str
    details: list[Any]  # graphql-core's FieldDetailsList
    nodes: list[FieldNode]
    field_def: GraphQLField
    return_type: GraphQLOutputType
    item_type: GraphQLOutputType | None


def selection_key(parent_type: GraphQLObjectType, grouped: dict[str, list[Any]]) -> SelectionKey:
    """Identifies a collected selection set of one document: its type and field nodes
    (the document, held by its plan, keeps the nodes and so their ids alive)."""
    return (parent_type, tuple([id(d.node) for details in grouped.values() for d in details]))


# --- what generated code calls ------------------------------------------------------

_NOT_AWAITABLE: set[type] = {int, float, str, bool, datetime, date, Decimal, UUID, type(None)}


def admit(cls: type) -> bool:
    """True when no instance of ``cls`` is awaitable (then graphql-core would complete
    the value as is); remembered per class."""
    if cls in _NOT_AWAITABLE:
        return True
    if issubclass(cls, CoroutineType | GeneratorType) or hasattr(cls, "__await__"):
        return False
    if len(_NOT_AWAITABLE) < 4096:
        _NOT_AWAITABLE.add(cls)
    return True


def _field_path(path: Path | None, site: Site) -> Path:
    field_path: Path = PATH_NEW(Path, (path, site.response_name, site.parent_type.name))
    return field_path


def complete_slow(ex: Any, site: Site, path: Path | None, value: Any) -> Any:
    """graphql-core's completion of a resolved value (as ``execute_field`` does it)."""
    field_path = _field_path(path, site)
    return_type = site.return_type
    info = ex.build_resolve_info(site.field_def, site.nodes, site.parent_type, field_path)
    if ex.is_awaitable(value):
        return ex.complete_awaitable_value(return_type, site.details, info, field_path, value, None)
    return _complete(ex, site, return_type, info, field_path, value)


def item_slow(ex: Any, site: Site, list_path: Path, index: int, item: Any) -> Any:
    """graphql-core's completion of one list item (as ``complete_iterable_value``)."""
    item_path = PATH_NEW(Path, (list_path, index, None))
    item_type = site.item_type
    assert item_type is not None  # the site of a list field
    info = ex.build_resolve_info(site.field_def, site.nodes, site.parent_type, list_path)
    if ex.is_awaitable(item):
        return ex.complete_awaitable_list_item_value(
            item, item_type, site.details, info, item_path, None
        )
    return _complete(ex, site, item_type, info, item_path, item)


def _complete(
    ex: Any, site: Site, type_: GraphQLOutputType, info: Any, path: Path, value: Any
) -> Any:
    try:
        completed = ex.complete_value(type_, site.details, info, path, value, None)
    except Exception as raw_error:
        ex.handle_field_error(raw_error, type_, site.details, path)
        return None
    if ex.is_awaitable(completed):
        return guarded(ex, completed, type_, site.details, path)
    return completed


def field_error(ex: Any, site: Site, path: Path | None, error: Exception) -> None:
    """A field's resolver (or attribute) failed: located and recorded, or raised on."""
    ex.handle_field_error(error, site.return_type, site.details, _field_path(path, site))


def add(pending: list[Any] | None, key: Any) -> list[Any]:
    if pending is None:
        return [key]
    pending.append(key)
    return pending


def arguments_of(ex: Any, site: Site, names: dict[str, str]) -> dict[str, Any]:
    """A resolver's keyword arguments for this request (its variables are fixed)."""
    cache: dict[int, dict[str, Any]] = ex.plan_arguments
    found = cache.get(id(site))
    if found is None:
        first = site.details[0]
        values = get_argument_values(
            site.field_def,
            first.node,
            ex.variable_values,
            first.fragment_variable_values,
            ex.hide_suggestions,
        )
        found = cache[id(site)] = {names[k]: v for k, v in values.items()}
    return found


def enum_name(memo: dict[Any, str], enum: type, coerce: Callable[[Any], Any], value: Any) -> Any:
    """A value's output through the enum type's coercion (``SLOW`` if it fails); a member
    of the enum's own class is remembered (its name depends on nothing else)."""
    try:
        name = coerce(value)
    except Exception:
        return SLOW
    if name is not None and name is not Undefined and value.__class__ is enum:
        memo[value] = name
    return name


def enum_list(
    memo: dict[Any, str], enum: type, coerce: Callable[[Any], Any], items: list[Any], nullable: bool
) -> Any:
    """A list of enum members, by their remembered names; ``SLOW`` for anything else."""
    out = []
    for item in items:
        if item.__class__ is enum:
            name = memo.get(item)
            if name is None:
                name = enum_name(memo, enum, coerce, item)
                if name is None or name is SLOW or name is Undefined:
                    return SLOW
            out.append(name)
        elif item is None and nullable:
            out.append(None)
        else:
            return SLOW
    return out


RUNTIME: dict[str, Any] = {
    "_Path": Path,
    "_P": PATH_NEW,
    "_SLOW": SLOW,
    "_UNDEF": Undefined,
    "_NA": _NOT_AWAITABLE,
    "_admit": admit,
    "_isaw": optimized_is_awaitable,
    "_slow": complete_slow,
    "_item": item_slow,
    "_err": field_error,
    "_guard": guarded,
    "_gather_fields": gather_fields,
    "_gather_items": gather_items,
    "_add": add,
    "_args": arguments_of,
    "_enum_name": enum_name,
    "_enum_list": enum_list,
    "_CAST": TYPE_CAST_ATTRIBUTE,
}


# --- the compiler ---------------------------------------------------------------------


class _Code:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def __call__(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def indent(self) -> _Indent:
        return _Indent(self)


class _Indent:
    def __init__(self, code: _Code) -> None:
        self.code = code

    def __enter__(self) -> None:
        self.code.depth += 1

    def __exit__(self, *_: object) -> None:
        self.code.depth -= 1


def _has_variables(node: FieldNode) -> bool:
    def uses(value: ValueNode) -> bool:
        if isinstance(value, VariableNode):
            return True
        if isinstance(value, ListValueNode):
            return any(uses(v) for v in value.values)
        if isinstance(value, ObjectValueNode):
            return any(uses(f.value) for f in value.fields)
        return False

    return any(uses(argument.value) for argument in node.arguments or ())


class Compiler:
    """Generates the programs of one document variant, using the executor of the
    request that first needs them (its variables decided ``@skip``/``@include``; every
    request of the variant decides them alike)."""

    _ids = itertools.count()

    def __init__(
        self, ex: Any, table: dict[SelectionKey, Program | None], namespace: dict[str, Any]
    ) -> None:
        self.ex = ex
        self.table = table
        self.ns = namespace
        self.names: dict[SelectionKey, str] = {}
        self.sources: list[str] = []
        self.new_keys: list[SelectionKey] = []

    def compile(self, parent_type: GraphQLObjectType, grouped: dict[str, list[Any]]) -> Program:
        key = selection_key(parent_type, grouped)
        self._program(key, parent_type, grouped)
        source = "\n\n".join(self.sources)
        exec(compile(source, f"<hearth plan {self.names[key]}>", "exec"), self.ns)  # noqa: S102
        for new_key in self.new_keys:
            self.table[new_key] = self.ns[self.names[new_key]]
        program: Program = self.ns[self.names[key]]
        return program

    def _const(self, prefix: str, value: Any) -> str:
        name = f"_{prefix}{next(self._ids)}"
        self.ns[name] = value
        return name

    def _program(
        self, key: SelectionKey, parent_type: GraphQLObjectType, grouped: dict[str, list[Any]]
    ) -> str:
        existing = self.table.get(key)
        if existing is not None:
            return self._const("q", existing)
        name = self.names.get(key)
        if name is not None:
            return name
        name = self.names[key] = f"p{next(self._ids)}"
        self.new_keys.append(key)
        code = _Code()
        code(f"def {name}(ex, src, path):")
        with code.indent():
            code("out = {}")
            code("pend = None")
            code("try:")
            with code.indent():
                for response_name, details in grouped.items():
                    self._field(code, parent_type, response_name, details)
                code("pass")
            code("except Exception:")
            with code.indent():
                code("if pend is not None:")
                with code.indent():
                    code("ex.settle_in_background([out[n] for n in pend])")
                code("raise")
            code("if pend is None:")
            with code.indent():
                code("return out")
            code("return _gather_fields(out, pend)")
        self.sources.append("\n".join(code.lines))
        return name

    # --- one field ---

    def _field(
        self,
        code: _Code,
        parent_type: GraphQLObjectType,
        response_name: str,
        details: list[Any],
    ) -> None:
        rn = repr(response_name)
        node = details[0].node
        field_name = node.name.value
        if field_name == "__typename":
            code(f"out[{rn}] = {parent_type.name!r}")
            return
        field_def = parent_type.fields.get(field_name)
        plan = self._plan(parent_type, field_name) if field_def is not None else None
        if field_def is None or plan is None or not self._supported(plan, details):
            self._delegated(code, parent_type, rn, details)
            return
        return_type = field_def.type
        nullable = not is_non_null_type(return_type)
        inner = return_type.of_type if is_non_null_type(return_type) else return_type
        item_type = inner.of_type if is_list_type(inner) else None
        site = Site(
            parent_type,
            response_name,
            details,
            [d.node for d in details],
            field_def,
            return_type,
            item_type,
        )
        f = self._const("f", site)
        code("# " + f"{parent_type.name}.{field_name}")
        if isinstance(plan, ResolverPlan):
            self._resolver_field(code, plan, site, f, rn, details)
            return
        attr = plan.attr
        read = (
            f"src.{attr}"
            if attr.isidentifier() and not keyword.iskeyword(attr)
            else f"getattr(src, {self._const('a', attr)})"
        )
        self._resolve(code, read, f, rn)
        with code.indent():
            self._value(code, plan, site, f, rn, details, nullable)
            code(f"out[{rn}] = r")

    @staticmethod
    def _resolve(code: _Code, expression: str, f: str, rn: str) -> None:
        """``v`` = the field's value; if that raises, the field's error. Opens the
        ``else:`` that completes ``v``."""
        code("try:")
        with code.indent():
            code(f"v = {expression}")
        code("except Exception as e:")
        with code.indent():
            code(f"out[{rn}] = _err(ex, {f}, path, e)")
        code("else:")

    def _plan(self, parent_type: GraphQLObjectType, field_name: str) -> Plan | None:
        plans = plans_of(parent_type)
        plan: Plan | None = plans.get(field_name, UNPLANNED)
        if plan is UNPLANNED:
            plan = plans[field_name] = plan_field(parent_type, field_name)
        return plan

    def _supported(self, plan: Plan, details: list[Any]) -> bool:
        if any(d.fragment_variable_values for d in details):
            return False
        value_plan = plan.result if isinstance(plan, ResolverPlan) else plan
        if isinstance(value_plan, ObjectPlan):
            return plain_is_type_of(value_plan.object_type)
        return True

    def _delegated(
        self, code: _Code, parent_type: GraphQLObjectType, rn: str, details: list[Any]
    ) -> None:
        """graphql-core runs the field (resolver, completion, errors) as it is."""
        pt = self._const("t", parent_type)
        fd = self._const("d", details)
        field_path = f"_P(_Path, (path, {rn}, {parent_type.name!r}))"
        code(f"r = ex.execute_field({pt}, src, {fd}, {field_path}, None)")
        code("if r is not _UNDEF:")
        with code.indent():
            code("if _isaw(r):")
            with code.indent():
                code(f"pend = _add(pend, {rn})")
            code(f"out[{rn}] = r")

    def _resolver_field(
        self, code: _Code, plan: ResolverPlan, site: Site, f: str, rn: str, details: list[Any]
    ) -> None:
        call = self._const("c", plan.call)
        node = details[0].node
        if not plan.field_def.args:
            invoke = f"{call}(src)"
        elif _has_variables(node):
            names = self._const("n", plan.python_names)
            invoke = f"{call}(src, **_args(ex, {f}, {names}))"
        else:
            values = get_argument_values(plan.field_def, node, self.ex.variable_values)
            kwargs = {plan.python_names[k]: v for k, v in values.items()}
            invoke = f"{call}(src, **{self._const('k', kwargs)})"
        self._resolve(code, invoke, f, rn)
        with code.indent():
            code("if _isaw(v):")
            with code.indent():
                self._slow(code, f, rn)
            code("else:")
            with code.indent():
                nullable = not is_non_null_type(site.return_type)
                self._value(code, plan.result, site, f, rn, details, nullable)
            code(f"out[{rn}] = r")

    def _slow(self, code: _Code, f: str, rn: str) -> None:
        code(f"r = _slow(ex, {f}, path, v)")
        code("if _isaw(r):")
        with code.indent():
            code(f"pend = _add(pend, {rn})")

    # --- completing a value held in ``v`` into ``r`` ---

    def _value(
        self,
        code: _Code,
        plan: LeafPlan | ObjectPlan,
        site: Site,
        f: str,
        rn: str,
        details: list[Any],
        nullable: bool,
    ) -> None:
        """Completes ``v`` into ``r``: the commonest values first, then a null, then the
        rest; anything else goes to graphql-core (``_slow``)."""
        if isinstance(plan, LeafPlan):
            fast, rest = self._leaf(plan, site, f, rn)
        else:
            fast, rest = self._object(plan, site, f, rn, details)
        null = "r = None" if nullable else None
        clauses = [*fast, ("v is None", null), *rest]
        for index, (condition, body) in enumerate(clauses):
            code(f"{'if' if index == 0 else 'elif'} {condition}:")
            with code.indent():
                if body is None:
                    self._slow(code, f, rn)
                else:
                    for line in body.splitlines():
                        code(line)
        code("else:")
        with code.indent():
            self._slow(code, f, rn)

    def _slow_lines(self, f: str, rn: str) -> str:
        return f"r = _slow(ex, {f}, path, v)\nif _isaw(r):\n    pend = _add(pend, {rn})"

    def _leaf(self, plan: LeafPlan, site: Site, f: str, rn: str) -> tuple[list[Any], list[Any]]:
        named_type = get_named_type(site.return_type)
        wrapped = enum_class(named_type)
        memo = self._const("m", {}) if wrapped is not None else ""
        enum = self._const("e", wrapped) if wrapped is not None else ""
        coerce = self._const("co", plan.coerce)
        slow = self._slow_lines(f, rn)
        if plan.is_list:
            if wrapped is None:
                complete = self._const("lc", plan.complete_value)
                body = f"r = {complete}(v)\nif r is _SLOW:\n" + _indented(slow)
            else:
                items_nullable = not plan.item_non_null
                body = (
                    f"r = _enum_list({memo}, {enum}, {coerce}, v, {items_nullable})\n"
                    f"if r is _SLOW:\n" + _indented(slow)
                )
            return [("v.__class__ is list", body)], []
        fast = []
        as_is = _AS_IS.get(named_type.name) if is_specified_scalar_type(named_type) else None
        if as_is is int:
            fast.append((f"v.__class__ is int and {_INT_MIN} <= v <= {_INT_MAX}", "r = v"))
        elif as_is is not None:
            fast.append((f"v.__class__ is {as_is.__name__}", "r = v"))
        if wrapped is not None:
            fast.append((f"v.__class__ is {enum} and (r := {memo}.get(v)) is not None", "pass"))
            coerced = f"r = _enum_name({memo}, {enum}, {coerce}, v)\n"
        else:
            coerced = f"try:\n    r = {coerce}(v)\nexcept Exception:\n    r = _SLOW\n"
        body = coerced + "if r is None or r is _SLOW or r is _UNDEF:\n" + _indented(slow)
        return fast, [("v.__class__ in _NA or _admit(v.__class__)", body)]

    def _accepts(self, plan: ObjectPlan, var: str) -> str:
        """The condition under which ``var`` (not None) completes as the object type:
        Strawberry's ``is_type_of``, answered without a call for an instance of the
        type's own class that was not cast to another type."""
        object_type = plan.object_type
        is_type_of = object_type.is_type_of
        if is_type_of is None:
            return f"{var} is not None and ({var}.__class__ in _NA or _admit({var}.__class__))"
        call = f"{self._const('it', is_type_of)}({var}, None) is True"
        own = own_class(object_type)
        if own is None:
            return call
        cls = self._const("o", own)
        return f"({var}.__class__ is {cls} and _CAST not in {var}.__dict__) or {call}"

    def _sub_program(self, plan: ObjectPlan, details: list[Any]) -> str:
        grouped, defers, *_ = self.ex.collect_subfields(plan.object_type, details)
        if defers:
            raise NotImplementedError("@defer below a compiled field")
        key = selection_key(plan.object_type, grouped)
        return self._program(key, plan.object_type, grouped)

    def _run(
        self,
        code: _Code,
        program: str,
        source: str,
        path: str,
        type_: str,
        f: str,
        result: str,
        pending: tuple[str, str],
    ) -> None:
        """``result`` = the sub-selection's program on ``source``; its error is handled at
        ``path`` for ``type_``, and an awaitable result is guarded and noted pending."""
        code("try:")
        with code.indent():
            code(f"{result} = {program}(ex, {source}, {path})")
        code("except Exception as e:")
        with code.indent():
            code(f"ex.handle_field_error(e, {type_}, {f}.details, {path})")
            code(f"{result} = None")
        code("else:")
        with code.indent():
            code(f"if {result}.__class__ is not dict:")
            with code.indent():
                code(f"{result} = _guard(ex, {result}, {type_}, {f}.details, {path})")
                code(f"{pending[0]} = _add({pending[0]}, {pending[1]})")

    def _object(
        self, plan: ObjectPlan, site: Site, f: str, rn: str, details: list[Any]
    ) -> tuple[list[Any], list[Any]]:
        if plan.is_list:
            return [("v.__class__ is list", self._object_list(plan, site, f, rn, details))], []
        program = self._sub_program(plan, details)
        code = _Code()
        code(f"fp = _P(_Path, (path, {rn}, {site.parent_type.name!r}))")
        self._run(code, program, "v", "fp", f"{f}.return_type", f, "r", ("pend", rn))
        return [(self._accepts(plan, "v"), "\n".join(code.lines))], []

    def _object_list(
        self, plan: ObjectPlan, site: Site, f: str, rn: str, details: list[Any]
    ) -> str:
        """The body completing a list ``v`` of objects, item by item (as graphql-core's
        ``complete_iterable_value``)."""
        program = self._sub_program(plan, details)
        code = _Code()
        code(f"fp = _P(_Path, (path, {rn}, {site.parent_type.name!r}))")
        code("lst = []")
        code("lpend = None")
        code("try:")
        with code.indent():
            code("i = 0")
            code("for it in v:")
            with code.indent():
                code("ip = _P(_Path, (fp, i, None))")
                code(f"if {self._accepts(plan, 'it')}:")
                with code.indent():
                    item_type = f"{f}.item_type"
                    self._run(code, program, "it", "ip", item_type, f, "c", ("lpend", "i"))
                code("else:")
                with code.indent():
                    code(f"c = _item(ex, {f}, fp, i, it)")
                    code("if _isaw(c):")
                    with code.indent():
                        code("lpend = _add(lpend, i)")
                code("lst.append(c)")
                code("i += 1")
        code("except Exception as e:")
        with code.indent():
            code("if lpend is not None:")
            with code.indent():
                code("ex.settle_in_background([lst[j] for j in lpend])")
            code(f"ex.handle_field_error(e, {f}.return_type, {f}.details, fp)")
            code("r = None")
        code("else:")
        with code.indent():
            code("if lpend is None:")
            with code.indent():
                code("r = lst")
            code("else:")
            with code.indent():
                code(f"r = _guard(ex, _gather_items(lst, lpend), {f}.return_type, {f}.details, fp)")
                code(f"pend = _add(pend, {rn})")
        return "\n".join(code.lines)


def _indented(lines: str) -> str:
    return "\n".join("    " + line for line in lines.splitlines())
