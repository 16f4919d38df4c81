"""Check-in API tests: a controllable clock and helper operations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from domain.clock import FixedClock
from tests.support.graphql import GraphQLClient

CHECK_IN = """
mutation($input: CheckInInput!) {
  checkIn(input: $input) {
    checkIn { id mood moodLabel emotions note createdAt editedAt editableUntil
              sharedWith { id name } }
    userErrors { code field message }
  }
}
"""
EDIT = """
mutation($input: EditCheckInInput!) {
  editCheckIn(input: $input) {
    checkIn { id mood emotions note editedAt sharedWith { id } }
    userErrors { code field message }
  }
}
"""
DELETE = """
mutation($input: DeleteCheckInInput!) {
  deleteCheckIn(input: $input) { deletedCheckInId userErrors { code field message } }
}
"""
SET_REMINDER = """
mutation($input: SetCheckInReminderInput!) {
  setCheckInReminder(input: $input) {
    reminder { enabled localTimes weekdays timezone nextReminderAt }
    userErrors { code field message }
  }
}
"""
SHARED = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on Circle {
      sharedCheckIns(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { sharer { id displayName } mood moodLabel emotions checkedInAt sharedAt }
      }
    }
  }
}
"""


@pytest.fixture
def clock(app_and_http: tuple[Starlette, httpx.AsyncClient]) -> Iterator[FixedClock]:
    """Swaps a hand-moved clock into the running app for one test."""
    services = app_and_http[0].state.services
    original = services.clock
    fixed = FixedClock(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    services.clock = fixed
    yield fixed
    services.clock = original


async def check_in(gql: GraphQLClient, uid: str, **values: Any) -> dict[str, Any]:
    data = await gql.data(CHECK_IN, {"input": {"mood": 3, **values}}, as_=uid)
    payload = data["checkIn"]
    assert payload["userErrors"] == [], payload["userErrors"]
    result: dict[str, Any] = payload["checkIn"]
    return result
