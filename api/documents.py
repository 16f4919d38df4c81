"""Checking GraphQL documents before they are trusted: each must parse, validate
against the schema, and stay within the depth, alias and cost limits.

Used at start-up for the trusted-documents manifest (a bad manifest stops the
service) and by ``hearth documents check manifest.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate
from graphql.language import OperationDefinitionNode
from graphql.utilities import TypeInfo
from graphql.validation import ValidationContext

from api.cost import operation_cost
from api.guards import QueryLimits, limit_rules


@dataclass(frozen=True)
class DocumentReport:
    sha256: str
    operation: str
    cost: int
    problems: tuple[str, ...]


def check_document(
    schema: GraphQLSchema, sha256: str, document: str, settings: QueryLimits
) -> DocumentReport:
    try:
        ast = parse(document, max_tokens=settings.hearth_max_query_tokens)
    except GraphQLError as exc:
        return DocumentReport(sha256, "?", 0, (exc.message,))
    errors = validate(schema, ast, [*specified_rules, *limit_rules(settings)])
    operations = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    context = ValidationContext(schema, ast, TypeInfo(schema), lambda _: None)
    cost = max((operation_cost(context, op, 10**9) for op in operations), default=0)
    name = ", ".join(op.name.value if op.name else "anonymous" for op in operations)
    return DocumentReport(sha256, name or "?", cost, tuple(e.message for e in errors))


def check_manifest(
    schema: GraphQLSchema, manifest: dict[str, str], settings: QueryLimits
) -> list[DocumentReport]:
    return [check_document(schema, sha, doc, settings) for sha, doc in sorted(manifest.items())]
