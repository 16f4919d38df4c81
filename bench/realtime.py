"""Realtime benchmark: 1,000 websocket subscribers on one circle, one instance.

Measures, for posts created through HTTP, the delay from the database commit
(the event's ``committedAt``) to each subscriber's receipt, and the server's
memory per websocket connection.

    uv run python -m bench.realtime [--subscribers 1000] [--posts 20] [--ws websockets]
    uv run python -m bench.realtime --stalled 1 --body 5000   # one client never reads
    uv run python -m bench.realtime --client websockets       # the first, heavier client

The subscribers are ``bench.ws_client``'s lean sans-I/O clients by default: each
message is stamped when its bytes reach the client process, before it is parsed (see
that module for why); ``--client websockets`` uses one ``websockets.connect`` client
per subscriber, which stamps a message after its task has been woken and the message
parsed. Deliveries are counted per subscriber and post, so losses and duplicates are
exact.

``--stalled N`` adds N subscribers that never read after subscribing (a frozen app):
the others' delays must not change, and the server resets the stalled sockets once a
send to them has waited ``HEARTH_WS_SEND_TIMEOUT_SECONDS`` (``stalled_reset``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import uvloop
import websockets

from bench import ws_client
from bench.servers import wait_ready

ROOT = Path(__file__).resolve().parent.parent
ACTIVITY = (
    "subscription($id: ID!) { circleActivity(circleId: $id) { __typename committedAt "
    "... on PostCreated { post { id body isMine author { displayName } } } } }"
)
WARM_UP = "Warm-up"  # the body of the posts sent before measuring
MEMBERS = 100  # a circle holds at most 100 members; each opens several sockets


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """The process's user and system CPU time so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _start_server(
    port: int, db_url: str, per_member: int, ws: str = "websockets-sansio", deflate: bool = False
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HEARTH_ENV": "development",
        "DATABASE_URL": db_url,
        "HEARTH_SIGN_IN": "dev",
        "HEARTH_LOG_LEVEL": "WARNING",
        "HEARTH_EMBEDDED_WORKER": "false",
        "HEARTH_WS_MAX_CONNECTIONS_PER_MEMBER": str(per_member),
        "HEARTH_LIMIT_POSTS_PER_HOUR": "100000",  # one member writes every post
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
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
        ws,
        "--no-access-log",
        "--ws-max-queue",
        "64",
        "--ws-per-message-deflate",
        str(deflate).lower(),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


async def _gql(http: httpx.AsyncClient, query: str, variables: dict, uid: str) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer dev:{uid}"},
    )
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


async def _setup(http: httpx.AsyncClient) -> str:
    onboard = "mutation($i: CompleteOnboardingInput!) { completeOnboarding(input: $i) { userErrors { code } } }"
    for n in range(MEMBERS):
        await _gql(
            http,
            onboard,
            {
                "i": {
                    "displayName": f"Bench member {n}",
                    "timezone": "Europe/London",
                    "region": "GB",
                    "confirmsAdult": True,
                    "acceptedGuidelinesVersion": "2026-11",
                }
            },
            f"rt-{n}",
        )
    created = await _gql(
        http,
        ("mutation($i: CreateCircleInput!) { createCircle(input: $i) { circle { id } } }"),
        {
            "i": {
                "name": "Realtime bench",
                "description": "",
                "topics": ["OTHER"],
                "visibility": "PUBLIC",
                "capacity": 100,
            }
        },
        "rt-0",
    )
    circle_id = created["createCircle"]["circle"]["id"]
    join = "mutation($i: JoinCircleInput!) { joinCircle(input: $i) { userErrors { code } } }"
    for n in range(1, MEMBERS):
        await _gql(http, join, {"i": {"circleId": circle_id}}, f"rt-{n}")
    return circle_id


async def _subscriber(
    base: str,
    uid: str,
    circle_id: str,
    ready: asyncio.Event,
    expected: int,
    delays: list[list[float]],
    opened: list[int],
) -> None:
    async with websockets.connect(
        f"ws://{base}/graphql",
        subprotocols=["graphql-transport-ws"],
        max_queue=None,
        open_timeout=60,
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authToken": f"dev:{uid}"}})
        )
        await ws.recv()
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": ACTIVITY, "variables": {"id": circle_id}},
                }
            )
        )
        opened.append(1)
        await ready.wait()
        got = 0
        while got < expected:
            message = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if message.get("type") in ("error", "complete"):
                raise RuntimeError(f"subscription ended: {message}")
            if message.get("type") != "next":
                continue
            if message["payload"].get("errors"):
                raise RuntimeError(f"subscription error: {message['payload']['errors']}")
            received = time.time()
            event = message["payload"]["data"]["circleActivity"]
            if event["post"]["body"].startswith(WARM_UP):
                continue
            committed = datetime.fromisoformat(event["committedAt"]).timestamp()
            delays[got].append((received - committed) * 1000)
            got += 1


