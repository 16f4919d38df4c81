"""A long-lived subscription holds the same memory after thousands of events as after
a few: per-event caches are bounded by the document, not by the number of events."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import AsyncGenerator

import pytest
import strawberry

from api.execution import FastExecutionContext, HearthExecutionContext

EVENTS = 3_000
WARM_UP = 500


@strawberry.type(description="An author.")
class Author:
    name: str = strawberry.field(description="Name.")


@strawberry.type(description="An event.")
class Happened:
    id: strawberry.ID = strawberry.field(description="Id.")
    body: str = strawberry.field(description="Body.")
    author: Author = strawberry.field(description="Author.")
    tags: list[str] = strawberry.field(description="Tags.")


@strawberry.type(description="Root.")
class Query:
    ok: bool = strawberry.field(default=True, description="Ok.")


@strawberry.type(description="Events.")
class Subscription:
    @strawberry.subscription(description="A stream of events.")
    async def happened(self) -> AsyncGenerator[Happened, None]:
        for n in range(EVENTS):
            yield Happened(id=str(n), body="a day " * 10, author=Author(name="a"), tags=["x"])


def _memo_entries(cls: type) -> int:
    """Entries in every live executor's per-operation caches."""
    total = 0
    for obj in gc.get_objects():
        if isinstance(obj, cls):
            for name in ("_relevant_sub_fields", "_step_cache", "_argument_cache"):
                total += len(getattr(obj, name, ()))
    return total


@pytest.mark.parametrize("context_class", [FastExecutionContext, HearthExecutionContext])
async def test_a_subscription_holds_flat_memory_over_thousands_of_events(
    context_class: type,
) -> None:
    schema = strawberry.Schema(
        query=Query, subscription=Subscription, execution_context_class=context_class
    )
    stream = await schema.subscribe("subscription { happened { id body author { name } tags } }")
    tracemalloc.start()
    try:
        delivered, held, memos = 0, {}, {}
        async for result in stream:  # type: ignore[union-attr]
            assert result.errors is None
            assert result.data is not None
            assert result.data["happened"]["id"] == str(delivered)
            delivered += 1
            if delivered in (WARM_UP, EVENTS):  # measured while the subscription lives
                gc.collect()
                held[delivered] = tracemalloc.get_traced_memory()[0]
                memos[delivered] = _memo_entries(context_class)
    finally:
        tracemalloc.stop()
        await stream.aclose()  # type: ignore[union-attr]  # closed here, not at loop teardown
    assert delivered == EVENTS
    # Before the fix: 3 memo entries and about 3.5 KiB kept per event (8.6 MiB here).
    assert memos[EVENTS] == memos[WARM_UP]
    grown = held[EVENTS] - held[WARM_UP]
    assert grown < 64 * 1024, f"{grown / 1024:.0f} KiB kept over {EVENTS - WARM_UP} events"
