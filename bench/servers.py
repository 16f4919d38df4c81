"""Starting and stopping the two servers, and reading their CPU time and RSS from /proc."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import feed
from bench.database import DSN, ROOT, SQLALCHEMY_URL

TICK = os.sysconf("SC_CLK_TCK")
UVICORN = ["--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]


async def wait_ready(http: httpx.AsyncClient, tries: int = 600) -> None:
    """Until the server behind ``http`` answers /readyz with 200 (0.1 s apart)."""
    for _ in range(tries):
        with contextlib.suppress(httpx.TransportError):
            if (await http.get("/readyz")).status_code == 200:
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{http.base_url} never became ready")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def app_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.pop("REDIS_URL", None)
    env.update(
        HEARTH_ENV="development",
        DATABASE_URL=SQLALCHEMY_URL,
        HEARTH_SIGN_IN="dev",
        HEARTH_LOG_LEVEL="WARNING",
        HEARTH_TRUSTED_DOCUMENTS=str(feed.MANIFEST),
        # react is measured at hundreds per second from 200 members: far above a
        # member's hourly reaction limit, which would refuse most of them
        HEARTH_LIMIT_REACTIONS_PER_HOUR="100000000",
    )
    return env


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, log_dir: Path, workers: int = 1) -> Server:
    """``app``: the real Hearth app; ``raw``: bench/raw_app.py. Waits for a 200 feed."""
    port = free_port()
    if name == "app":
        target, env = "api.app:create_app", app_env()
    else:
        target, env = "bench.raw_app:create_app", {**os.environ, "BENCH_DSN": DSN}
    command = [sys.executable, "-m", "uvicorn", target, "--factory", *UVICORN]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    log = (log_dir / f"server-{name}.log").open("ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    server = Server(name, process, port)
    auth, body = feed.rotation()[0]
    headers = {"Authorization": auth, "Content-Type": "application/json"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} server exited; see {log.name}")
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.post(server.url, content=body, headers=headers, timeout=10)
            if response.status_code == 200 and "errors" not in response.json():
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} server did not answer the feed within 60 s")


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(ppid, utime+stime ticks, comm) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), comm


def _all() -> dict[int, tuple[int, int, str]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            found[int(entry)] = stat
    return found


def tree(pid: int, procs: dict[int, tuple[int, int, str]]) -> list[int]:
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, (ppid, _, _) in procs.items() if ppid == parent]
        pids += children
        frontier += children
    return pids


def _bench_backends(procs: dict[int, tuple[int, int, str]]) -> dict[int, int]:
    """CPU ticks of the PostgreSQL backends connected to the bench database."""
    found = {}
    for p, (_, ticks, comm) in procs.items():
        if comm.startswith("postgres"):
            with contextlib.suppress(OSError):
                if b"hearth_bench" in Path(f"/proc/{p}/cmdline").read_bytes():
                    found[p] = ticks
    return found


def cpu_seconds(pid: int) -> tuple[float, dict[int, int]]:
    """CPU seconds used so far by the server's process tree, and per-backend ticks."""
    procs = _all()
    server = sum(procs[p][1] for p in tree(pid, procs) if p in procs)
    return server / TICK, _bench_backends(procs)


def pg_seconds_between(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU seconds the bench database's backends used between two snapshots (backends
    that started in between count fully; other databases' backends are ignored)."""
    return sum(ticks - before.get(p, 0) for p, ticks in after.items()) / TICK


def rss_mib(pid: int) -> float:
    total = 0
    for p in tree(pid, _all()):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024
