"""api.execution.audience on a small schema: a subscription document runs once per
(event, view, document) for all the subscribers who share it, not once per subscriber;
documents that read the context, and renders that fail, run per subscriber."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator
from typing import Any

import orjson
import pytest
import strawberry
from graphql import ExecutionResult, GraphQLError

from api.execution import FastExecutionContext, HearthExecutionContext
from api.execution.audience import SharedEvent, shared_document
from api.realtime.cache import MISSING, SnapshotCache

BUILT: Counter[str] = Counter()  # event objects built, by whom


@strawberry.type(description="An author.")
class Author:
    name: str = strawberry.field(description="Name.")
    is_viewer: bool = strawberry.field(description="The viewer.")


@strawberry.type(description="An event.")
class Happened:
    body: str = strawberry.field(description="Body.")
    mine: bool = strawberry.field(description="Mine.")
    author: Author = strawberry.field(description="Author.")
    fails: str | None = strawberry.field(default="ok", description="Null in a bad render.")

    @strawberry.field(description="Reads the viewer from the context.")
    def viewer(self, info: strawberry.Info) -> str:
        return str(info.context["viewer"])


@strawberry.type(description="Root.")
class Query:
    ok: bool = strawberry.field(default=True, description="Ok.")


def _event(event_id: int, view: tuple[str, bool], by: str, fail: bool = False) -> Happened:
    BUILT[by] += 1
    body, mine = view
    if fail:
        return Happened(body=body, mine=mine, author=None, fails=None)  # type: ignore[arg-type]
    return Happened(body=body, mine=mine, author=Author(name="ann", is_viewer=mine))


@strawberry.type(description="Events.")
class Subscription:
    @strawberry.subscription(description="Events as one viewer sees them.")
    async def happened(
        self, info: strawberry.Info, events: int = 1
    ) -> AsyncGenerator[Happened, None]:
        ctx = info.context
        for n in range(events):
            await ctx["start"].wait()
            view = (f"event {n}", ctx["viewer"] == "ann")  # ann wrote them
            yield SharedEvent(  # type: ignore[misc]
                key=(n, view),
                build=lambda n=n, view=view: _event(n, view, "audience", ctx["fail"]),
                own=lambda n=n, view=view: _event(n, view, "subscriber"),
                renders=ctx["renders"],
                context=lambda: {"viewer": None},
            )


async def _run(
    document: str,
    viewers: list[str],
    context_class: type,
    fail: bool = False,
    events: int = 2,
    renders: SnapshotCache | None = None,
) -> list[list[ExecutionResult]]:
    schema = strawberry.Schema(
        query=Query, subscription=Subscription, execution_context_class=context_class
    )
    renders, start = renders or SnapshotCache(), asyncio.Event()
    streams = []
    for viewer in viewers:
        context = {"viewer": viewer, "renders": renders, "start": start, "fail": fail}
        streams.append(
            await schema.subscribe(document, variable_values={"n": events}, context_value=context)
        )

    async def take(stream: Any) -> list[ExecutionResult]:
        return [result async for result in stream]

    tasks = [asyncio.ensure_future(take(s)) for s in streams]
    await asyncio.sleep(0)
    start.set()
    return await asyncio.gather(*tasks)


def _data(result: ExecutionResult) -> Any:
    assert not result.errors, result.errors
    data = result.data
    # a shared render arrives serialised, as Strawberry's handlers send it
    return orjson.loads(orjson.dumps(data))


PLAIN = "subscription($n: Int!) { happened(events: $n) { body mine author { name isViewer } } }"


@pytest.fixture(autouse=True)
def _count() -> None:
    BUILT.clear()


@pytest.mark.parametrize("context_class", [FastExecutionContext, HearthExecutionContext])
async def test_a_document_runs_once_per_view_for_all_its_subscribers(context_class: type) -> None:
    # given five subscribers with the same document: ann wrote the events, four did not
    results = await _run(PLAIN, ["ann", "bo", "cy", "di", "ed"], context_class)
    # then each event was built and executed once for ann and once for the other four
    assert BUILT == {"audience": 2 * 2}
    for viewer, stream in zip(["ann", "bo", "cy", "di", "ed"], results, strict=True):
        assert [_data(r) for r in stream] == [
            {
                "happened": {
                    "body": f"event {n}",
                    "mine": viewer == "ann",
                    "author": {"name": "ann", "isViewer": viewer == "ann"},
                }
            }
            for n in range(2)
        ]


async def test_different_variables_are_different_documents() -> None:
    renders = SnapshotCache()
    schema_results = await asyncio.gather(
        _run(PLAIN, ["bo", "cy"], FastExecutionContext, events=1, renders=renders),
        _run(PLAIN, ["di"], FastExecutionContext, events=2, renders=renders),
    )
    # three renders: event 0 (same view) once per document ($n differs), event 1 once
    assert BUILT == {"audience": 3}
    assert [len(stream) for results in schema_results for stream in results] == [1, 1, 2]


async def test_a_document_that_reads_the_context_runs_for_each_subscriber() -> None:
    document = "subscription { happened { body viewer } }"
    results = await _run(document, ["ann", "bo", "cy"], FastExecutionContext, events=1)
    assert BUILT == {"subscriber": 3}
    assert [_data(stream[0])["happened"]["viewer"] for stream in results] == ["ann", "bo", "cy"]


async def test_a_render_with_an_error_is_not_shared_and_each_subscriber_runs_their_own() -> None:
    # given a shared render that fails (a null in a non-null field)
    document = "subscription { happened { body fails author { name } } }"
    results = await _run(document, ["bo", "cy"], FastExecutionContext, fail=True, events=1)
    # then each subscriber ran the document on their own object, without the error
    assert BUILT == {"audience": 1, "subscriber": 2}
    assert [_data(stream[0])["happened"]["author"] for stream in results] == [
        {"name": "ann"},
        {"name": "ann"},
    ]


@pytest.mark.parametrize(
    ("document", "shareable"),
    [
        (PLAIN, True),
        ("subscription { happened { __typename ... on Happened { body } } }", True),
        ("subscription { happened { ...F } } fragment F on Happened { author { name } }", True),
        ("subscription($s: Boolean!) { happened { body @skip(if: $s) } }", True),
        ("subscription { happened { viewer } }", False),
        (
            "subscription { happened { author { name } ...F } } fragment F on Happened { viewer }",
            False,
        ),
    ],
)
async def test_which_documents_are_shared(document: str, shareable: bool) -> None:
    schema = strawberry.Schema(
        query=Query, subscription=Subscription, execution_context_class=FastExecutionContext
    )
    seen: list[str | None] = []

    class Spy(FastExecutionContext):
        def build_per_event_executor(self, payload: Any) -> Any:
            seen.append(shared_document(self))
            return super().build_per_event_executor(payload)

    schema.execution_context_class = Spy  # type: ignore[assignment]
    renders, start = SnapshotCache(), asyncio.Event()
    start.set()
    context = {"viewer": "bo", "renders": renders, "start": start, "fail": False}
    stream = await schema.subscribe(
        document, variable_values={"s": False, "n": 1}, context_value=context
    )
    result = await stream.__anext__()  # type: ignore[union-attr]
    assert not isinstance(result, GraphQLError)
    assert not result.errors, result.errors
    assert (seen[0] is not None) == shareable


async def test_a_snapshot_is_peeked_only_once_it_has_loaded_well() -> None:
    cache = SnapshotCache()
    assert cache.peek("post") is MISSING  # never asked for
    gate = asyncio.Event()

    async def load() -> str:
        await gate.wait()
        return "snapshot"

    loading = asyncio.ensure_future(cache.get("post", load))
    await asyncio.sleep(0)
    assert cache.peek("post") is MISSING  # still loading: the caller must wait for it
    gate.set()
    assert await loading == "snapshot"
    assert cache.peek("post") == "snapshot"

    async def fail() -> str:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        await cache.get("reply", fail)
    assert cache.peek("reply") is MISSING  # a failed read is not handed out as a value
