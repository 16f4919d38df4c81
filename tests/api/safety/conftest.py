"""Safety API tests: texts the detector rates, the running app's services, a hand-moved
clock, and helpers to read what was stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from api.container import Services
from api.node import from_global_id
from domain.clock import FixedClock
from domain.safety import staff as safety
from domain.safety.team import StaffRole

URGENT_TEXT = "I have the pills ready and I am going to end it tonight."
CONCERN_TEXT = "I can't go on like this anymore"
CALM_TEXT = "Lovely walk in the park today, feeling calm."

SAFETY = (
    "safety { level message targetId resources { region services { name } directories { name } } }"
)


@pytest.fixture
def services(app_and_http: tuple[Starlette, httpx.AsyncClient]) -> Services:
    found: Services = app_and_http[0].state.services
    return found


@pytest.fixture
def clock(services: Services) -> Iterator[FixedClock]:
    """Swaps a hand-moved clock into the running app for one test."""
    original = services.clock
    fixed = FixedClock(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    services.clock = fixed
    yield fixed
    services.clock = original


async def rows(services: Services, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with services.engine.connect() as conn:
        result = await conn.execute(text(sql), params)
        return [dict(r) for r in result.mappings()]


def raw_id(global_id: str) -> str:
    """The UUID inside a global ID, as stored (hex without dashes on SQLite)."""
    parsed = from_global_id(global_id)
    assert parsed is not None
    return str(parsed[1])


async def grant(services: Services, uid: str, *, on_call: bool = False) -> None:
    """What ``hearth staff grant <uid> --role SAFETY`` does (tested on the CLI itself in
    test_staff_cli.py)."""
    await safety.grant_staff(
        uid, StaffRole.SAFETY, "operator:test", services.uow(), services.clock, on_call=on_call
    )
