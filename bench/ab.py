"""A/B CPU cost of the feed in-process: the same app, variants toggled between
interleaved batches so machine-speed drift hits both alike.

``python -m bench.ab`` (needs the bench database: ``python -m bench.database`` or
``make bench`` once; ``BENCH_DB_NAME`` names another one). The feed is sent as a
persisted hash, as ``make bench`` sends it; the variants are graphql-core's executor
alone, the fast path (``api.execution``), the compiled plan (``api.execution.compiled``)
with the feed page read into Python objects, and with it rendered by PostgreSQL
(``api.posts.rendered``, ``HEARTH_STORE_RENDERING``).
Development aid behind the figures in docs/performance.md.
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
    from api.execution import FastExecutionContext, HearthExecutionContext

    schema = app.state.graphql_schema
    plans = schema.compiled_plans

    def plain() -> None:
        schema.execution_context_class = HearthExecutionContext
        plans.enabled = False

    def fast() -> None:
        schema.execution_context_class = FastExecutionContext
        plans.enabled = False

    def compiled() -> None:
        schema.execution_context_class = FastExecutionContext
        plans.enabled = True
        plans.render_in_store = False

    def rendered() -> None:
        schema.execution_context_class = FastExecutionContext
        plans.enabled = True
        plans.render_in_store = True

    return {
        "graphql-core executor": plain,
        "fast path (api.execution)": fast,
        "compiled plan (api.execution.compiled)": compiled,
        "compiled plan, page rendered by PostgreSQL (api.posts.rendered)": rendered,
    }


async def main() -> None:
    from bench.inprocess import feed_client

    async with feed_client() as (app, one):
        options = variants(app)
        for switch in options.values():
            switch()
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
    baseline = statistics.median(next(iter(cpu.values())))
    for name, values in cpu.items():
        best = sorted(values)[: max(1, len(values) // 5)]
        median = statistics.median(values)
        print(
            f"{name}: median {median:.2f}, best-fifth mean {statistics.mean(best):.2f} "
            f"ms CPU/feed ({median / baseline:.2f} of the first)"
        )


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
