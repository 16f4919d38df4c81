"""The fast execution path answers exactly what graphql-core's executor answers:
the same data, the same errors at the same paths, the same nulls."""

from __future__ import annotations

import asyncio
import enum
from dataclasses import field
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.execution import FastExecutionContext
from api.execution.plans import LeafPlan, ObjectPlan, ResolverPlan, plan_field


@strawberry.enum(description="A mood.")
class Mood(enum.Enum):
    LOW = "LOW"
    OK = "OK"


@strawberry.interface(description="Has an id.")
class Thing:
    id: strawberry.ID = strawberry.field(description="Id.")


@strawberry.type(description="A person.")
class Person(Thing):
    name: str = strawberry.field(description="Name.")
    nickname: str | None = strawberry.field(description="Nickname.")


@strawberry.type(description="A count.")
class Count:
    mood: Mood = strawberry.field(description="Mood.")
    n: int = strawberry.field(description="N.")


@strawberry.type(description="An item.")
class Item(Thing):
    title: str = strawberry.field(description="Title.")
    when: datetime = strawberry.field(description="When.")
    moods: list[Mood] = strawberry.field(description="Moods.")
    maybe_moods: list[Mood | None] | None = strawberry.field(description="Maybe moods.")
    person: Person | None = strawberry.field(description="Person.")
    owner: Person = strawberry.field(description="Owner.")
    counts: list[Count] = strawberry.field(description="Counts.")
    maybe_counts: list[Count | None] | None = strawberry.field(description="Maybe counts.")
    tags: list[str] = strawberry.field(default_factory=list, description="Tags.")
    fail_with: str | None = strawberry.field(default=None, description="Unused.")
    _children: strawberry.Private[list[Any]] = field(default_factory=list)

    @strawberry.field(description="Children, async.")
    async def children(self) -> list[Item]:
        await asyncio.sleep(0)
        return self._children

    @strawberry.field(description="Fails when asked to.")
    def boom(self) -> str:
        if self.fail_with:
            raise ValueError(self.fail_with)
        return "ok"

    @strawberry.field(description="The first n counts (a plain resolver with an argument).")
    def first_counts(self, n: int = 1) -> list[Count]:
        return self.counts[:n]

    @strawberry.field(description="Counts, from an awaitable a plain resolver returns.")
    def later_counts(self) -> list[Count]:
        async def load() -> list[Count]:
            await asyncio.sleep(0)
            return self.counts

        return load()  # type: ignore[return-value]

    @strawberry.field(description="Fails, non-null.")
    async def strict_boom(self) -> int:
        if self.fail_with:
            raise ValueError(self.fail_with)
        return 1


@strawberry.type(description="Root.")
class Query:
    items_: strawberry.Private[list[Any]]

    @strawberry.field(description="Items.")
    def items(self) -> list[Item]:
        return self.items_

    @strawberry.field(description="Things.")
    def things(self) -> list[Thing]:
        return self.items_

    @strawberry.field(description="Strict items.")
    def strict(self) -> list[Item | None]:
        return self.items_


OPERATION = """
query {
  items {
    __typename id title when moods maybeMoods tags
    person { id name nickname }
    owner { ... on Person { name } id }
    counts { mood n }
    maybeCounts { mood n }
    boom
    firstCounts(n: 2) { mood n }
    oneCount: firstCounts { n }
    laterCounts { n mood }
    children { id title counts { n } owner { name } strictBoom boom }
  }
  things { id ... on Item { title person { name } } }
  strict { id strictBoom owner { nickname } }
}
"""

WHEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def person(i: int, **kw: Any) -> Person:
    return Person(id=strawberry.ID(f"p{i}"), name=kw.get("name", f"P{i}"), nickname=kw.get("nick"))


def item(i: int, **kw: Any) -> Item:
    values: dict[str, Any] = {
        "id": strawberry.ID(f"i{i}"),
        "title": f"Title {i}",
        "when": WHEN,
        "moods": [Mood.LOW, Mood.OK],
        "maybe_moods": [Mood.OK, None],
        "person": person(i) if i % 2 else None,
        "owner": person(100 + i, nick="n"),
        "counts": [Count(mood=Mood.LOW, n=i), Count(mood=Mood.OK, n=2)],
        "maybe_counts": None,
    }
    values.update(kw)
    return Item(**values)


# Bad values among good ones (also used by test_compiled_execution.py).
BAD_VALUES: list[dict[str, Any]] = [
    {"title": None},  # null in a non-null leaf
    {"moods": [Mood.OK, None]},  # null item in a non-null list of leaves
    {"moods": ["NOT_A_MOOD"]},  # a value the enum rejects
    {"when": "not a datetime"},  # a value the scalar rejects
    {"owner": None},  # null in a non-null object
    {"owner": Count(mood=Mood.OK, n=1)},  # an object of the wrong type
    {"counts": [None]},  # null item in a non-null list of objects
    {"counts": "not a list"},
    {"counts": [Count(mood=None, n=1)]},  # error deep inside a list item
    {"person": person(5, name=None)},  # error inside a nullable object
    {"fail_with": "resolver failed"},  # resolver errors next to fast fields
]

