"""Fixtures for the data-rights tests: the app's hand-moved clock and the worker's
export builder on the app's database."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from domain.clock import FixedClock
from infra.exports.builder import ExportBuilder
from tests.api.checkins.conftest import clock
from tests.api.safety.conftest import services

__all__ = ["builder", "clock", "services"]


@pytest.fixture
def builder(app_and_http: tuple[Starlette, httpx.AsyncClient], clock: FixedClock) -> ExportBuilder:
    """What the worker runs, on the app's engine and clock (small chunks, so even a
    small export spans several)."""
    return ExportBuilder(app_and_http[0].state.services.engine, clock, chunk_bytes=2_000)
