"""Compiled plans (``api.execution.compiled``) answer exactly what graphql-core's executor
answers: the same data, the same errors (messages, paths, locations) in the same order,
the same nulls, on a small schema built to have every kind of field."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError
from hypothesis import given, settings
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.execution import FastExecutionContext
from api.execution import compiled as compiled_module
from api.execution.compiled import MAX_VARIANTS, CompiledPlans, compiled_execution
from api.observability import PLAN_FALLBACKS, PLAN_RUNS
from tests.unit.test_execution import (
    BAD_VALUES,
    ITEM_VALUES,
    OPERATION,
    Count,
    CountingMiddleware,
    Item,
    Mood,
    Person,
    Query,
    item,
    person,
)


def persisted(document: str) -> dict[str, Any]:
    sha = hashlib.sha256(document.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def runs() -> float:
    return PLAN_RUNS._value.get()


def fallbacks(reason: str) -> float:
    return PLAN_FALLBACKS.labels(reason)._value.get()


def result_of(result: Any) -> dict[str, Any]:
    return {
        "data": result.data,
        "errors": [e.formatted for e in result.errors or []],
    }


def reference_schema(**kw: Any) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=[Person, Item],
        execution_context_class=StrawberryGraphQLCoreExecutionContext,
        **kw,
    )


def compiled_schema(plans: CompiledPlans | None = None, **kw: Any) -> strawberry.Schema:
    extensions = kw.pop("extensions", [])
    return strawberry.Schema(
        query=Query,
        types=[Person, Item],
        execution_context_class=FastExecutionContext,
        extensions=[
            *extensions,
            compiled_execution(plans if plans is not None else CompiledPlans()),
        ],
        **kw,
    )


async def same(
    items: list[Any],
    document: str = OPERATION,
    variables: dict[str, Any] | None = None,
    compiled: strawberry.Schema | None = None,
) -> dict[str, Any]:
    """Runs the document on graphql-core and on its plan (twice: compiling, then
    compiled) and requires the same answer, errors in the same order."""
    expected = result_of(
        await reference_schema().execute(
            document, variable_values=variables, root_value=Query(items_=items)
        )
    )
    schema = compiled or compiled_schema()
    before = runs()
    for _ in range(2):
        actual = result_of(
            await schema.execute(
                document,
                variable_values=variables,
                root_value=Query(items_=items),
                operation_extensions=persisted(document),
            )
        )
        assert actual == expected
    assert runs() == before + 2  # the plan answered, not graphql-core
    return actual


async def test_plain_fields_nested_objects_lists_and_resolvers_match_graphql_core() -> None:
    items = [
        item(1, _children=[item(10), item(11)]),
        item(2, tags=[1, "x"]),
        item(3, maybe_counts=[None]),
        item(4, counts=(Count(mood=Mood.OK, n=1),)),  # a tuple: completed by graphql-core
        item(5, person=strawberry.cast(Person, person(8))),  # cast to its own type
    ]
    result = await same(items)
    assert result["errors"] == []
    assert result["data"]["items"][0]["children"][1]["counts"] == [{"n": 11}, {"n": 2}]
    assert result["data"]["items"][0]["firstCounts"] == [
        {"mood": "LOW", "n": 1},
        {"mood": "OK", "n": 2},
    ]


@pytest.mark.parametrize(
    "bad",
    [
        *BAD_VALUES,
        {"counts": [Count(mood=Mood.OK, n=2**40)]},  # an Int out of range
        {"tags": [None]},
        {"maybe_moods": [None, "NOPE"]},
        {"maybe_counts": [Count(mood=None, n=1), None]},
        {"owner": strawberry.cast(Item, person(9))},  # a Person cast to another type
    ],
)
async def test_errors_are_located_and_nulled_like_graphql_core(bad: dict[str, Any]) -> None:
    items = [item(1), item(2, **bad), item(3, _children=[item(4, **bad)])]
    assert (await same(items))["errors"]


async def test_a_missing_attribute_is_an_error_like_graphql_core() -> None:
    broken = item(1)
    object.__delattr__(broken, "title")
    assert (await same([broken]))["errors"]


class Later:
    """An awaitable that can be awaited again (each executor awaits its own)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return asyncio.sleep(0, self.value).__await__()


