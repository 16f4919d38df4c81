"""Every staff-only query and mutation answers FORBIDDEN to a plain member and to a
circle moderator, and UNAUTHENTICATED to a signed-out client (the repository's rule:
sign-in first, then permission). The list is derived from the schema: every field of
Query and Mutation whose description starts with STAFF_ONLY."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)

from api.node import to_global_id
from api.safety.team_types import STAFF_ONLY
from api.wiring import build_schema
from tests.api.safety.conftest import URGENT_TEXT, grant
from tests.support.circles import SET_ROLE, create_circle, join, post
from tests.support.graphql import GraphQLClient, error_codes

_SCHEMA = build_schema()._schema
_DUMMY_ID = to_global_id("SafetyItem", __import__("uuid").uuid4())


def _staff_fields() -> list[tuple[str, str, GraphQLField]]:
    found = []
    for kind, root in (("query", _SCHEMA.query_type), ("mutation", _SCHEMA.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            if (field.description or "").startswith(STAFF_ONLY):
                found.append((kind, name, field))
    return found


STAFF_FIELDS = _staff_fields()


def _value(type_: Any) -> Any:
    named = get_named_type(type_)
    if isinstance(named, GraphQLInputObjectType):
        return {
            name: _value(f.type)
            for name, f in named.fields.items()
            if isinstance(f.type, GraphQLNonNull)
        }
    assert isinstance(named, GraphQLScalarType), named
    return {"ID": _DUMMY_ID, "String": "A reason that is long enough.", "Boolean": True, "Int": 1}[
        named.name
    ]


def _operation(kind: str, name: str, field: GraphQLField) -> tuple[str, dict[str, Any]]:
    required = {a: arg for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
    params = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
    args = ", ".join(f"{a}: ${a}" for a in required)
    head = f"{kind}({params})" if params else kind
    call = f"{name}({args})" if args else name
    return f"{head} {{ {call} {{ __typename }} }}", {
        a: _value(arg.type) for a, arg in required.items()
    }


def test_the_sweep_finds_every_staff_field() -> None:
    names = {name for _, name, _ in STAFF_FIELDS}
    assert names == {
        "safetyQueue",
        "acknowledgeSafetyItem",
        "resolveSafetyItem",
        "revealSafetyItemAuthor",
        "setSafetyOnCall",
    }


@pytest.fixture
async def viewers(gql: GraphQLClient, services: Any) -> None:
    for uid in ("owner", "mod", "member", "staff"):
        await gql.onboard(uid, f"Name {uid}")
    await grant(services, "staff")
    circle_id = await create_circle(gql, "owner")
    for uid in ("mod", "member"):
        await join(gql, uid, circle_id)
    mod_id = (await gql.data("{ me { id } }", as_="mod"))["me"]["id"]
    await gql.data(
        SET_ROLE,
        {"input": {"circleId": circle_id, "memberId": mod_id, "role": "MODERATOR"}},
        as_="owner",
    )
    await post(gql, "member", circle_id, URGENT_TEXT)  # there is something to see


@pytest.mark.parametrize(
    ("kind", "name", "field"), STAFF_FIELDS, ids=[n for _, n, _ in STAFF_FIELDS]
)
async def test_staff_only_fields_refuse_everyone_else(
    gql: GraphQLClient, viewers: None, kind: str, name: str, field: GraphQLField
) -> None:
    query, variables = _operation(kind, name, field)
    for uid in ("member", "mod", "owner"):
        result = await gql(query, variables, as_=uid)
        assert error_codes(result) == ["FORBIDDEN"], (uid, result)
        assert not (result.get("data") or {}).get(name)
    signed_out = await gql(query, variables)
    assert error_codes(signed_out) == ["UNAUTHENTICATED"], signed_out
    # and the staff member gets an answer, not a refusal
    staff = await gql(query, variables, as_="staff")
    assert "FORBIDDEN" not in error_codes(staff)
    assert "UNAUTHENTICATED" not in error_codes(staff)


async def test_safety_items_do_not_resolve_as_nodes_for_anyone_else(
    gql: GraphQLClient, viewers: None
) -> None:
    queue = await gql.data("{ safetyQueue { nodes { id } } }", as_="staff")
    item_id = queue["safetyQueue"]["nodes"][0]["id"]
    node = "query($id: ID!) { node(id: $id) { __typename ... on SafetyItem { text } } }"
    assert (await gql.data(node, {"id": item_id}, as_="staff"))["node"]["text"] == URGENT_TEXT
    for uid in ("member", "mod", "owner"):
        assert (await gql.data(node, {"id": item_id}, as_=uid))["node"] is None
