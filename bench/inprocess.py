"""The real app in-process (``create_app`` + lifespan + httpx ASGITransport), for
the profile and the A/B comparison. Run in a process of its own: it sets the
app's environment before the app reads its settings."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any


@asynccontextmanager
async def feed_client() -> AsyncIterator[tuple[Any, Callable[[int], Awaitable[None]]]]:
    """(the app, ``one(i)``): ``one`` posts the i-th feed request of the rotation
    and fails loudly on anything but a clean answer."""
    from bench.servers import app_env

    os.environ.clear()
    os.environ.update(app_env())

    import httpx
    from asgi_lifespan import LifespanManager

    from api.app import create_app
    from bench import feed

    rotation = feed.rotation()
    app = create_app()
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def one(i: int) -> None:
                auth, body = rotation[i % len(rotation)]
                headers = {"Authorization": auth, "Content-Type": "application/json"}
                response = await client.post("/graphql", content=body, headers=headers)
                if response.status_code != 200 or "errors" in response.json():
                    raise RuntimeError(response.text[:300])

            yield app, one
