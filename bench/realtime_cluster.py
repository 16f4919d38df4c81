"""Realtime across instances: subscribers spread over circles and uvicorn processes
that share PostgreSQL and Redis, under a steady stream of posts.

    uv run python -m bench.realtime_cluster [--instances 2] [--circles 100]
        [--subscribers 2000] [--rate 50] [--seconds 20] [--redis-db 3]

Issue 15's scenario is ``--instances 2 --circles 500 --subscribers 10000 --rate 50``
(run it on a quiet machine: the client, both servers and PostgreSQL share the cores).

Setup, outside the measurement: a fresh database ``hearth_bench_rt`` (the project's
migrations), ``--circles`` public circles and one member per subscriber (seeded with
COPY, like bench/notifications.py), every member active in their circle. Each
subscriber opens its own graphql-transport-ws socket to instance ``n % instances`` and
subscribes to ``circleActivity`` of its circle. Then ``--rate`` posts per second for
``--seconds`` seconds go through HTTP, round-robin over the instances and the circles,
each by the circle's owner.

The subscribers are ``bench.ws_client``'s lean clients by default (``--client
websockets`` for the first, heavier ones). Before measuring, every circle hears one
warm-up post (not counted), then the servers' idle CPU is read over 5 s.

Reported: deliveries expected (every member of the post's circle, the author too) and
received, lost and duplicated deliveries (counted per subscriber by post id),
commit-to-receipt p50/p90/p99, the servers' CPU per delivery (utime+stime from /proc
over the posting phase) and each server's RSS. Results go to stdout; docs/scaling.md
records them.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import uvloop
import websockets

from bench import ws_client
from bench.servers import wait_ready

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = "hearth_bench_rt"
URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB_NAME}"
ACTIVITY = (
    "subscription($id: ID!) { circleActivity(circleId: $id) { __typename committedAt "
    "... on PostCreated { post { id body isMine } } } }"
)
WARM_UP = "Warm-up"  # the body of the posts sent before measuring
CREATE = (
    "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } userErrors { code } } }"
)
TICKS = os.sysconf("SC_CLK_TCK")


def _global_id(kind: str, raw: UUID) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{raw}".encode()).decode()


async def _seed(circles: int, subscribers: int) -> tuple[list[UUID], list[tuple[str, UUID]]]:
    """Circles and members; returns the circle ids and, per subscriber, (uid, circle)."""
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {DB_NAME}")
    await admin.close()
    env = {**os.environ, "DATABASE_URL": URL}
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    now = datetime.now(UTC)
    circle_ids = [uuid4() for _ in range(circles)]
    members = [(uuid4(), f"rtc-{n}", circle_ids[n % circles]) for n in range(subscribers)]
    owners: dict[UUID, UUID] = {}
    for member_id, _, circle_id in members:
        owners.setdefault(circle_id, member_id)
    conn = await asyncpg.connect(f"{PG}/{DB_NAME}")
    try:
        await conn.copy_records_to_table(
            "member",
            columns=[
                "id",
                "firebase_uid",
                "display_name",
                "display_name_key",
                "timezone",
                "region",
                "created_at",
                "updated_at",
                "guidelines_version",
                "guidelines_accepted_at",
                "adult_confirmed_at",
            ],
            records=[
                (m, uid, uid, uid, "Europe/London", "GB", now, now, "2026-11", now, now)
                for m, uid, _ in members
            ],
        )
        per_circle = Counter(c for _, _, c in members)
        await conn.copy_records_to_table(
            "circle",
            columns=[
                "id",
                "name",
                "description",
                "topics",
                "visibility",
                "capacity",
                "guidelines",
                "created_at",
                "created_by",
                "active_count",
            ],
            records=[
                (c, f"Circle {n}", "", ",OTHER,", "PUBLIC", 100, "", now, owners[c], per_circle[c])
                for n, c in enumerate(circle_ids)
            ],
        )
        await conn.copy_records_to_table(
            "membership",
            columns=["circle_id", "member_id", "role", "status", "created_at", "updated_at"],
            records=[
                (c, m, "OWNER" if owners[c] == m else "MEMBER", "ACTIVE", now, now)
                for m, _, c in members
            ],
        )
    finally:
        await conn.close()
    uid_of = {m: uid for m, uid, _ in members}
    return circle_ids, [(uid_of[owners[c]], c) for c in circle_ids] + [
        (uid, c) for _, uid, c in members
    ]


def _start(port: int, redis_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HEARTH_ENV": "development",
        "DATABASE_URL": URL,
        "REDIS_URL": redis_url,
        "HEARTH_SIGN_IN": "dev",
        "HEARTH_LOG_LEVEL": "WARNING",
        "HEARTH_EMBEDDED_WORKER": "false",
        "HEARTH_LIMIT_POSTS_PER_HOUR": "1000000",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:create_app",
        "--factory",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--ws",
        "websockets-sansio",
        "--ws-per-message-deflate",
        "false",  # as the README serves it
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _active(http: httpx.AsyncClient) -> int:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith("hearth_subscriptions_active "):
            return int(float(line.split()[1]))
    return 0


async def _subscribe(
    url: str,
    uid: str,
    circle: str,
    stop: asyncio.Event,
    received: list[str],
    delays: list[float],
) -> None:
    async with websockets.connect(
        url, subprotocols=["graphql-transport-ws"], max_queue=None, open_timeout=120
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authToken": f"dev:{uid}"}})
        )
        await ws.recv()
        payload = {"query": ACTIVITY, "variables": {"id": circle}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            message = json.loads(raw)
            if message.get("type") != "next":
                if message.get("type") in ("error", "complete"):
                    raise RuntimeError(f"{uid}: subscription ended: {message}")
                continue
            event = message["payload"]["data"]["circleActivity"]
            if event["__typename"] != "PostCreated":
                continue
            delays.append(
                (time.time() - datetime.fromisoformat(event["committedAt"]).timestamp()) * 1000
            )
            received.append(event["post"]["id"])


def _heard(received: list[str], delays: list[float]) -> ws_client.OnNext:
    """A lean subscriber's record of the posts it hears (warm-up posts left out)."""

    def heard(data: dict[str, Any], arrived: float) -> None:
        event = data["circleActivity"]
        if event["__typename"] != "PostCreated" or event["post"]["body"].startswith(WARM_UP):
            return
        delays.append((arrived - datetime.fromisoformat(event["committedAt"]).timestamp()) * 1000)
        received.append(event["post"]["id"])

    return heard


