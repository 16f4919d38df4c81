"""Shutting down never hangs on one stuck part: each step of the app's shutdown
(``api.wiring.close_services``) is bounded, and one that overruns, even one that
ignores cancellation, is left behind with a warning that names it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from api import wiring


@contextmanager
def _captured(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The shutdown log in ``caplog`` (the app's loggers may not propagate)."""
    shutdown = logging.getLogger("hearth.shutdown")
    shutdown.addHandler(caplog.handler)
    try:
        yield
    finally:
        shutdown.removeHandler(caplog.handler)


async def test_a_step_that_hangs_is_abandoned_with_a_warning_naming_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(wiring, "SHUTDOWN_STEP_SECONDS", 0.2)
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue  # ignores cancellation, like a driver call stuck in a thread

    with _captured(caplog):
        started = time.monotonic()
        await wiring._step("the database pool", stubborn())
        took = time.monotonic() - started
    release.set()
    assert took < 2.0
    assert {r.getMessage() for r in caplog.records} == {
        "shutdown: the database pool did not finish in 0.2 s; left behind"
    }


async def test_a_step_that_fails_is_logged_and_the_shutdown_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken() -> None:
        raise ConnectionResetError("gone")

    with _captured(caplog):
        await wiring._step("Redis", broken())
    assert {r.getMessage() for r in caplog.records} == {
        "shutdown: Redis failed: ConnectionResetError('gone')"
    }
