"""Steady load for the fault scenarios: real mutations and reads against every API
instance of a :class:`~tests.support.fault_cluster.FaultCluster`, counted client side.

Requests go round-robin to the instances, as a load balancer sends them; a refused
connection (an instance that stopped accepting) is retried on the next instance, since
such a request never reached a server. Every other failure is counted by what the
client saw: the GraphQL error's ``extensions.code``, ``HTTP <status>``, or the
transport error's name. A mutation is *acknowledged* when its answer has data and no
error; each acknowledged one is then looked for in the database.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

from tests.support.circles import CREATE_CIRCLE, CREATE_POST, FEED, JOIN, REPLY
from tests.support.fault_cluster import ApiInstance, FaultCluster
from tests.support.graphql import ONBOARD, _onboarding
from tests.support.history import raw_id
from tests.support.live import WsClient, ws_client
from tests.support.waiting import eventually

REGISTER = """mutation($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { id } userErrors { code } } }"""
ACTIVITY = """subscription($id: ID!) { circleActivity(circleId: $id) {
  __typename ... on PostCreated { post { body } } } }"""
NOTIFICATIONS_PER_AUTHOR = 15
"""Pushes per author before the load moves on to a new one (the daily cap is 20)."""


@dataclass
class Outcome:
    at: float
    kind: str  # post, reply, read, setup
    ok: bool
    code: str | None
    instance: str


class Balancer:
    """Sends GraphQL over HTTP to the instances in turn, failing over refused connections."""

    def __init__(self, apis: list[ApiInstance]) -> None:
        self.apis = apis
        self._clients = {api.name: httpx.AsyncClient(base_url=api.url, timeout=30) for api in apis}
        self._turn = itertools.count()
        self._down_until: dict[str, float] = {}
        self.failovers = 0
        self.in_flight: Counter[str] = Counter()

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    def _order(self) -> list[ApiInstance]:
        start = next(self._turn) % len(self.apis)
        turn = self.apis[start:] + self.apis[:start]
        now = time.monotonic()
        return sorted(turn, key=lambda api: self._down_until.get(api.name, 0.0) > now)

    async def send(
        self, query: str, variables: dict[str, Any], uid: str
    ) -> tuple[dict[str, Any] | None, str | None, str]:
        """(result, failure code, instance) of one operation."""
        headers = {"Authorization": f"Bearer dev:{uid}"}
        body = {"query": query, "variables": variables}
        last = "none"
        for api in self._order():
            last = api.name
            self.in_flight[api.name] += 1
            try:
                response = await self._clients[api.name].post(
                    "/graphql", json=body, headers=headers
                )
            except httpx.ConnectError:
                self._down_until[api.name] = time.monotonic() + 2.0
                self.failovers += 1
                continue
            except httpx.TransportError as exc:
                return None, type(exc).__name__, api.name
            finally:
                self.in_flight[api.name] -= 1
            if response.status_code != 200:
                return None, f"HTTP {response.status_code}", api.name
            result: dict[str, Any] = response.json()
            if result.get("errors"):
                code = result["errors"][0].get("extensions", {}).get("code", "NO_CODE")
                return None, str(code), api.name
            return result, None, api.name
        return None, "ConnectError", last


@dataclass
class World:
    """The members and circle the load acts in (made once per cluster)."""

    circle_id: str
    writers: list[str]
    readers: list[str]
    replier: str
    watchers: list[str]
    authors: Iterator[int] = field(default_factory=itertools.count)


async def _setup(
    balancer: Balancer, query: str, variables: dict[str, Any], uid: str
) -> dict[str, Any]:
    result, code, _ = await balancer.send(query, variables, uid)
    assert result is not None, f"setup failed: {code}"
    data: dict[str, Any] = result["data"]
    return data


async def make_world(cluster: FaultCluster) -> World:
    balancer = Balancer(cluster.apis)
    try:
        world = World(
            circle_id="",
            writers=[f"writer{n}" for n in range(3)],
            readers=[f"reader{n}" for n in range(2)],
            replier="replier",
            watchers=[f"watcher{n}" for n in range(4)],
        )
        everyone = ["owner", *world.writers, *world.readers, world.replier, *world.watchers]
        for uid in everyone:
            await _setup(balancer, ONBOARD, {"input": _onboarding(f"Member {uid}")}, uid)
        values = {
            "name": "Steady Hands",
            "description": "Fault scenarios under load.",
            "topics": ["ANXIETY"],
            "visibility": "PUBLIC",
        }
        made = await _setup(balancer, CREATE_CIRCLE, {"input": values}, "owner")
        world.circle_id = made["createCircle"]["circle"]["id"]
        for uid in everyone[1:]:
            await _setup(balancer, JOIN, {"input": {"circleId": world.circle_id}}, uid)
        return world
    finally:
        await balancer.close()


class Load:
    """Writers (posts), a replier (a new author's post and a reply to it: one push
    each) and readers (the circle's feed), until :meth:`stop`."""

    def __init__(self, cluster: FaultCluster, world: World) -> None:
        self.cluster = cluster
        self.world = world
        self.balancer = Balancer(cluster.apis)
        self.outcomes: list[Outcome] = []
        self.posts: set[str] = set()  # bodies of acknowledged posts
        self.replies: set[str] = set()  # raw ids of acknowledged replies
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def _record(self, kind: str, code: str | None, instance: str) -> None:
        self.outcomes.append(Outcome(time.monotonic(), kind, code is None, code, instance))

    async def _writer(self, uid: str) -> None:
        for i in itertools.count():
            if self._stop.is_set():
                return
            body = f"{uid} post {time.time_ns()} {i}"
            variables = {"input": {"circleId": self.world.circle_id, "body": body}}
            result, code, instance = await self.balancer.send(CREATE_POST, variables, uid)
            self._record("post", code, instance)
            if result is not None:
                assert result["data"]["createPost"]["userErrors"] == [], result
                self.posts.add(body)
            await asyncio.sleep(0.1 if code is None else 0.2)

    async def _reader(self, uid: str) -> None:
        while not self._stop.is_set():
            variables = {"id": self.world.circle_id, "first": 10}
            _, code, instance = await self.balancer.send(FEED, variables, uid)
            self._record("read", code, instance)
            await asyncio.sleep(0.1 if code is None else 0.2)

    async def _new_author(self) -> str | None:
        """A new member of the circle with a device, or None when a step failed (then
        the next try uses a fresh member: nothing half-made is reused)."""
        uid = f"author{next(self.world.authors)}"
        steps = [
            (ONBOARD, {"input": _onboarding(f"Member {uid}")}),
            (JOIN, {"input": {"circleId": self.world.circle_id}}),
            (
                REGISTER,
                {
                    "input": {
                        "token": f"fid-{uid}",
                        "platform": "ANDROID",
                        "appVersion": "1.0.0",
                        "locale": "en-GB",
                    }
                },
            ),
        ]
        for query, variables in steps:
            result, code, instance = await self.balancer.send(query, variables, uid)
            self._record("setup", code, instance)
            if result is None:
                return None
        return uid

    async def _replier(self) -> None:
        author: str | None = None
        pushes = 0
        post_id: str | None = None
        while not self._stop.is_set():
            await asyncio.sleep(0.25)
            if author is None or pushes >= NOTIFICATIONS_PER_AUTHOR:
                author, pushes = await self._new_author(), 0
                continue
            if post_id is None:
                body = f"{author} needs a word {time.time_ns()}"
                variables = {"input": {"circleId": self.world.circle_id, "body": body}}
                result, code, instance = await self.balancer.send(CREATE_POST, variables, author)
                self._record("post", code, instance)
                if result is not None:
                    self.posts.add(body)
                    post_id = result["data"]["createPost"]["post"]["id"]
                continue
            variables = {"input": {"postId": post_id, "body": "thinking of you"}}
            result, code, instance = await self.balancer.send(REPLY, variables, self.world.replier)
            self._record("reply", code, instance)
            if result is not None:
                payload = result["data"]["replyToPost"]
                assert payload["userErrors"] == [], payload
                self.replies.add(str(raw_id(payload["reply"]["id"])))
                pushes += 1
                post_id = None  # one reply per post: one notification each

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._writer(uid)) for uid in self.world.writers]
        self._tasks += [asyncio.create_task(self._reader(uid)) for uid in self.world.readers]
        self._tasks.append(asyncio.create_task(self._replier()))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        await self.balancer.close()

    # -- figures --------------------------------------------------------------------

    def errors(self) -> Counter[str]:
        return Counter(o.code for o in self.outcomes if o.code is not None)

    def writes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind in ("post", "reply")]

    def downtime(self) -> float:
        """From the first failed write to the first acknowledged write after the last
        failed one (0 when none failed)."""
        writes = self.writes()
        failed = [o.at for o in writes if not o.ok]
        if not failed:
            return 0.0
        after = [o.at for o in writes if o.ok and o.at > max(failed)]
        return (min(after) if after else time.monotonic()) - min(failed)

    def failures_outside(self, start: float, end: float) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok and not start <= o.at <= end]

    async def tally(self) -> Tally:
        """The acknowledged writes looked for in the database."""
        stored = await self.cluster.rows("SELECT body, count(*) FROM post GROUP BY body")
        bodies = {body: n for body, n in stored}
        reply_ids = {str(r[0]) for r in await self.cluster.rows("SELECT id FROM reply")}
        return Tally(
            posts=len(self.posts),
            replies=len(self.replies),
            found_posts=len(self.posts & bodies.keys()),
            found_replies=len(self.replies & reply_ids),
            duplicated=sum(n - 1 for n in bodies.values()),
        )