async def _lean(
    ports: list[int],
    subs: list[tuple[str, UUID]],
    received: dict[int, list[str]],
    delays: list[float],
) -> list[ws_client.Subscriber]:
    """Every subscriber as a lean sans-I/O client (bench.ws_client), 200 handshakes at a time."""
    opened: list[ws_client.Subscriber] = []
    for start in range(0, len(subs), 200):
        opened += await asyncio.gather(
            *(
                ws_client.subscribe(
                    "127.0.0.1",
                    ports[n % len(ports)],
                    uid,
                    ACTIVITY,
                    {"id": _global_id("Circle", circle)},
                    _heard(received[n], delays),
                )
                for n, (uid, circle) in enumerate(subs[start : start + 200], start)
            )
        )
    return opened


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


async def run(
    instances: int,
    circles: int,
    subscribers: int,
    rate: float,
    seconds: float,
    redis_url: str,
    client: str = "sansio",
) -> dict[str, object]:
    _, seats = await _seed(circles, subscribers)
    owners, subs = seats[:circles], seats[circles:]
    ports = [8700 + n for n in range(instances)]
    servers = [_start(port, redis_url) for port in ports]
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=60) for p in ports]
    stop = asyncio.Event()
    received: dict[int, list[str]] = {n: [] for n in range(len(subs))}
    delays: list[float] = []
    try:
        for http in clients:
            await wait_ready(http)
        lean: list[ws_client.Subscriber] = []
        if client == "sansio":
            lean = await _lean(ports, subs, received, delays)
            tasks = [asyncio.ensure_future(s.ended) for s in lean]
        else:
            tasks = [
                asyncio.create_task(
                    _subscribe(
                        f"ws://127.0.0.1:{ports[n % instances]}/graphql",
                        uid,
                        _global_id("Circle", circle),
                        stop,
                        received[n],
                        delays,
                    )
                )
                for n, (uid, circle) in enumerate(subs)
            ]
        deadline = time.monotonic() + 600
        while sum([await _active(h) for h in clients]) < len(subs):
            if time.monotonic() > deadline:
                raise RuntimeError("subscribers did not all register")
            failed = [t for t in tasks if t.done() and t.exception()]
            if failed:
                raise RuntimeError(f"a subscriber failed: {failed[0].exception()}")
            await asyncio.sleep(0.5)
        rss_idle = [_rss_mib(s.pid) for s in servers]
        posted: list[tuple[str, UUID]] = []
        sends: list[asyncio.Task[None]] = []

        async def one(n: int, warm: bool = False) -> None:
            uid, circle = owners[n % circles]
            http = clients[n % instances]
            text = f"{WARM_UP} {n}" if warm else f"#{n}"
            response = await http.post(
                "/graphql",
                json={
                    "query": CREATE,
                    "variables": {"i": {"circleId": _global_id("Circle", circle), "body": text}},
                },
                headers={"Authorization": f"Bearer dev:{uid}"},
            )
            body = response.json()
            assert not body.get("errors"), body
            assert not body["data"]["createPost"]["userErrors"], body
            if not warm:
                posted.append((body["data"]["createPost"]["post"]["id"], circle))

        # Warm-up, not measured: every circle hears one post (the servers' first full
        # garbage collection after thousands of sockets opened happens here, as it would
        # have long before on a server whose sockets opened over minutes)
        for n in range(0, circles, 10):
            await asyncio.gather(*(one(k, warm=True) for k in range(n, min(circles, n + 10))))
        await asyncio.sleep(3)
        idle_from = [_cpu_seconds(s.pid) for s in servers]
        await asyncio.sleep(5)  # the sockets' own cost, with no event
        cpu_before = [_cpu_seconds(s.pid) for s in servers]
        idle_ms_per_s = [
            round((after - before) * 1000 / 5, 1)
            for before, after in zip(idle_from, cpu_before, strict=True)
        ]
        total = int(rate * seconds)
        started = time.monotonic()
        for n in range(total):
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
            sends.append(asyncio.create_task(one(n)))
        outcomes = await asyncio.gather(*sends, return_exceptions=True)
        post_errors = [repr(o) for o in outcomes if isinstance(o, BaseException)]
        posting_seconds = time.monotonic() - started
        await asyncio.sleep(5)  # let the last events arrive
        cpu_after = [_cpu_seconds(s.pid) for s in servers]
        rss_end = [_rss_mib(s.pid) for s in servers]
        stop.set()
        for subscriber in lean:
            subscriber.close()
        failures = [
            repr(o) for o in await asyncio.gather(*tasks, return_exceptions=True) if o is not None
        ]
    finally:
        for http in clients:
            await http.aclose()
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(20)
    circle_of_post = dict(posted)
    expected = 0
    lost = duplicated = 0
    for n, (_, circle) in enumerate(subs):
        want = {p for p, c in circle_of_post.items() if c == circle}
        got = Counter(received[n])
        expected += len(want)
        lost += len(want - set(got))
        duplicated += sum(count - 1 for count in got.values() if count > 1)
    deliveries = sum(len(r) for r in received.values())
    cpu = sum(after - before for before, after in zip(cpu_before, cpu_after, strict=True))
    return {
        "instances": instances,
        "circles": circles,
        "subscribers": len(subs),
        "client": client,
        "subscriber_failures": len(failures),
        "first_subscriber_failure": failures[0][:300] if failures else None,
        "posts": len(posted),
        "post_errors": len(post_errors),
        "first_post_error": post_errors[0][:300] if post_errors else None,
        "posts_per_second": round(len(posted) / posting_seconds, 1),
        "deliveries_expected": expected,
        "deliveries_received": deliveries,
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": round(statistics.median(delays), 1) if delays else None,
        "p90_ms": round(_pct(delays, 90), 1),
        "p99_ms": round(_pct(delays, 99), 1),
        "server_cpu_ms_per_delivery": round(cpu * 1000 / max(deliveries, 1), 3),
        "server_cpu_ms_per_post": round(cpu * 1000 / max(len(posted), 1), 2),
        "server_idle_cpu_ms_per_second": idle_ms_per_s,
        "server_rss_idle_mib": [round(r, 1) for r in rss_idle],
        "server_rss_end_mib": [round(r, 1) for r in rss_end],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--circles", type=int, default=100)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--redis-db", type=int, default=3)
    parser.add_argument(
        "--client",
        choices=["sansio", "websockets"],
        default="sansio",
        help="lean sans-I/O subscribers (bench.ws_client) or websockets.connect ones",
    )
    args = parser.parse_args()
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    result = uvloop.run(
        run(
            args.instances,
            args.circles,
            args.subscribers,
            args.rate,
            args.seconds,
            redis_url,
            args.client,
        )
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
