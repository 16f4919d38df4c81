"""A lean FCM v1 stand-in in its own process, for measuring how fast the outbox drains.

    python -m bench.fcm_server            # prints "PORT <n>", serves until SIGTERM

``tests/support/fcm_stub.py`` is the stand-in the tests script: it answers each device
as told and records every request, with a thread per connection. It tops out at about
1,300 requests/s on this machine, in the benchmark's own process, which is below the
rate issue 15 asks the outbox to reach. This one answers every well-formed request as
FCM answers a success (``200 {"name": "projects/<p>/messages/<n>"}``), on uvloop, from a
process of its own, and does not record bodies. What it checks is what the benchmark
counts:

- the path is ``/v1/projects/<project>/messages:send`` and an ``Authorization`` header is
  present (otherwise 404 or 401, as FCM answers, and it counts them);
- the body parses as JSON with a ``message`` whose ``data.notificationId`` it counts, so
  the benchmark reports duplicates and losses per outbox row.

On SIGTERM it prints one JSON line: ``received``, ``distinct``, ``duplicates``,
``refused``, ``connections`` (TCP connections accepted: a TLS handshake each against
real FCM) and ``cpu_seconds``, then exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
from collections import Counter

import uvloop

_OK_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n"
    b"Content-Length: %d\r\n\r\n"
)
_REFUSED = {
    401: b'{"error":{"code":401,"message":"Request is missing credentials.",'
    b'"status":"UNAUTHENTICATED"}}',
    404: b'{"error":{"code":404,"message":"Not Found","status":"NOT_FOUND"}}',
}


class _Counts:
    def __init__(self, project: str) -> None:
        self.path = f"/v1/projects/{project}/messages:send".encode()
        self.name = f"projects/{project}/messages/".encode()
        self.per_row: Counter[str] = Counter()
        self.received = 0
        self.refused = 0
        self.connections = 0


class _Connection(asyncio.Protocol):
    """HTTP/1.1 keep-alive, one request at a time per connection (as FCM clients send)."""

    def __init__(self, counts: _Counts) -> None:
        self._counts = counts
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  # uvloop's own class
        self._counts.connections += 1

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self._buffer[:end]
            length = 0
            authorized = False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                lowered = name.strip().lower()
                if lowered == b"content-length":
                    length = int(value)
                elif lowered == b"authorization" and value.strip():
                    authorized = True
            if len(self._buffer) < end + 4 + length:
                return
            body = self._buffer[end + 4 : end + 4 + length]
            self._buffer = self._buffer[end + 4 + length :]
            path = head.split(b" ", 2)[1]
            self._answer(path, authorized, body)

    def _answer(self, path: bytes, authorized: bool, body: bytes) -> None:
        counts = self._counts
        assert self._transport is not None
        status = 200
        if path != counts.path:
            status = 404
        elif not authorized:
            status = 401
        if status != 200:
            counts.refused += 1
            payload = _REFUSED[status]
            reason = b"Not Found" if status == 404 else b"Unauthorized"
            self._transport.write(
                b"HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=UTF-8\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (status, reason, len(payload), payload)
            )
            return
        message = json.loads(body)["message"]
        counts.per_row[message.get("data", {}).get("notificationId", "")] += 1
        counts.received += 1
        payload = b'{"name":"%s%d"}' % (counts.name, counts.received)
        self._transport.write(_OK_HEAD % len(payload) + payload)


async def _serve(project: str) -> None:
    counts = _Counts(project)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Connection(counts), sock=listener, backlog=1024)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    await stop.wait()
    server.close()
    times = os.times()
    print(
        json.dumps(
            {
                "received": counts.received,
                "distinct": len(counts.per_row),
                "duplicates": sum(n - 1 for n in counts.per_row.values()),
                "refused": counts.refused,
                "connections": counts.connections,
                "cpu_seconds": round(times.user + times.system, 3),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", default="hearth-test")
    args = parser.parse_args()
    uvloop.run(_serve(args.project))
    sys.exit(0)


if __name__ == "__main__":
    main()
