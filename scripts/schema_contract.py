"""The schema contract: `schema.graphql` never breaks a client without warning.

Walks every commit since ``SINCE`` that changed ``schema.graphql`` and compares the
file with its previous version using graphql-core's ``find_breaking_changes`` and
``find_dangerous_changes``. A breaking change fails unless what it removes was
already deprecated in the previous version (so deprecation came first, in an
earlier commit). Dangerous changes are printed. Also compares the working tree's
file with HEAD's.

    uv run python scripts/schema_contract.py        # CI runs this (.ci/run)
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from graphql import (
    BreakingChangeType,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)

ROOT = Path(__file__).resolve().parent.parent
FILE = "schema.graphql"
# The contract holds from the commit after this one on (the history before it was the
# product's first draft).
SINCE = "720821b59f17"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _deprecated(old: GraphQLSchema, description: str, kind: BreakingChangeType) -> bool:
    """Whether what a breaking change removes was deprecated in ``old``. Descriptions
    read "Field Post.body was removed.", "Enum value Mood.LOW was removed.",
    "Argument Query.post(a:) was removed." (graphql-core 3.3)."""
    words = description.split(" ")
    if kind is BreakingChangeType.FIELD_REMOVED:
        type_name, _, name = words[1].partition(".")
        owner = old.type_map.get(type_name)
        if isinstance(owner, GraphQLObjectType | GraphQLInputObjectType) and name in owner.fields:
            return getattr(owner.fields[name], "deprecation_reason", None) is not None
    if kind is BreakingChangeType.VALUE_REMOVED_FROM_ENUM:
        type_name, _, name = words[2].partition(".")
        enum = old.type_map.get(type_name)
        if isinstance(enum, GraphQLEnumType) and name in enum.values:
            return enum.values[name].deprecation_reason is not None
    if kind is BreakingChangeType.ARG_REMOVED:
        path, _, arg_name = words[1].rstrip(":)").partition("(")
        type_name, _, field_name = path.partition(".")
        owner = old.type_map.get(type_name)
        if isinstance(owner, GraphQLObjectType) and field_name in owner.fields:
            arg = owner.fields[field_name].args.get(arg_name)
            return arg is not None and arg.deprecation_reason is not None
    return False


def problems(old_sdl: str, new_sdl: str) -> tuple[list[str], list[str]]:
    """(breaking changes not deprecated first, dangerous changes) from old to new."""
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    breaking = [
        f"{change.type.name}: {change.description}"
        for change in find_breaking_changes(old, new)
        if not _deprecated(old, change.description, change.type)
    ]
    dangerous = [f"{c.type.name}: {c.description}" for c in find_dangerous_changes(old, new)]
    return breaking, dangerous


def _pairs() -> Iterable[tuple[str, str, str]]:
    """(label, old text, new text) for each change of the file since SINCE."""
    known = subprocess.run(["git", "cat-file", "-e", SINCE], cwd=ROOT, capture_output=True)
    base = SINCE if known.returncode == 0 else "HEAD~1"  # a shallow clone: the last commit
    commits = _git("rev-list", "--reverse", f"{base}..HEAD", "--", FILE).split()
    for commit in commits:
        before = _git("show", f"{commit}~1:{FILE}")
        yield commit[:12], before, _git("show", f"{commit}:{FILE}")
    working = (ROOT / FILE).read_text()
    head = _git("show", f"HEAD:{FILE}")
    if working != head:
        yield "working tree", head, working


def main() -> int:
    failed = False
    for label, before, after in _pairs():
        breaking, dangerous = problems(before, after)
        for change in dangerous:
            print(f"{label}: dangerous: {change}")
        for change in breaking:
            print(f"{label}: BREAKING (deprecate it in an earlier commit first): {change}")
            failed = True
    print("schema contract: " + ("broken" if failed else "kept"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
