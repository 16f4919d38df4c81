"""An app with small rate limits, so the edge of each limit is cheap to reach."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.api.conftest import running_app
from tests.conftest import test_settings
from tests.support.graphql import GraphQLClient

SMALL_LIMITS = {
    "hearth_limit_posts_per_hour": 3,
    "hearth_limit_replies_per_hour": 3,
    "hearth_limit_reactions_per_hour": 3,
    "hearth_limit_circles_per_day": 2,
    "hearth_limit_invites_per_day": 2,
    "hearth_limit_failed_invite_codes_per_hour": 2,
    "hearth_limit_renames_per_day": 2,
}


@pytest.fixture(scope="module")
async def small_limits_http(migrated_database: str) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(test_settings(**SMALL_LIMITS)) as (_, http):
        yield http


@pytest.fixture
async def limited(small_limits_http: httpx.AsyncClient, clean_database: str) -> GraphQLClient:
    """A client of the small-limits app on an empty database."""
    return GraphQLClient(small_limits_http)
