"""Profiles the real app in-process: ``create_app`` + lifespan + httpx ASGITransport,
warm-up, then pyinstrument over sequential feed requests (rotating circles/viewers).

Run as its own process (``python -m bench.profile_feed OUT_DIR``): it sets the app's
environment before the app reads its settings.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

WARMUP = 30
PROFILED = 50
TIMED = 100


# Outermost frame (function, path fragment) -> bucket: everything below it counts there.
OUTER = [
    ("validate", "graphql/validation/validate.py", "GraphQL validation (cache misses only)"),
    ("parse", "graphql/language/parser.py", "GraphQL parsing"),
    ("execute", "sqlalchemy/ext/asyncio/", "SQL: SQLAlchemy compile + asyncpg + waiting on PG"),
    ("connect", "sqlalchemy/ext/asyncio/", "SQL: pool checkout/checkin"),
    ("__aexit__", "sqlalchemy/ext/asyncio/", "SQL: pool checkout/checkin"),
    ("close", "sqlalchemy/ext/asyncio/", "SQL: pool checkout/checkin"),
    ("encode_json", "", "JSON encoding (orjson)"),
]
# Otherwise a frame's own time goes by where its code lives.
BY_PATH = [
    ("/api/execution/", "GraphQL execution (graphql-core + Strawberry + api.execution)"),
    ("<hearth plan", "GraphQL execution (graphql-core + Strawberry + api.execution)"),
    ("graphql/", "GraphQL execution (graphql-core + Strawberry + api.execution)"),
    ("strawberry/", "GraphQL execution (graphql-core + Strawberry + api.execution)"),
    ("sqlalchemy/", "SQL: SQLAlchemy compile + asyncpg + waiting on PG"),
    ("asyncpg/", "SQL: SQLAlchemy compile + asyncpg + waiting on PG"),
    ("/api/", "app resolvers and builders (api/, infra/)"),
    ("/infra/", "app resolvers and builders (api/, infra/)"),
    ("/domain/", "app resolvers and builders (api/, infra/)"),
    ("asyncio/", "event loop"),
]


def buckets(session: Any) -> dict[str, float]:
    """Share of the profiled wall time per cost centre (outermost match wins)."""
    totals: dict[str, float] = {}

    def walk(frame: Any, inherited: str) -> None:
        path = frame.file_path or ""
        for function, fragment, name in OUTER:
            if frame.function == function and fragment in path:
                totals[name] = totals.get(name, 0.0) + frame.time
                return
        here = inherited
        if path:
            here = next((n for frag, n in BY_PATH if frag in path), "HTTP/ASGI stack and other")
        own = frame.time - sum(child.time for child in frame.children)
        totals[here] = totals.get(here, 0.0) + own
        for child in frame.children:
            walk(child, here)

    root = session.root_frame()
    walk(root, "HTTP/ASGI stack and other")
    whole = sum(totals.values()) or 1.0
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    return {name: round(100 * t / whole, 1) for name, t in ranked}


async def main(out_dir: Path) -> None:
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    from bench.inprocess import feed_client

    async with feed_client() as (_app, one):
        for i in range(WARMUP):
            await one(i)
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(TIMED):
            await one(i)
        wall_ms = (time.perf_counter() - started) * 1000 / TIMED
        cpu_ms = (time.process_time() - cpu) * 1000 / TIMED

        profiler = Profiler(interval=0.0005, async_mode="enabled")
        profiler.start()
        for i in range(PROFILED):
            await one(i)
        profiler.stop()

    tree = profiler.output_text(unicode=False, color=False, show_all=False)
    flat = profiler.output(
        ConsoleRenderer(flat=True, time="percent_of_total", unicode=False, color=False)
    )
    (out_dir / "profile-app-tree.txt").write_text(tree)
    (out_dir / "profile-app-flat.txt").write_text(flat)
    profiler.write_html(str(out_dir / "profile-app.html"))
    shares = buckets(profiler.last_session)
    (out_dir / "profile-app-buckets.json").write_text(json.dumps(shares, indent=1))
    summary = {
        "buckets_percent_of_wall": shares,
        "sequential_wall_ms_per_feed": round(wall_ms, 2),
        "sequential_cpu_ms_per_feed": round(cpu_ms, 2),
        "profiled_requests": PROFILED,
    }
    print("PROFILEJSON " + json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
