"""Soak: a bounded run of steady mixed load with live subscribers, watching the server's memory.

Starts a real uvicorn server as the README serves it (SQLite in a temporary folder, or
the PostgreSQL named by ``DATABASE_URL``), onboards members into ``--circles`` circles,
opens ``--subscribers`` ``circleActivity`` websockets spread over them, and sends a
steady mix of feed reads, posts, replies and reactions, each to a random circle, at
``--rate`` requests per second for ``--minutes``. Every
``--sample-seconds`` it prints the server's RSS; at the end it fits a line to the
samples taken after ``--warm-up`` minutes and fails (exit 1) when RSS grows faster
than ``--max-slope`` MiB per minute, when a request failed, or when a subscriber
missed an event. The fit's figures (window, samples, RSS at its start and end, the
slope) are printed, so a pass or a failure can be checked by hand.

``--trace`` runs the server under tracemalloc (``bench/traced_server.py``: slower, and
its RSS is not comparable with an untraced run) and diffs heap snapshots taken
before the subscribers connect, at the end of the warm-up, halfway through the steady
window, at the end of the load and after the subscribers left; a real leak shows up
as the same allocation site growing in both halves of the steady window.

    uv run python -m bench.soak [--minutes 5] [--subscribers 50] [--rate 30] [--circles 10]
        [--trace]

``--circles 1`` puts every subscriber and every write in one circle: at 30 req/s that is
about 15 events/s to each of the subscribers, 3,000 deliveries/s with 200 of them, more
than one server process delivers on this machine (every subscriber then falls behind at
the same pace and is told SUBSCRIPTION_OVERFLOW together); that is issue 15's
one-busy-circle benchmark (``bench/realtime.py``), not a soak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

from bench.realtime import _free_port, _rss_kib

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 20
ONBOARD = (
    "mutation($name: String!) { completeOnboarding(input: {displayName: $name, "
    'timezone: "Europe/London", region: "GB", confirmsAdult: true, '
    'acceptedGuidelinesVersion: "2026-11"}) { userErrors { code } } }'
)
CREATE_CIRCLE = (
    'mutation($name: String!) { createCircle(input: {name: $name, description: "A steady day", '
    "topics: [LONELINESS], visibility: PUBLIC, capacity: 100}) { circle { id } userErrors { code } } }"
)
JOIN = "mutation($id: ID!) { joinCircle(input: {circleId: $id}) { userErrors { code } } }"
FEED = (
    "query($id: ID!) { node(id: $id) { ... on Circle { posts(first: 20) { edges { node { "
    "id body isMine author { displayName } reactionCounts { kind count } "
    "latestReplies { body } } } } } } }"
)
POST = (
    "mutation($id: ID!, $body: String!) { createPost(input: {circleId: $id, body: $body}) "
    "{ post { id } userErrors { code } } }"
)
REPLY = (
    "mutation($id: ID!, $body: String!) { replyToPost(input: {postId: $id, body: $body}) "
    "{ reply { id } userErrors { code } } }"
)
REACT = (
    "mutation($id: ID!) { react(input: {targetId: $id, kind: HUG}) "
    "{ target { id } userErrors { code } } }"
)
ACTIVITY = (
    "subscription($id: ID!) { circleActivity(circleId: $id) { __typename committedAt "
    "... on PostCreated { post { id body isMine author { displayName } } } "
    "... on ReplyCreated { reply { id body } } "
    "... on ReactionsChanged { targetId reactionCounts { kind count } viewerReactions } } }"
)
# Overrides that keep the soak about memory, not about the per-member limits.
SERVER_ENV = {
    "HEARTH_ENV": "development",
    "HEARTH_SIGN_IN": "dev",
    "HEARTH_LOG_LEVEL": "WARNING",
    "HEARTH_EMBEDDED_WORKER": "true",
    "HEARTH_WS_MAX_CONNECTIONS_PER_MEMBER": "50",
    "HEARTH_LIMIT_POSTS_PER_HOUR": "1000000",
    "HEARTH_LIMIT_REPLIES_PER_HOUR": "1000000",
    "HEARTH_LIMIT_REACTIONS_PER_HOUR": "1000000",
    "HEARTH_LIMIT_CIRCLES_PER_DAY": "1000",
}


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    events_expected: list[int] = field(default_factory=list)  # per circle
    received: list[int] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)  # subscriptions the server ended, and why

    def record(self, kind: str, seconds: float, ok: bool) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def slope_mib_per_minute(samples: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS (KiB) over time (s), in MiB per minute."""
    if len(samples) < 2:
        return 0.0
    xs = [t for t, _ in samples]
    ys = [kib / 1024 for _, kib in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var * 60


def _start_server(
    port: int, db_url: str, log: Path, trace: Path | None = None
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(SERVER_ENV, DATABASE_URL=db_url)
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    if trace is None:
        command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
        command += ["--ws", "websockets-sansio", "--ws-per-message-deflate", "false"]
    else:
        command = [sys.executable, "-m", "bench.traced_server", str(trace)]
        command += ["--host", "127.0.0.1", "--port", str(port)]
    out = log.open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)


async def _gql(
    http: httpx.AsyncClient, uid: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer dev:{uid}"},
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{response.status_code}: {body}")
    return body["data"]  # type: ignore[no-any-return]


async def _subscriber(
    base: str, uid: str, circle_id: str, index: int, figures: Figures, ready: asyncio.Event
) -> None:
    async with websockets.connect(
        f"ws://{base}/graphql", subprotocols=["graphql-transport-ws"], max_queue=None
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
        ready.set()
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "next" and not message["payload"].get("errors"):
                figures.received[index] += 1
            elif message.get("type") in ("next", "error", "complete"):
                figures.ended.append(json.dumps(message.get("payload"))[:200])
                return


async def _load(
    http: httpx.AsyncClient,
    circle_ids: list[str],
    figures: Figures,
    rate: float,
    until: float,
    rng: random.Random,
    running: asyncio.Event,
) -> None:
    posts: list[tuple[str, int]] = []  # (post, its circle)
    reacted: set[tuple[str, str]] = set()  # a second identical hug changes nothing: no event
    interval = 1 / rate
    next_at = time.monotonic()
    tasks: set[asyncio.Task[None]] = set()

    async def one(
        kind: str,
        query: str,
        variables: dict[str, Any],
        circle: int | None,
        uid: str | None = None,
    ) -> None:
        uid = uid or f"soak{rng.randrange(MEMBERS)}"
        started = time.perf_counter()
        try:
            data = await _gql(http, uid, query, variables)
        except Exception:
            figures.record(kind, time.perf_counter() - started, ok=False)
            return
        figures.record(kind, time.perf_counter() - started, ok=True)
        if circle is not None:  # one event, to that circle's subscribers
            figures.events_expected[circle] += 1
        if kind == "post":
            assert circle is not None
            posts.append((data["createPost"]["post"]["id"], circle))
            del posts[:-200]

    while time.monotonic() < until:
        if not running.is_set():  # paused while the traced server writes a snapshot
            await running.wait()
            next_at = time.monotonic()
        roll = rng.random()
        n = rng.randrange(len(circle_ids))
        if roll < 0.5 and posts:
            job = one("feed", FEED, {"id": circle_ids[n]}, None)
        elif roll < 0.75 or not posts:
            body = f"A steady day {rng.random()}"
            job = one("post", POST, {"id": circle_ids[n], "body": body}, n)
        elif roll < 0.9:
            target, n = rng.choice(posts)
            job = one("reply", REPLY, {"id": target, "body": "Sending warmth"}, n)
        else:
            uid, (target, n) = f"soak{rng.randrange(MEMBERS)}", rng.choice(posts)
            if (uid, target) in reacted:
                job = one("feed", FEED, {"id": circle_ids[n]}, None)
            else:
                reacted.add((uid, target))
                job = one("react", REACT, {"id": target}, n, uid)
        task = asyncio.create_task(job)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    if tasks:
        await asyncio.gather(*tasks)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


class Tracer:
    """Asks the traced server for heap snapshots (SIGUSR1) and diffs them."""

    def __init__(self, server: subprocess.Popen[bytes], folder: Path) -> None:
        self.server, self.folder = server, folder
        self.labels: list[str] = []
        self.running = asyncio.Event()  # the load pauses while a snapshot is written
        self.running.set()

    async def take(self, label: str) -> None:
        """Pause the load, let in-flight requests and events settle, snapshot, resume
        (a burst queued behind a paused server would overflow the subscribers)."""
        self.running.clear()
        await asyncio.sleep(3)
        done = self.folder / f"snapshot-{len(self.labels)}.done"
        self.server.send_signal(signal.SIGUSR1)
        for _ in range(1200):
            if done.exists():
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"no heap snapshot for {label}")
        self.labels.append(label)
        self.running.set()

    def _load(self, label: str) -> tracemalloc.Snapshot:
        n = self.labels.index(label)
        snapshot = tracemalloc.Snapshot.load(str(self.folder / f"snapshot-{n}.pickle"))
        return snapshot.filter_traces(
            [
                tracemalloc.Filter(False, tracemalloc.__file__),
                tracemalloc.Filter(False, "<frozen importlib._bootstrap*"),
            ]
        )

    def report(self, pairs: list[tuple[str, str]], top: int = 12) -> str:
        lines: list[str] = []
        for before, after in pairs:
            old, new = self._load(before), self._load(after)
            total = sum(s.size for s in new.statistics("filename")) - sum(
                s.size for s in old.statistics("filename")
            )
            lines.append(f"\n== Python heap, {before} -> {after}: {total / 1024:+.1f} KiB")
            for stat in new.compare_to(old, "lineno")[:top]:
                lines.append(
                    f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d}  "
                    f"{stat.traceback[0]}"
                )
            lines.append("  largest growth by traceback:")
            for stat in new.compare_to(old, "traceback")[:4]:
                lines.append(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d}")
                lines += [f"      {frame}" for frame in stat.traceback.format()[-12:]]
        return "\n".join(lines)


async def soak(args: argparse.Namespace) -> int:
    port = _free_port()
    base = f"127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="hearth-soak-"))
    db_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/soak.sqlite3"
    if db_url.startswith("postgresql"):
        print("soak: PostgreSQL", db_url.rsplit("@", 1)[-1], "(its tables are replaced)")
    if os.environ.get("REDIS_URL"):
        print("soak: events through Redis", os.environ["REDIS_URL"].rsplit("@", 1)[-1])
    server = _start_server(port, db_url, tmp / "server.log", tmp if args.trace else None)
    tracer = Tracer(server, tmp) if args.trace else None
    figures = Figures(received=[0] * args.subscribers)
    rng = random.Random(20)
    samples: list[tuple[float, int]] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://{base}", timeout=30) as http:
            deadline = time.monotonic() + 300  # start-up under tracemalloc takes a while
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    raise RuntimeError(f"the server exited; see {tmp / 'server.log'}")
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            for n in range(MEMBERS):
                await _gql(http, f"soak{n}", ONBOARD, {"name": f"Soak member {n}"})
            circle_ids = []
            for c in range(args.circles):
                made = await _gql(http, "soak0", CREATE_CIRCLE, {"name": f"Soak circle {c}"})
                circle_ids.append(made["createCircle"]["circle"]["id"])
                for n in range(1, MEMBERS):
                    await _gql(http, f"soak{n}", JOIN, {"id": circle_ids[-1]})
            figures.events_expected = [0] * args.circles
            if tracer:
                await tracer.take("before subscribers")
            before = _rss_kib(server.pid)
            readies = [asyncio.Event() for _ in range(args.subscribers)]
            subscribers = [
                asyncio.create_task(
                    _subscriber(
                        base,
                        f"soak{i % MEMBERS}",
                        circle_ids[i % args.circles],
                        i,
                        figures,
                        readies[i],
                    )
                )
                for i in range(args.subscribers)
            ]
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
            await asyncio.sleep(0.5)
            started = time.monotonic()
            until = started + args.minutes * 60
            # Snapshots at the end of the warm-up and halfway through the steady window.
            marks = [args.warm_up * 60, (args.warm_up * 60 + args.minutes * 60) / 2]
            running = tracer.running if tracer else asyncio.Event()
            running.set()
            load = asyncio.create_task(
                _load(http, circle_ids, figures, args.rate, until, rng, running)
            )
            print(
                f"soak: {args.minutes} min, {args.subscribers} subscribers over "
                f"{args.circles} circles, {args.rate} req/s"
            )
            print(f"RSS before the subscribers connected: {before / 1024:.1f} MiB")
            print(f"{'minute':>7} {'RSS MiB':>8} {'requests':>9} {'events/sub':>11}")
            while not load.done():
                next_sample = (len(samples) + 1) * args.sample_seconds
                await asyncio.sleep(max(0.1, min(next_sample + started, until) - time.monotonic()))
                elapsed = time.monotonic() - started
                rss = _rss_kib(server.pid)
                samples.append((elapsed, rss))
                done = sum(len(v) for v in figures.latencies.values())
                per_sub = statistics.fmean(figures.received) if figures.received else 0
                print(f"{elapsed / 60:7.2f} {rss / 1024:8.1f} {done:9d} {per_sub:11.0f}")
                if tracer and marks and elapsed >= marks[0]:
                    await tracer.take(("warm-up end", "halfway")[2 - len(marks)])
                    marks.pop(0)
            await load
            await asyncio.sleep(2)  # the last events reach every subscriber
            if tracer:
                await tracer.take("load end")
            for task in subscribers:
                task.cancel()
            await asyncio.gather(*subscribers, return_exceptions=True)
            await asyncio.sleep(2)
            after = _rss_kib(server.pid)
            if tracer:
                await tracer.take("subscribers left")
    finally:
        server.terminate()
        server.wait(10)
    steady = [(t, kib) for t, kib in samples if t >= args.warm_up * 60]
    slope = slope_mib_per_minute(steady)
    print("\nper operation: count, p50 ms, p99 ms, errors")
    for kind, values in sorted(figures.latencies.items()):
        p50, p99 = _percentile(values, 0.5), _percentile(values, 0.99)
        print(f"  {kind:6} {len(values):7d} {p50:8.1f} {p99:8.1f} {figures.errors.get(kind, 0):6d}")
    expected = [figures.events_expected[i % args.circles] for i in range(args.subscribers)]
    missed = [want - got for want, got in zip(expected, figures.received, strict=True)]
    print(
        f"events: {sum(expected)} expected over the subscribers ({min(expected)} to "
        f"{max(expected)} each, by circle), {sum(figures.received)} delivered, "
        f"missed {sum(missed)}"
    )
    print(f"RSS after the subscribers left: {after / 1024:.1f} MiB")
    if steady:
        (t0, r0), (t1, r1) = steady[0], steady[-1]
        print(
            f"fit window: {t0 / 60:.2f}-{t1 / 60:.2f} min ({len(steady)} samples, the first "
            f"{args.warm_up} min left out as warm-up); RSS {r0 / 1024:.1f} -> {r1 / 1024:.1f} MiB, "
            f"min {min(k for _, k in steady) / 1024:.1f}, max {max(k for _, k in steady) / 1024:.1f}"
        )
    print(
        f"RSS slope (least squares over the fit window): {slope:.2f} MiB/min "
        f"(limit {args.max_slope})"
    )
    if tracer:
        labels = tracer.labels
        pairs = [(labels[1], labels[2]), (labels[2], labels[3]), (labels[0], labels[4])]
        report = tracer.report(pairs) if len(labels) == 5 else "snapshots missing"
        (tmp / "trace.txt").write_text(report)
        print(report)
        print(f"heap diffs written to {tmp / 'trace.txt'}")
    failures = []
    if len(steady) < 3:
        failures.append(f"only {len(steady)} samples after the warm-up: no slope to judge")
    if slope > args.max_slope:
        failures.append(f"RSS grows {slope:.2f} MiB/min")
    if figures.errors:
        failures.append(f"{sum(figures.errors.values())} failed requests")
    if figures.ended:
        failures.append(f"{len(figures.ended)} subscriptions ended early: {figures.ended[0]}")
    if any(missed):
        failures.append(f"subscribers missed up to {max(missed)} events")
    print("soak: FAILED: " + "; ".join(failures) if failures else "soak: passed")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--rate", type=float, default=30.0, help="requests per second")
    parser.add_argument(
        "--circles", type=int, default=10, help="circles the subscribers and writes spread over"
    )
    parser.add_argument("--warm-up", type=float, default=1.0, help="minutes left out of the fit")
    parser.add_argument("--sample-seconds", type=float, default=15.0)
    parser.add_argument("--max-slope", type=float, default=1.0, help="MiB per minute")
    parser.add_argument("--trace", action="store_true", help="diff the server's heap snapshots")
    sys.exit(asyncio.run(soak(parser.parse_args())))


if __name__ == "__main__":
    main()
