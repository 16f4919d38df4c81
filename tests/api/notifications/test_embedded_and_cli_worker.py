"""The embedded worker (development default) and the ``hearth worker`` command."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select

from api.container import Services
from infra.db.tables.notifications import notification_table
from infra.push import LogPushSender
from infra.worker import make_push_sender
from tests.api.conftest import running_app
from tests.api.notifications.conftest import register, thread
from tests.conftest import DATABASE_URL, test_settings
from tests.support.circles import reply
from tests.support.graphql import GraphQLClient
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]


async def test_the_embedded_worker_delivers_to_the_log_without_credentials(
    clean_database: str,
) -> None:
    settings = test_settings(hearth_embedded_worker=True, hearth_worker_poll_seconds=0.05)
    async with running_app(settings) as (app, http):
        services: Services = app.state.services
        assert services.worker is not None
        _stop, task = services.worker
        assert not task.done()
        gql = GraphQLClient(http)
        t = await thread(gql)
        await register(gql, "alice", "fid-a")
        await reply(gql, "bob", t.post_id, "hi")

        async def sent() -> bool:
            async with services.engine.connect() as conn:
                return await conn.scalar(select(notification_table.c.status)) == "SENT"

        await eventually(sent, "the embedded worker sending the reply notification")
    assert task.done()  # stopped with the app


def test_the_embedded_worker_is_off_outside_development() -> None:
    assert test_settings().embedded_worker is False
    assert test_settings(hearth_env="development").embedded_worker is True
    assert test_settings(hearth_env="production").embedded_worker is False


def test_hearth_worker_runs_until_sigterm(migrated_database: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "HEARTH_ENV": "development",
        "HEARTH_LOG_JSON": "false",
    }
    env.pop("FIREBASE_PROJECT_ID", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.cli", "worker"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    # given: the worker says it started (its SIGTERM handler is installed by then)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr or []], daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while not any("notification worker" in x and "started" in x for x in seen):
        assert time.monotonic() < deadline, "".join(seen)
        with contextlib.suppress(queue.Empty):
            seen.append(lines.get(timeout=0.5))
    # when
    proc.send_signal(signal.SIGTERM)
    # then: it stops cleanly and says so
    assert proc.wait(timeout=15) == 0, "".join(seen)
    deadline = time.monotonic() + 5
    while not any("stopped" in x for x in seen) and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            seen.append(lines.get(timeout=0.5))
    assert any("notification worker" in x and "stopped" in x for x in seen), "".join(seen)


def test_development_without_credentials_uses_the_log_sender() -> None:
    assert isinstance(make_push_sender(test_settings(), None), LogPushSender)
