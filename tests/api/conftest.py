"""API tests talk HTTP to the real app (lifespan included) over ASGI."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from api.app import create_app
from infra.settings import Settings
from tests.conftest import test_settings
from tests.support.graphql import GraphQLClient


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(settings)
    # the app bounds each shutdown step at 10 s (api.wiring.close_services), so its
    # shutdown ends well within a minute even when a step hangs
    manager = LifespanManager(app, startup_timeout=30, shutdown_timeout=60)
    try:
        async with manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://hearth.test"
            ) as http:
                yield app, http
    except TimeoutError:
        _print_tasks()  # what the shutdown waited for, in the test's output
        raise


def _print_tasks() -> None:
    for task in asyncio.all_tasks():
        print(f"--- task {task.get_name()} ({'done' if task.done() else 'pending'})")
        task.print_stack(file=sys.stdout)


@pytest.fixture(scope="session")
async def app_and_http(
    migrated_database: str,
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    async with running_app(test_settings()) as pair:
        yield pair


@pytest.fixture
async def http(
    app_and_http: tuple[Starlette, httpx.AsyncClient], clean_database: str
) -> httpx.AsyncClient:
    return app_and_http[1]


@pytest.fixture
async def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def app_with(clean_database: str) -> Any:
    """Starts an app with the given settings overrides (for one test)."""

    def start(**overrides: object) -> Any:
        return running_app(test_settings(**overrides))

    return start