@dataclass(frozen=True)
class Tally:
    posts: int
    replies: int
    found_posts: int
    found_replies: int
    duplicated: int
    """Post bodies stored more than once (each body the load sends is unique)."""

    @property
    def missing(self) -> int:
        return self.posts - self.found_posts + self.replies - self.found_replies

    def __str__(self) -> str:
        return (
            f"acknowledged {self.posts} posts + {self.replies} replies, found "
            f"{self.found_posts} + {self.found_replies}, missing {self.missing}, "
            f"duplicates {self.duplicated}"
        )


@asynccontextmanager
async def running_load(cluster: FaultCluster, world: World) -> AsyncIterator[Load]:
    load = Load(cluster, world)
    load.start()
    try:
        yield load
    finally:
        if not load._stop.is_set():
            await load.stop()


class Watcher:
    """A member watching the circle's live activity, as the app does: on a close it
    reconnects to an instance that still serves, subscribes again and goes on."""

    def __init__(self, uid: str, circle_id: str, apis: list[ApiInstance]) -> None:
        self.uid = uid
        self.circle_id = circle_id
        self.apis = apis
        self.events: list[tuple[float, str, str, str]] = []  # at, typename, body, instance
        self.closes: list[tuple[float, int | None, str]] = []  # at, close code, instance
        self.connected: list[tuple[float, str]] = []
        self.task: asyncio.Task[None] | None = None

    def start(self, first: ApiInstance) -> None:
        self.task = asyncio.create_task(self.run(first))

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task

    async def run(self, first: ApiInstance) -> None:
        api = first
        while True:
            try:
                async with ws_client(api.base, f"dev:{self.uid}") as ws:
                    await self._stream(ws, api)
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                self.closes.append((time.monotonic(), code, api.name))
            except (OSError, TimeoutError, websockets.WebSocketException, AssertionError):
                await asyncio.sleep(0.2)  # refused, or closed while saying hello: again
            api = next((a for a in self.apis if a.alive and a is not api), api)

    async def _stream(self, ws: WsClient, api: ApiInstance) -> None:
        if not self.connected:
            await ws.subscribe_registered(ACTIVITY, {"id": self.circle_id})
        else:
            await ws.subscribe(ACTIVITY, {"id": self.circle_id})
        self.connected.append((time.monotonic(), api.name))
        while True:
            message = await ws.receive(timeout=3600)
            if message["type"] != "next":
                self.events.append((time.monotonic(), f"message {message}", "", api.name))
                continue
            event = message["payload"]["data"]["circleActivity"]
            body = event.get("post", {}).get("body", "")
            self.events.append((time.monotonic(), event["__typename"], body, api.name))

    def posts_after(self, at: float) -> list[tuple[float, str, str, str]]:
        return [e for e in self.events if e[0] > at and e[1] == "PostCreated"]

    def notices_after(self, at: float) -> list[float]:
        return [e[0] for e in self.events if e[0] > at and e[1] == "EventsMayHaveBeenMissed"]