async def test_an_awaitable_attribute_is_awaited_like_graphql_core() -> None:
    odd = item(1)
    object.__setattr__(odd, "title", Later("late title"))
    object.__setattr__(odd, "owner", Later(person(7)))
    object.__setattr__(odd, "counts", [Later(Count(mood=Mood.OK, n=3)), Count(mood=Mood.LOW, n=4)])
    object.__setattr__(odd, "moods", Later([Mood.OK]))
    document = "{ items { title owner { name } counts { mood n } moods } }"
    result = await same([odd], document)
    assert result["data"]["items"][0] == {
        "title": "late title",
        "owner": {"name": "P7"},
        "counts": [{"mood": "OK", "n": 3}, {"mood": "LOW", "n": 4}],
        "moods": ["OK"],
    }


SELECTIONS = """
query($skipTitle: Boolean!, $withOwner: Boolean = true, $n: Int) {
  __typename
  items {
    kind: __typename
    ...Named
    heading: title @skip(if: $skipTitle)
    title @include(if: true)
    owner @include(if: $withOwner) { ...on Person { __typename name } nickname }
    first: firstCounts(n: $n) { n }
    again: firstCounts(n: 2) { n mood }
  }
  things { __typename ... on Item { id ...Named } ... on Person { name } }
}
fragment Named on Item { id title person { ...P } }
fragment P on Person { id name }
"""


@pytest.mark.parametrize(
    "variables",
    [
        {"skipTitle": False},
        {"skipTitle": True, "withOwner": False},
        {"skipTitle": True, "withOwner": True, "n": 0},
        {"skipTitle": False, "n": None},
    ],
)
async def test_fragments_aliases_typename_and_directives_match_graphql_core(
    variables: dict[str, Any],
) -> None:
    items = [item(1, _children=[item(2)]), item(3)]
    result = await same(items, SELECTIONS, variables)
    # a null for `firstCounts(n: Int! = 1)` is an error that nulls the whole answer
    assert bool(result["errors"]) == ("n" in variables and variables["n"] is None)


@pytest.mark.parametrize(
    "variables",
    [
        {},  # a required variable missing
        {"skipTitle": "yes"},  # a value of the wrong type
        {"skipTitle": False, "n": "two"},
        {"skipTitle": False, "n": 2**40},
    ],
)
async def test_bad_variables_are_refused_like_graphql_core(variables: dict[str, Any]) -> None:
    schema = compiled_schema()
    expected = result_of(
        await reference_schema().execute(
            SELECTIONS, variable_values=variables, root_value=Query(items_=[])
        )
    )
    actual = result_of(
        await schema.execute(
            SELECTIONS,
            variable_values=variables,
            root_value=Query(items_=[]),
            operation_extensions=persisted(SELECTIONS),
        )
    )
    assert actual == expected
    assert actual["data"] is None
    assert actual["errors"]


async def test_each_directive_outcome_is_a_variant_of_its_own_and_variants_are_bounded() -> None:
    # given: one document whose @skip reads a variable
    document = "query($s: Boolean!) { items { id title @skip(if: $s) } }"
    plans = CompiledPlans()
    schema = compiled_schema(plans)
    items = [item(1)]
    # when: both outcomes run, one of them twice
    for skip in (False, True, False):
        await same(items, document, {"s": skip}, compiled=schema)
    # then: one plan, two variants
    assert len(plans) == 1
    (plan,) = plans._plans.values()
    assert len(plan.variants) == 2
    # and once the variants are used up, a new outcome runs on graphql-core, counted
    plan.variants.clear()
    for n in range(MAX_VARIANTS):
        plan.variants[("another operation", n)] = compiled_module.Variant()
    before = fallbacks("variants")
    result = await schema.execute(
        document,
        variable_values={"s": True},
        root_value=Query(items_=items),
        operation_extensions=persisted(document),
    )
    assert result.errors is None
    assert result.data == {"items": [{"id": "i1"}]}
    assert fallbacks("variants") == before + 1


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(ITEM_VALUES)
def test_any_mix_of_good_and_bad_values_matches_graphql_core(values: list[dict[str, Any]]) -> None:
    items = [item(i, **v, _children=[item(50 + i, **v)]) for i, v in enumerate(values)]
    asyncio.run(same(items))


