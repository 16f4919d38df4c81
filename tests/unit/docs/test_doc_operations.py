"""Every GraphQL operation in README.md and docs/ pastes and runs: it parses, is valid
against schema.graphql, selects `id` wherever the type has one, and pages through
`edges`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLObjectType,
    TypeInfo,
    Visitor,
    build_schema,
    get_named_type,
    parse,
    validate,
    visit,
)
from graphql.utilities import TypeInfoVisitor

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = build_schema((ROOT / "schema.graphql").read_text())
FENCE = re.compile(r"```graphql\n(.*?)```", re.S)
CURL_BODY = re.compile(r"-d '(\{.*?\})'", re.S)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _operations() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for n, block in enumerate(FENCE.findall(text), 1):
            found.append((f"{page.relative_to(ROOT)} block {n}", block))
        for n, body in enumerate(CURL_BODY.findall(text), 1):
            found.append((f"{page.relative_to(ROOT)} curl {n}", json.loads(body)["query"]))
    return found


OPERATIONS = _operations()


class _MissingIds(Visitor):
    def __init__(self, info: TypeInfo) -> None:
        super().__init__()
        self.info = info
        self.problems: list[str] = []

    def enter_field(self, node: FieldNode, *_: object) -> None:
        named = get_named_type(self.info.get_type())
        if not isinstance(named, GraphQLObjectType) or node.selection_set is None:
            return
        selected = {s.name.value for s in node.selection_set.selections if isinstance(s, FieldNode)}
        if "id" in named.fields and "id" not in selected:
            self.problems.append(f"{node.name.value} ({named.name}) selects no id")
        if named.name.endswith("Connection") and "edges" not in selected:
            self.problems.append(f"{node.name.value} pages without edges")


def test_the_docs_have_operations_to_check() -> None:
    assert len(OPERATIONS) >= 15


@pytest.mark.parametrize(("where", "text"), OPERATIONS, ids=[w for w, _ in OPERATIONS])
def test_each_documented_operation_is_valid_against_the_schema(where: str, text: str) -> None:
    document: DocumentNode = parse(text)
    assert [e.message for e in validate(SCHEMA, document)] == []
    info = TypeInfo(SCHEMA)
    checker = _MissingIds(info)
    visit(document, TypeInfoVisitor(info, checker))
    assert checker.problems == []
