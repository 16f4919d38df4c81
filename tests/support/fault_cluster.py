"""A whole Hearth deployment on loopback for the fault scenarios (``make faults``).

A private PostgreSQL cluster (initdb into a temporary folder, its own port), a private
redis-server, the FCM stand-in, TWO API instances (real uvicorn processes, served as the
README serves them) and ONE notification worker process
(:mod:`tests.support.worker_process`, with firebase-admin's HTTP retries as production
has them, holding a claimed batch on request). The
machine's shared PostgreSQL and Redis are never touched. Each process logs into the
cluster's temporary folder (removed at the end), so a scenario can count the
tracebacks it caused.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import run_migrations
from tests.support.fcm_stub import FcmStandIn, fcm_standin
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.private_redis import PrivateRedis, free_port, private_redis
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 8.0
"""The worker's lease in the harness (production: 60 s), so a claimed batch that was
not finished is retried within a scenario's time."""
UNLIMITED = "1000000"


def _base_env() -> dict[str, str]:
    """This process's environment without Hearth's settings (no shared services)."""
    prefixes = ("HEARTH_", "REDIS_", "DATABASE_", "FIREBASE_", "GOOGLE_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


@dataclass
class ApiInstance:
    """One API process: uvicorn serving ``api.app:create_app``."""

    name: str
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.base}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--ws",
            "websockets-sansio",
            "--ws-per-message-deflate",
            "false",
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "10",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    async def ready(self, timeout: float = 60.0) -> None:
        """Wait until ``/readyz`` answers 200 (a loaded machine starts slowly)."""

        async def answered() -> bool:
            assert self.alive, f"{self.name} exited: {self.log_text()[-2000:]}"
            try:
                async with httpx.AsyncClient(base_url=self.url, timeout=5) as http:
                    return (await http.get("/readyz")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(answered, f"{self.name} ready", timeout, 0.2)

    def sigterm(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tracebacks(self) -> int:
        return self.log_text().count("Traceback (most recent call last)")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@dataclass
class WorkerProcess:
    """The notification worker, which holds the first batch it claims after each
    :meth:`arm` until :meth:`release`."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[str] | None = None
    lines: list[tuple[float, str]] = field(default_factory=list)

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.worker_process"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        threading.Thread(target=self._read, name="worker-stdout", daemon=True).start()

    def _read(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line.strip()))

    async def line(
        self, prefix: str, after: float = 0.0, timeout: float = 30.0
    ) -> tuple[float, str]:
        """The first line starting with ``prefix`` printed at or after ``after``."""

        def found() -> tuple[float, str] | None:
            assert self.process is not None
            assert self.process.poll() is None, "the worker died"
            return next(
                ((t, s) for t, s in self.lines if t >= after and s.startswith(prefix)), None
            )

        return await eventually(found, f"the worker printing {prefix!r}", timeout, 0.05)

    def arm(self) -> float:
        """Hold the next batch it claims (SIGUSR2); returns when it was asked."""
        assert self.process is not None
        asked = time.monotonic()
        self.process.send_signal(signal.SIGUSR2)
        return asked

    def release(self) -> None:
        assert self.process is not None
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stdin:
            self.process.stdin.close()


@dataclass
class FaultCluster:
    postgres: PrivatePostgres
    redis: PrivateRedis
    fcm: FcmStandIn
    apis: list[ApiInstance]
    worker: WorkerProcess
    folder: Path

    async def rows(self, query: str, **params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query on the private cluster (a fresh connection each time)."""
        engine = create_async_engine(self.postgres.url, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                return [tuple(r) for r in await conn.execute(text(query), params)]
        finally:
            await engine.dispose()

    @asynccontextmanager
    async def writes_waiting(self, table: str) -> AsyncIterator[None]:
        """While the block runs, writes to ``table`` wait for a lock (reads go on): a
        way to have requests in flight at a chosen moment."""
        engine = create_async_engine(self.postgres.url, poolclass=NullPool)
        try:
            async with engine.begin() as conn:
                await conn.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
                yield
        finally:
            await engine.dispose()

    async def whole(self) -> None:
        """Restart what an earlier scenario stopped: every API instance serves again."""
        for api in self.apis:
            if not api.alive:
                api.start()
        await asyncio.gather(*(api.ready() for api in self.apis))


@asynccontextmanager
async def fault_cluster() -> AsyncIterator[FaultCluster]:
    """Start everything, migrated and ready; stop and remove everything afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hearth-faults-"))
    async with AsyncExitStack() as stack:
        postgres = stack.enter_context(private_postgres())
        await asyncio.to_thread(run_migrations, postgres.url)
        redis = stack.enter_context(private_redis())
        fcm = stack.enter_context(fcm_standin())
        env = _base_env()
        env.update(
            DATABASE_URL=postgres.url,
            REDIS_URL=redis.url,
            HEARTH_ENV="test",
            HEARTH_SIGN_IN="dev",
            HEARTH_EMBEDDED_WORKER="false",
            HEARTH_LOG_LEVEL="WARNING",
            HEARTH_LOG_JSON="false",
            HEARTH_LIMIT_POSTS_PER_HOUR=UNLIMITED,
            HEARTH_LIMIT_REPLIES_PER_HOUR=UNLIMITED,
            HEARTH_LIMIT_CIRCLES_PER_DAY=UNLIMITED,
        )
        apis = [ApiInstance(name, env, folder / f"{name}.log") for name in ("api-a", "api-b")]
        worker_env = {
            **env,
            "HEARTH_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
            "HEARTH_WORKER_BATCH_SIZE": "50",
            "FCM_URL": fcm.url_template,
            "FCM_PROJECT": fcm.project_id,
            "FCM_HTTP_RETRIES": "1",  # firebase-admin's retries, as in production
            "HOLD": "after_claim",
            "HOLD_UNTIL": "signal",
        }
        worker = WorkerProcess(worker_env, folder / "worker.log")
        cluster = FaultCluster(postgres, redis, fcm, apis, worker, folder)
        try:
            for api in apis:
                api.start()
            worker.start()
            await asyncio.gather(*(api.ready() for api in apis))
            await worker.line("READY", timeout=60)
            yield cluster
        finally:
            worker.stop()
            for api in apis:
                api.kill()
            shutil.rmtree(folder, ignore_errors=True)