async def test_with_field_middleware_documents_run_on_graphql_core_counted() -> None:
    CountingMiddleware.seen = 0
    schema = compiled_schema(extensions=[CountingMiddleware])
    document = "{ items { id title } }"
    before = fallbacks("middleware")
    result = await schema.execute(
        document, root_value=Query(items_=[item(1)]), operation_extensions=persisted(document)
    )
    assert result.errors is None
    assert CountingMiddleware.seen == 3  # every field went through the middleware
    assert fallbacks("middleware") == before + 1


async def test_defer_runs_on_graphql_core_counted() -> None:
    config = StrawberryConfig(enable_experimental_incremental_execution=True)
    schema = compiled_schema(config=config)
    document = "{ items { id ... @defer { title } } }"
    before = fallbacks("incremental")
    await schema.execute(
        document, root_value=Query(items_=[item(1)]), operation_extensions=persisted(document)
    )
    assert fallbacks("incremental") == before + 1


async def test_a_compiler_failure_leaves_the_selection_to_graphql_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a compiler that fails on every selection
    def broken(*_: Any) -> Any:
        raise RuntimeError("compiler bug")

    monkeypatch.setattr(compiled_module.Compiler, "compile", broken)
    before = fallbacks("compile_error")
    # when / then: the answer is still graphql-core's
    await same([item(1), item(2, title=None)])
    assert fallbacks("compile_error") > before


async def test_documents_without_a_persisted_hash_are_not_compiled() -> None:
    plans = CompiledPlans()
    schema = compiled_schema(plans)
    before = runs()
    result = await schema.execute("{ items { id } }", root_value=Query(items_=[item(1)]))
    assert result.data == {"items": [{"id": "i1"}]}
    assert runs() == before
    assert len(plans) == 0


async def test_the_plan_cache_is_bounded() -> None:
    plans = CompiledPlans(size=2)
    schema = compiled_schema(plans)
    for n in range(3):
        document = f"{{ items {{ id }} }} # {n}"
        await schema.execute(
            document, root_value=Query(items_=[]), operation_extensions=persisted(document)
        )
    assert len(plans) == 2


async def test_resolver_errors_keep_graphql_core_error_objects() -> None:
    # the compiled path hands errors to graphql-core's handle_field_error: the same
    # GraphQLError (with its original error) reaches the schema's error processing
    seen: list[GraphQLError] = []

    class Recording(strawberry.Schema):
        def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
            seen.extend(errors)

    schema = Recording(
        query=Query,
        types=[Person, Item],
        execution_context_class=FastExecutionContext,
        extensions=[compiled_execution(CompiledPlans())],
    )
    document = "{ items { boom } }"
    await schema.execute(
        document,
        root_value=Query(items_=[item(1, fail_with="no")]),
        operation_extensions=persisted(document),
    )
    assert [e.path for e in seen] == [["items", 0, "boom"]]
    assert isinstance(seen[0].original_error, ValueError)


@strawberry.type(description="Live items.")
class Subscription:
    @strawberry.subscription(description="Counts to two.")
    async def ticks(self) -> AsyncIterator[int]:
        for n in (1, 2):
            yield n


async def test_subscriptions_run_on_graphql_core_counted() -> None:
    schema = strawberry.Schema(
        query=Query,
        subscription=Subscription,
        types=[Person, Item],
        execution_context_class=FastExecutionContext,
        extensions=[compiled_execution(CompiledPlans())],
    )
    document = "subscription { ticks }"
    before = fallbacks("subscription")
    stream = await schema.subscribe(document, operation_extensions=persisted(document))
    assert hasattr(stream, "__aiter__")
    ticks = [result.data async for result in stream]
    assert ticks == [{"ticks": 1}, {"ticks": 2}]
    assert fallbacks("subscription") == before + 1
