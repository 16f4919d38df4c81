"""Realtime tests run a real uvicorn server and talk to it over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import test_settings
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server


@pytest.fixture
async def live(clean_database: str) -> AsyncIterator[tuple[str, GraphQLClient]]:
    async with (
        live_server(test_settings()) as base,
        httpx.AsyncClient(base_url=f"http://{base}") as http,
    ):
        yield base, GraphQLClient(http)
