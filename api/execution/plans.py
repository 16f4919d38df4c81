"""Plans for the fields the fast path completes itself (see ``api.execution``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    is_scalar_type,
    is_specified_scalar_type,
)

from api.execution.internals import definition_of, has_default_resolver

SLOW: Any = object()  # "take the regular path"
UNPLANNED: Any = object()  # "not looked at yet"


def _read(source: Any, attr: str) -> Any:
    try:
        return getattr(source, attr)
    except Exception:
        return SLOW


@dataclass(frozen=True, slots=True)
class LeafPlan:
    """A plain attribute holding a scalar or enum, or a list of them."""

    attr: str
    coerce: Callable[[Any], Any]
    non_null: bool
    is_list: bool
    item_non_null: bool
    # Values of exactly this type are their own output (a str for String and ID,
    # a bool for Boolean: graphql-core's coercion returns them unchanged).
    as_is: type | None = None

    def complete(self, source: Any) -> Any:
        """The field's completed value, or ``SLOW``."""
        try:
            value = getattr(source, self.attr)
        except Exception:
            return SLOW
        if type(value) is self.as_is and not self.is_list:
            return value
        return self.complete_value(value)

    def complete_value(self, value: Any) -> Any:
        """A resolved value, completed; or ``SLOW``."""
        if value is None:
            return SLOW if self.non_null else None
        if not self.is_list:
            return self._coerce(value, self.non_null)
        if not isinstance(value, list | tuple):
            return SLOW
        out = []
        for item in value:
            coerced = None if item is None else self._coerce(item, True)
            if coerced is SLOW or (coerced is None and self.item_non_null):
                return SLOW
            out.append(coerced)
        return out

    def _coerce(self, value: Any, required: bool) -> Any:
        if type(value) is self.as_is:
            return value
        try:
            coerced = self.coerce(value)
        except Exception:
            return SLOW
        if coerced is None or coerced is Undefined:
            return SLOW if required else None
        return coerced


_AS_IS = {GraphQLString.name: str, GraphQLID.name: str, GraphQLBoolean.name: bool}


@dataclass(frozen=True, slots=True)
class ObjectPlan:
    """A plain attribute holding an object of a concrete type, or a list of them."""

    attr: str
    object_type: GraphQLObjectType
    return_type: GraphQLOutputType  # as declared, for locating errors
    item_type: GraphQLOutputType | None  # as declared, for lists
    non_null: bool
    is_list: bool
    item_non_null: bool

    def accepts(self, value: Any) -> bool:
        is_type_of = self.object_type.is_type_of
        # Strawberry's is_type_of ignores its info argument (see api.execution).
        return is_type_of is None or is_type_of(value, None) is True  # type: ignore[arg-type]

    def prepare(self, source: Any) -> Any:
        """The value to complete (None for a null), or ``SLOW``."""
        value = _read(source, self.attr)
        return value if value is SLOW else self.check(value)

    def check(self, value: Any) -> Any:
        """A resolved value, when the fast path can complete it; else ``SLOW``."""
        if value is None:
            return SLOW if self.non_null else None
        if not self.is_list:
            return value if self.accepts(value) else SLOW
        if not isinstance(value, list | tuple):
            return SLOW
        for item in value:
            if (item is None and self.item_non_null) or (
                item is not None and not self.accepts(item)
            ):
                return SLOW
        return value


@dataclass(frozen=True, slots=True)
class ResolverPlan:
    """A synchronous resolver that takes only ``self`` and built-in scalar arguments:
    called directly (no ``Info``, no argument conversion), its value completed by
    ``result`` (or by graphql-core when ``result`` cannot)."""

    call: Callable[..., Any]
    field_def: GraphQLField
    python_names: dict[str, str]  # GraphQL argument name -> Python parameter
    result: LeafPlan | ObjectPlan


Plan = LeafPlan | ObjectPlan | ResolverPlan


def _unwrap(type_: Any) -> tuple[Any, bool]:
    if is_non_null_type(type_):
        return type_.of_type, True
    return type_, False


def plan_field(parent_type: GraphQLObjectType, field_name: str) -> Plan | None:
    """A plan when the fast path can complete the field (see ``api.execution``)."""
    field_def = parent_type.fields.get(field_name)
    if field_def is None:
        return None
    definition = definition_of(field_def)
    if definition is None or definition.extensions:
        return None
    if definition.base_resolver is not None:
        return _resolver_plan(field_def, definition.base_resolver)
    if field_def.args or not has_default_resolver(field_def):
        return None
    if getattr(definition, "default_resolver", None) is not getattr:
        return None
    return _value_plan(field_def.type, definition.python_name)


def _value_plan(declared: GraphQLOutputType, attr: str) -> LeafPlan | ObjectPlan | None:
    type_, non_null = _unwrap(declared)
    item_type = type_.of_type if is_list_type(type_) else None
    named, item_non_null = _unwrap(item_type) if item_type is not None else (type_, False)
    is_list = item_type is not None
    if is_leaf_type(named):
        as_is = _AS_IS.get(named.name) if is_specified_scalar_type(named) else None
        return LeafPlan(attr, named.coerce_output_value, non_null, is_list, item_non_null, as_is)
    if is_object_type(named):
        return ObjectPlan(attr, named, declared, item_type, non_null, is_list, item_non_null)
    return None


def _resolver_plan(field_def: GraphQLField, resolver: Any) -> ResolverPlan | None:
    reserved = (resolver.info_parameter, resolver.root_parameter, resolver.parent_parameter)
    if resolver.is_async or resolver.self_parameter is None or any(reserved):
        return None
    names = {}
    for name, argument in field_def.args.items():
        strawberry_argument = definition_of(argument)
        named, _ = _unwrap(argument.type)
        if (
            strawberry_argument is None
            or getattr(strawberry_argument, "is_maybe", False)
            or not (is_scalar_type(named) and is_specified_scalar_type(named))
        ):
            return None  # Strawberry would convert it; leave that to Strawberry
        names[name] = strawberry_argument.python_name
    result = _value_plan(field_def.type, "")
    if result is None:
        return None
    return ResolverPlan(resolver.wrapped_func, field_def, names, result)


def plans_of(parent_type: GraphQLObjectType) -> dict[str, Plan | None]:
    # Cached on the type itself: it lives exactly as long as its schema.
    plans: dict[str, Plan | None] | None = parent_type.__dict__.get("_hearth_plans")
    if plans is None:
        plans = {}
        parent_type._hearth_plans = plans  # type: ignore[attr-defined]
    return plans
