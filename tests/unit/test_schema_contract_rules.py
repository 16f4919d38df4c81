"""The schema contract's rule: removing something from the schema breaks clients unless
it was deprecated in the version before."""

from __future__ import annotations

from scripts.schema_contract import problems

BEFORE = """
type Query { post: Post }
type Post { id: ID! body: String! mood: Mood }
enum Mood { LOW OK GOOD }
"""


def test_removing_a_field_that_was_never_deprecated_breaks_the_contract() -> None:
    after = BEFORE.replace("body: String! ", "")
    breaking, _ = problems(BEFORE, after)
    assert breaking == ["FIELD_REMOVED: Field Post.body was removed."]


def test_removing_a_field_deprecated_in_the_version_before_is_allowed() -> None:
    deprecated = BEFORE.replace("body: String!", 'body: String! @deprecated(reason: "gone")')
    assert problems(BEFORE, deprecated) == ([], [])
    breaking, _ = problems(deprecated, BEFORE.replace("body: String! ", ""))
    assert breaking == []


def test_removing_an_enum_value_needs_a_deprecation_first() -> None:
    breaking, _ = problems(BEFORE, BEFORE.replace("LOW OK GOOD", "OK GOOD"))
    assert breaking == ["VALUE_REMOVED_FROM_ENUM: Enum value Mood.LOW was removed."]
    deprecated = BEFORE.replace("LOW OK", 'LOW @deprecated(reason: "x") OK')
    assert problems(deprecated, BEFORE.replace("LOW OK GOOD", "OK GOOD"))[0] == []


def test_making_a_field_nullable_or_adding_a_required_argument_breaks_the_contract() -> None:
    breaking, _ = problems(BEFORE, BEFORE.replace("body: String!", "body: String"))
    assert breaking == ["FIELD_CHANGED_KIND: Field Post.body changed type from String! to String."]
    breaking, _ = problems(BEFORE, BEFORE.replace("post: Post", "post(id: ID!): Post"))
    assert breaking == ["REQUIRED_ARG_ADDED: A required argument Query.post(id:) was added."]


def test_adding_fields_and_values_is_fine_and_a_new_enum_value_is_reported_as_dangerous() -> None:
    after = BEFORE.replace("id: ID!", "id: ID! title: String").replace("GOOD", "GOOD GREAT")
    breaking, dangerous = problems(BEFORE, after)
    assert breaking == []
    assert dangerous == ["VALUE_ADDED_TO_ENUM: Enum value Mood.GREAT was added."]


def test_removing_an_argument_needs_a_deprecation_first() -> None:
    before = BEFORE.replace("post: Post", "post(old: String): Post")
    breaking, _ = problems(before, BEFORE)
    assert breaking == ["ARG_REMOVED: Argument Query.post(old:) was removed."]
    deprecated = before.replace("old: String", 'old: String @deprecated(reason: "x")')
    assert problems(deprecated, BEFORE)[0] == []
