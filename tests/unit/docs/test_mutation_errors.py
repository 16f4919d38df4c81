"""docs/api.md lists, for each mutation, the UserErrorCodes it can return, exactly as
scripts/mutation_errors.py reads them from the code; every UserErrorCode is returned by
some mutation, or documented as returned by any (CONFLICT), or deprecated."""

from __future__ import annotations

import sys
from pathlib import Path

from graphql import build_schema

from domain.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import mutation_errors  # noqa: E402

SCHEMA = build_schema((ROOT / "schema.graphql").read_text())


def test_the_table_in_the_docs_is_the_one_the_code_gives() -> None:
    documented = mutation_errors.documented((ROOT / "docs" / "api.md").read_text())
    assert documented == mutation_errors.table(), (
        "docs/api.md is out of date: paste `uv run python scripts/mutation_errors.py` "
        "between the mutation-errors markers"
    )


def test_every_mutation_of_the_schema_is_in_the_table() -> None:
    assert SCHEMA.mutation_type is not None
    assert set(mutation_errors.mutation_error_codes()) == set(SCHEMA.mutation_type.fields)


def test_every_user_error_code_is_returned_somewhere_or_deprecated() -> None:
    returned = set().union(*map(set, mutation_errors.mutation_error_codes().values()))
    enum = SCHEMA.type_map["UserErrorCode"]
    deprecated = {name for name, value in enum.values.items() if value.deprecation_reason}  # type: ignore[attr-defined]
    for code in ErrorCode:
        assert (
            code.value in returned
            or code.value in mutation_errors.EVERYWHERE
            or code.value in deprecated
        ), f"{code.value} is never returned: raise it, or deprecate it"
    assert deprecated <= mutation_errors.TOP_LEVEL  # deprecated because it is top-level


def test_the_reader_finds_codes_behind_helpers() -> None:
    codes = mutation_errors.mutation_error_codes()
    assert "RATE_LIMITED" in codes["createPost"]  # take_slot -> RateLimited
    assert "MUTED" in codes["replyToPost"]  # check_not_muted
    assert "INVALID" in codes["checkIn"]  # the idempotency key and the mood
    assert "INVALID_TRANSITION" in codes["acknowledgeSafetyItem"]  # through _move's closure
    assert "NOT_BLOCKED" in codes["unblockMember"]  # a lambda passed to a helper
    assert "FORBIDDEN" not in set().union(*map(set, codes.values()))