class _Tally:
    """Deliveries per post (by id) and per subscriber, with their delays."""

    def __init__(self) -> None:
        self.delays: dict[str, list[float]] = {}
        self.duplicates = 0
        self.received = 0
        self.warm = 0  # warm-up deliveries, not measured

    def on_next(self, seen: set[str]) -> ws_client.OnNext:
        def heard(data: dict, arrived: float) -> None:
            event = data["circleActivity"]
            post = event["post"]["id"]
            if event["post"]["body"].startswith(WARM_UP):
                self.warm += 1
                return
            if post in seen:
                self.duplicates += 1
                return
            seen.add(post)
            committed = datetime.fromisoformat(event["committedAt"]).timestamp()
            self.delays.setdefault(post, []).append((arrived - committed) * 1000)
            self.received += 1

        return heard


async def _lean_subscribers(
    base: str, subscribers: int, circle_id: str, tally: _Tally
) -> list[ws_client.Subscriber]:
    host, port = base.rsplit(":", 1)
    opened: list[ws_client.Subscriber] = []
    for start in range(0, subscribers, 100):  # 100 handshakes at a time
        opened += await asyncio.gather(
            *(
                ws_client.subscribe(
                    host,
                    int(port),
                    f"rt-{n % MEMBERS}",
                    ACTIVITY,
                    {"id": circle_id},
                    tally.on_next(set()),
                )
                for n in range(start, min(subscribers, start + 100))
            )
        )
    return opened


