"""Plans for the fields the fast path completes itself (see ``api.execution``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

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

    def complete(self, source: Any) -> Any:
        """The field's completed value, or ``SLOW``."""
        value = _read(source, self.attr)
        if value is None:
            return SLOW if self.non_null else None
        if value is SLOW or not self.is_list:
            return value if value is SLOW else self._coerce(value, self.non_null)
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
        try:
            coerced = self.coerce(value)
        except Exception:
            return SLOW
        if coerced is None or coerced is Undefined:
            return SLOW if required else None
        return coerced


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
        if value is None:
            return SLOW if self.non_null else None
        if value is SLOW:
            return SLOW
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


Plan = LeafPlan | ObjectPlan


def _unwrap(type_: GraphQLOutputType) -> tuple[Any, bool]:
    if is_non_null_type(type_):
        return type_.of_type, True
    return type_, False


def plan_field(parent_type: GraphQLObjectType, field_name: str) -> Plan | None:
    """A plan when the field is a plain attribute the fast path can complete."""
    field_def = parent_type.fields.get(field_name)
    if field_def is None or field_def.args:
        return None
    if not getattr(field_def.resolve, "_is_default", False):
        return None
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or getattr(definition, "default_resolver", None) is not getattr:
        return None
    attr = definition.python_name
    type_, non_null = _unwrap(field_def.type)
    item_type = type_.of_type if is_list_type(type_) else None
    named, item_non_null = _unwrap(item_type) if item_type is not None else (type_, False)
    is_list = item_type is not None
    if is_leaf_type(named):
        return LeafPlan(attr, named.coerce_output_value, non_null, is_list, item_non_null)
    if is_object_type(named):
        return ObjectPlan(attr, named, field_def.type, item_type, non_null, is_list, item_non_null)
    return None


def plans_of(parent_type: GraphQLObjectType) -> dict[str, Plan | None]:
    # Cached on the type itself: it lives exactly as long as its schema.
    plans: dict[str, Plan | None] | None = parent_type.__dict__.get("_hearth_plans")
    if plans is None:
        plans = {}
        parent_type._hearth_plans = plans  # type: ignore[attr-defined]
    return plans
