"""API tests talk HTTP to the real app (lifespan included) over ASGI."""

from __future__ import annotations

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
    # the app's own shutdown gives the embedded worker up to 10 s to finish its batch
    # (api.wiring.close_services); asgi-lifespan's default of 5 s cut it short on a
    # loaded machine
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hearth.test") as http:
            yield app, http


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
