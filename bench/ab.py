"""A/B CPU cost of the feed in-process: the same app, two variants toggled between
interleaved batches so machine-speed drift hits both alike.

``python -m bench.ab`` (needs the bench database: run ``make bench`` once). Development
aid behind the figures in docs/performance.md.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

BATCH = 10
ROUNDS = 30


def variants(app: Any) -> dict[str, Callable[[], None]]:
    from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

    from api.execution import FastExecutionContext

    schema = app.state.graphql_schema

    def plain() -> None:
        schema.execution_context_class = StrawberryGraphQLCoreExecutionContext

    def fast() -> None:
        schema.execution_context_class = FastExecutionContext

    return {"graphql-core executor": plain, "fast path (api.execution)": fast}


async def main() -> None:
    from bench.inprocess import feed_client

    async with feed_client() as (app, one):
        options = variants(app)
        for i in range(30):
            await one(i)
        cpu: dict[str, list[float]] = {name: [] for name in options}
        for _ in range(ROUNDS):
            for name, switch in options.items():
                switch()
                gc.collect()
                started = time.process_time()
                for i in range(BATCH):
                    await one(i)
                cpu[name].append((time.process_time() - started) * 1000 / BATCH)
    for name, values in cpu.items():
        best = sorted(values)[: max(1, len(values) // 5)]
        print(
            f"{name}: median {statistics.median(values):.2f}, "
            f"best-fifth mean {statistics.mean(best):.2f} ms CPU/feed"
        )


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