@dataclass
class Deliveries:
    """What the worker delivered: every notification row and the stand-in's answers."""

    rows: int
    unsent: int
    twice: int
    acknowledged_without_row: int

    def __str__(self) -> str:
        return f"notifications {self.rows} in all (unsent {self.unsent}, twice {self.twice})"


async def deliveries(cluster: FaultCluster, replies: set[str], timeout: float) -> Deliveries:
    """Wait until every notification is SENT (or ``timeout``), then count: each
    acknowledged reply's notification, and how many were accepted by FCM twice."""

    async def none_pending() -> bool:
        rows = await cluster.rows("SELECT count(*) FROM notification WHERE status != 'SENT'")
        return int(rows[0][0]) == 0

    with suppress(AssertionError):  # what is still unsent is counted below
        await eventually(none_pending, "every notification SENT", timeout, 0.5)
    rows = await cluster.rows("SELECT id, status, dedupe_key FROM notification")
    accepted = Counter(
        str(raw_id(r.message["data"]["notificationId"]))
        for r in list(cluster.fcm.received)
        if r.answer.status == 200
    )
    with_row = {key.split(":")[1] for _, _, key in rows if key.startswith("reply:")}
    return Deliveries(
        rows=len(rows),
        unsent=sum(
            1 for row_id, status, _ in rows if status != "SENT" or str(row_id) not in accepted
        ),
        twice=sum(n - 1 for n in accepted.values()),
        acknowledged_without_row=len(replies - with_row),
    )