async def stalled_subscriber(
    base: str, uid: str, circle_id: str, query: str = ACTIVITY
) -> websockets.ClientConnection:
    """A subscriber that never reads again: a small receive buffer, one queued frame
    (also used by tests/api/realtime/test_stalled_socket.py)."""
    host, port = base.rsplit(":", 1)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((host, int(port)))
    ws = await websockets.connect(
        f"ws://{base}/graphql",
        sock=raw,
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        max_queue=1,
        compression=None,
        ping_interval=None,
        open_timeout=60,
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": f"dev:{uid}"}}))
    await ws.recv()
    payload = {"query": query, "variables": {"id": circle_id}}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return ws


async def _counter(http: httpx.AsyncClient, name: str) -> float:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    return 0.0


async def _active(http: httpx.AsyncClient) -> int:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith("hearth_subscriptions_active "):
            return int(float(line.split()[1]))
    return 0


async def _executions(http: httpx.AsyncClient) -> dict[str, int]:
    """Executions of subscription documents for events, per audience or per subscriber."""
    found = {}
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith("hearth_subscription_executions_total{"):
            label = line.split('per="', 1)[1].split('"', 1)[0]
            found[label] = int(float(line.split()[-1]))
    return found


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def run(
    subscribers: int,
    posts: int,
    ws: str = "websockets-sansio",
    deflate: bool = False,
    stalled: int = 0,
    body: int = 0,
    client_kind: str = "sansio",
    warmup: int = 1,
) -> dict:
    port = _free_port()
    db_dir = tempfile.mkdtemp(prefix="hearth-rt-")
    db_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{db_dir}/rt.sqlite3"
    per_member = -(-(subscribers + stalled) // MEMBERS)
    server = _start_server(port, db_url, per_member, ws, deflate)
    base = f"127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=f"http://{base}", timeout=60) as http:
            await wait_ready(http)
            circle_id = await _setup(http)
            rss_before = _rss_kib(server.pid)
            ready, opened = asyncio.Event(), []
            per_post: list[list[float]] = [[] for _ in range(posts)]
            tally, lean = _Tally(), []
            if client_kind == "sansio":
                lean = await _lean_subscribers(base, subscribers, circle_id, tally)
                tasks = [asyncio.ensure_future(s.ended) for s in lean]
            else:
                tasks = [
                    asyncio.create_task(
                        _subscriber(
                            base, f"rt-{n % MEMBERS}", circle_id, ready, posts, per_post, opened
                        )
                    )
                    for n in range(subscribers)
                ]
            frozen = [
                await stalled_subscriber(base, f"rt-{(subscribers + n) % MEMBERS}", circle_id)
                for n in range(stalled)
            ]
            reset_before = await _counter(http, "hearth_websocket_stalled_total")
            while await _active(http) < subscribers + stalled:
                await asyncio.sleep(0.2)
            await asyncio.sleep(0.5)
            rss_after = _rss_kib(server.pid)
            # the client's own garbage collector must not stall 1,000 sockets' receipts:
            # what the setup made is kept out of its collections from here on
            gc.collect()
            gc.freeze()
            ready.set()
            create = (
                "mutation($i: CreatePostInput!) { createPost(input: $i) { userErrors { code } } }"
            )
            # Warm-up: the first event after 1,000 sockets opened meets the server's first
            # full garbage collection of everything they hold (~0.2 s, all deliveries
            # waiting); a server whose sockets opened over minutes has had it long before.
            for n in range(warmup):
                await _gql(
                    http, create, {"i": {"circleId": circle_id, "body": f"{WARM_UP} {n}"}}, "rt-0"
                )
                await asyncio.sleep(2)
            executions_before = await _executions(http)
            cpu_before = _cpu_seconds(server.pid)
            client_before = time.process_time()
            for n in range(posts):
                text = f"Post {n} " + os.urandom(body // 2).hex()[: max(0, body - 12)]
                made = await _gql(
                    http, create, {"i": {"circleId": circle_id, "body": text}}, "rt-0"
                )
                assert made["createPost"]["userErrors"] == [], made
                await asyncio.sleep(0.5)
            if lean:
                deadline = time.monotonic() + 300
                while tally.received < subscribers * posts and time.monotonic() < deadline:
                    failed = [s.ended for s in lean if s.ended.done()]
                    if failed:
                        failed[0].result()  # raises the subscriber's failure
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.5)  # a duplicate would arrive about now
                per_post = list(tally.delays.values())
                for subscriber in lean:
                    subscriber.close()
            else:
                await asyncio.wait_for(asyncio.gather(*tasks), 300)
            client = time.process_time() - client_before
            user, system = (
                after - before
                for after, before in zip(_cpu_seconds(server.pid), cpu_before, strict=True)
            )
            executions = {
                k: v - executions_before.get(k, 0) for k, v in (await _executions(http)).items()
            }
            stalled_reset = await _counter(http, "hearth_websocket_stalled_total") - reset_before
            for frozen_ws in frozen:
                frozen_ws.transport.abort()
    finally:
        server.terminate()
        server.wait(10)
    delays = [d for post in per_post for d in post]
    return {
        "subscribers": subscribers,
        "posts": posts,
        "deliveries_expected": subscribers * posts,
        "deliveries": len(delays),
        "duplicates": tally.duplicates if client_kind == "sansio" else None,
        "client": client_kind,
        "warmup_posts": warmup,
        "p50_ms": round(statistics.median(delays), 1),
        "p90_ms": round(_pct(delays, 90), 1),
        "p99_ms": round(_pct(delays, 99), 1),
        "max_ms": round(max(delays), 1),
        # per post, the first and the last subscriber's delay (medians over the posts)
        "post_medians_ms": [round(statistics.median(p), 1) for p in per_post],
        "post_min_max_ms": [(round(min(p), 1), round(max(p), 1)) for p in per_post][:3],
        "first_delivery_median_ms": round(statistics.median(min(p) for p in per_post), 1),
        "last_delivery_median_ms": round(statistics.median(max(p) for p in per_post), 1),
        # the server's CPU while the posts were written and delivered (the posts' own
        # HTTP requests included), per delivery
        "server_cpu_ms_per_delivery": round((user + system) * 1000 / max(1, len(delays)), 3),
        "server_user_system_s": [round(user, 2), round(system, 2)],
        # this process: the 1,000 websocket clients (and the posts' HTTP requests)
        "client_cpu_ms_per_delivery": round(client * 1000 / max(1, len(delays)), 3),
        "executions": executions,
        "render_once": os.environ.get("HEARTH_LIVE_RENDER_ONCE", "true"),
        "rss_per_connection_kib": round((rss_after - rss_before) / subscribers, 1),
        "rss_before_mib": round(rss_before / 1024, 1),
        "rss_after_mib": round(rss_after / 1024, 1),
        "database": "postgresql" if db_url.startswith("postgresql") else "sqlite",
        "ws": ws,
        "per_message_deflate": deflate,
        "body_chars": body,
        "stalled": stalled,
        # stalled sockets the server reset while the posts were delivered
        "stalled_reset": int(stalled_reset),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument(
        "--ws",
        default="websockets-sansio",
        help="uvicorn's websocket implementation: websockets, websockets-sansio or wsproto",
    )
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="serve with permessage-deflate (uvicorn's default; the README's command turns "
        "it off, and so does this benchmark unless this flag is given)",
    )
    parser.add_argument(
        "--stalled", type=int, default=0, help="subscribers that never read after subscribing"
    )
    parser.add_argument(
        "--body", type=int, default=0, help="random characters added to each post's body"
    )
    parser.add_argument(
        "--client",
        choices=["sansio", "websockets"],
        default="sansio",
        help="the lean sans-I/O subscribers (bench.ws_client) or websockets.connect ones",
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="posts delivered before measuring (not counted)"
    )
    args = parser.parse_args()
    result = uvloop.run(
        run(
            args.subscribers,
            args.posts,
            args.ws,
            args.deflate,
            args.stalled,
            args.body,
            args.client,
            args.warmup,
        )
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
