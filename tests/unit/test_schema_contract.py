"""The schema is the frontend's contract: committed, and fully described."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from api.export_schema import exported_schema
from api.wiring import build_schema
from domain.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_file_equals_the_exported_schema() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == exported_schema(), "run `make schema` and commit schema.graphql"


def _missing_descriptions() -> list[str]:
    schema = build_schema()._schema
    missing: list[str] = []
    for name, gql_type in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not gql_type.description:
            missing.append(name)
        if isinstance(gql_type, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, val in gql_type.values.items() if not val.description]
        if isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in gql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(gql_type, GraphQLUnionType) and not gql_type.description:
            missing.append(name)
    return missing


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    assert _missing_descriptions() == []


def test_user_error_codes_mirror_the_domain_error_codes() -> None:
    enum = build_schema()._schema.type_map["UserErrorCode"]
    assert isinstance(enum, GraphQLEnumType)
    assert set(enum.values) == {code.value for code in ErrorCode}
