"""Circle API tests: the app's clock, stopped for a test that asks for it."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from domain.clock import FixedClock, SystemClock


@pytest.fixture
def clock(
    app_and_http: tuple[Starlette, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> FixedClock:
    """The app's clock, fixed at now and moved by the test: what the test writes
    without moving it happens at one instant."""
    fixed = FixedClock(SystemClock().now())
    monkeypatch.setattr(app_and_http[0].state.services, "clock", fixed)
    return fixed