# Good and bad values for items' fields (also used by test_compiled_execution.py).
ITEM_VALUES = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "title": st.none() | st.text(max_size=5),
            "moods": st.lists(st.sampled_from([Mood.LOW, Mood.OK, None]), max_size=3),
            "person": st.none() | st.builds(person, st.integers(0, 9)),
            "owner": st.none() | st.builds(person, st.integers(0, 9)),
            "counts": st.lists(
                st.none()
                | st.builds(Count, mood=st.sampled_from([*Mood, None]), n=st.integers(0, 3)),
                max_size=3,
            ),
            "fail_with": st.none() | st.just("x"),
        },
    ),
    max_size=4,
)


async def run(items: list[Any], context_class: type) -> dict[str, Any]:
    schema = strawberry.Schema(
        query=Query, types=[Person, Item], execution_context_class=context_class
    )
    result = await schema.execute(OPERATION, root_value=Query(items_=items))
    errors = sorted(((e.message, tuple(e.path or ())) for e in result.errors or []), key=repr)
    return {"data": result.data, "errors": errors}


async def same(items: list[Any]) -> dict[str, Any]:
    expected = await run(items, StrawberryGraphQLCoreExecutionContext)
    actual = await run(items, FastExecutionContext)
    assert actual == expected
    return actual


async def test_plain_fields_nested_objects_and_lists_match_graphql_core() -> None:
    # given
    items = [
        item(1, _children=[item(10), item(11)]),
        item(2, tags=[1, "x"]),  # graphql-core coerces the int to "1"
        item(3, maybe_counts=[None]),
    ]
    # when
    result = await same(items)
    # then: the fast path really answered something, with no errors
    assert result["errors"] == []
    assert result["data"]["items"][0]["children"][1]["counts"] == [{"n": 11}, {"n": 2}]
    assert result["data"]["items"][0]["when"] == "2026-11-25T12:00:00+00:00"  # its own schema
    assert result["data"]["items"][1]["tags"] == ["1", "x"]


@pytest.mark.parametrize("bad", BAD_VALUES)
async def test_errors_are_located_and_nulled_like_graphql_core(bad: dict[str, Any]) -> None:
    # given: a bad value among good ones, and in a nested async list
    items = [item(1), item(2, **bad), item(3, _children=[item(4, **bad)])]
    # when / then
    result = await same(items)
    assert result["errors"]


async def test_a_missing_attribute_is_an_error_like_graphql_core() -> None:
    broken = item(1)
    object.__delattr__(broken, "title")
    assert (await same([broken]))["errors"]


# When a null bubbles past pending sibling resolvers, graphql-core settles them in
# the background; asyncio.run then cancels them at exit. Both executors alike.
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(ITEM_VALUES)
def test_any_mix_of_good_and_bad_values_matches_graphql_core(values: list[dict[str, Any]]) -> None:
    items = [item(i, **v, _children=[item(50 + i, **v)]) for i, v in enumerate(values)]
    asyncio.run(same(items))


class CountingMiddleware(SchemaExtension):
    seen = 0

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        CountingMiddleware.seen += 1
        return _next(root, info, *args, **kwargs)


async def test_field_middleware_still_sees_every_field() -> None:
    # given: an extension that hooks every field (the fast path must step aside)
    CountingMiddleware.seen = 0  # a class attribute: count this test's fields only
    schema = strawberry.Schema(
        query=Query,
        types=[Person, Item],
        extensions=[CountingMiddleware],
        execution_context_class=FastExecutionContext,
    )
    # when
    result = await schema.execute("{ items { id title } }", root_value=Query(items_=[item(1)]))
    # then: the root field, the item's two leaves
    assert result.errors is None
    assert CountingMiddleware.seen == 3


async def test_plain_fields_take_the_fast_path_and_resolvers_do_not() -> None:
    # given
    schema = strawberry.Schema(
        query=Query, types=[Person, Item], execution_context_class=FastExecutionContext
    )
    item_type = schema._schema.type_map["Item"]
    # when
    await schema.execute("{ items { title owner { name } } }", root_value=Query(items_=[item(1)]))
    # then: plain leaves, objects and plain sync resolvers got plans; async
    # resolvers and abstract types did not
    plans = item_type._hearth_plans  # type: ignore[attr-defined]
    assert isinstance(plans["title"], LeafPlan)
    assert isinstance(plans["owner"], ObjectPlan)
    assert plan_field(item_type, "children") is None  # an async resolver
    assert isinstance(plan_field(item_type, "boom"), ResolverPlan)  # sync, no Info
    assert isinstance(plan_field(item_type, "firstCounts"), ResolverPlan)
    assert plan_field(schema._schema.type_map["Query"], "things") is None
