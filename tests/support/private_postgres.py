"""A private PostgreSQL cluster for fault tests: its own folder and port, started and
stopped by the test, so that the machine's shared server is never touched."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found: PostgreSQL's server package is needed")
    return found[-1]


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class PrivatePostgres:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args: str) -> None:
        command = [*_as_postgres(), _bin("pg_ctl"), "-D", str(self.folder / "data"), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.ctl("-m", mode, "-w", "stop")

    def kill(self) -> int:
        """SIGKILL the postmaster and every backend at once (an OOM kill, a crashed
        host): nothing is flushed or shut down. ``start`` then runs crash recovery.
        Returns how many processes were killed."""
        postmaster = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        victims = [postmaster] + [
            int(d.name)
            for d in Path("/proc").iterdir()
            if d.name.isdigit() and _parent_of(d) == postmaster
        ]
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in victims:  # gone (or a zombie of its dead parent) before we go on
            path = Path(f"/proc/{pid}/status")
            for _ in range(500):
                try:
                    if "State:\tZ" in path.read_text():
                        break
                except FileNotFoundError:
                    break
                time.sleep(0.01)
        # A zombie postmaster (its parent here may never reap it) would still pass
        # PostgreSQL's "is the lock file's PID alive?" check: drop the stale lock files,
        # as a supervisor that reaped the process would leave PostgreSQL free to do.
        for stale in ("data/postmaster.pid", f".s.PGSQL.{self.port}.lock", f".s.PGSQL.{self.port}"):
            (self.folder / stale).unlink(missing_ok=True)
        return len(victims)


def _parent_of(proc: Path) -> int | None:
    try:
        stat = (proc / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    folder = Path(tempfile.mkdtemp(prefix="hearth-pg-"))
    shutil.chown(folder, "postgres") if os.geteuid() == 0 else None
    command = [*_as_postgres(), _bin("initdb"), "-D", str(folder / "data"), "-A", "trust"]
    subprocess.run([*command, "-U", "postgres"], check=True, capture_output=True, timeout=120)
    cluster = PrivatePostgres(folder, _free_port())
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(
            [
                *_as_postgres(),
                _bin("pg_ctl"),
                "-D",
                str(folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)
