"""Fixtures for the support tests: the app's clock held still (FixedClock), a worker
built as `hearth worker` builds it (nudge job included), FCM's stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import firebase_admin
import httpx
import pytest
from starlette.applications import Starlette

from api.container import Services
from domain.clock import FixedClock
from infra.worker import NotificationWorker
from infra.worker.process import build_worker
from tests.api.notifications.conftest import fcm, fcm_app, fcm_sender, register  # noqa: F401
from tests.conftest import test_settings
from tests.support.circles import USER_ERRORS, mutate
from tests.support.graphql import GraphQLClient

AWAITING = """
query($first: Int, $after: String) {
  me { awaitingSupport(first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { circleId waitingSince isUrgent responderHint
      post { id body isMine author { displayName } } } }
  } }
}
"""
COUNT = "query($id: ID!) { node(id: $id) { ... on Circle { awaitingSupportCount } } }"
SET_AVAILABILITY = f"""
mutation($input: SetSupportAvailabilityInput!) {{
  setSupportAvailability(input: $input) {{
    availability {{ id until allCircles circles {{ id name }} }} {USER_ERRORS}
  }}
}}
"""
CLEAR_AVAILABILITY = (
    "mutation { clearSupportAvailability { availability { until } clearedId userErrors { code } } }"
)
MY_AVAILABILITY = "query { me { supportAvailability { id until allCircles circles { id } } } }"


@pytest.fixture
def services(app_and_http: tuple[Starlette, httpx.AsyncClient], http: Any) -> Services:
    services: Services = app_and_http[0].state.services
    return services


@pytest.fixture
def clock(services: Services) -> Iterator[FixedClock]:
    """The app's clock, held at a fixed instant (tests move it)."""
    fixed = FixedClock(datetime.now(UTC).replace(microsecond=0))
    original = services.clock
    services.clock = fixed
    yield fixed
    services.clock = original


def make_worker(
    services: Services, app: firebase_admin.App, clock: FixedClock
) -> NotificationWorker:
    """A worker as `hearth worker` builds it (its periodic jobs, nudges included)."""
    return build_worker(
        test_settings(),
        services.engine,
        services.session_factory,
        fcm_sender(app),
        clock,
        None,
        uow_factory=services.uow,
    )


async def awaiting(gql: GraphQLClient, uid: str, **variables: Any) -> dict[str, Any]:
    data = await gql.data(AWAITING, variables, as_=uid)
    result: dict[str, Any] = data["me"]["awaitingSupport"]
    return result


async def awaiting_bodies(gql: GraphQLClient, uid: str) -> list[str]:
    page = await awaiting(gql, uid, first=50)
    return [e["node"]["post"]["body"] for e in page["edges"]]


async def badge(gql: GraphQLClient, uid: str, circle_id: str) -> int:
    data = await gql.data(COUNT, {"id": circle_id}, as_=uid)
    count: int = data["node"]["awaitingSupportCount"]
    return count


async def set_availability(
    gql: GraphQLClient, uid: str, until: datetime, circle_ids: list[str] | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {"until": until.isoformat()}
    if circle_ids is not None:
        values["circleIds"] = circle_ids
    return await mutate(gql, SET_AVAILABILITY, values, uid)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
