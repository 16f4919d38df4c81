"""`make faults`: five faults under a steady load of real mutations and reads against
two API instances and one worker (tests/support/fault_cluster.py), each scenario
printing one line of figures and failing on any acknowledged write lost.

Not part of `make test` (the `faults` marker is deselected there): the single faults
have their own, shorter tests in the suite (tests/integration/test_postgres_restart.py,
test_postgres_killed.py, tests/api/realtime/test_redis_outage.py,
tests/integration/test_graceful_shutdown.py, tests/api/notifications/test_delivery.py).
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest

from tests.support.fault_cluster import LEASE_SECONDS, ApiInstance, FaultCluster, fault_cluster
from tests.support.fault_load import Load, Watcher, World, deliveries, make_world, running_load
from tests.support.fcm_stub import QUOTA_EXCEEDED, UNAVAILABLE, Received
from tests.support.history import raw_id
from tests.support.waiting import eventually

pytestmark = pytest.mark.faults

REDIS_DOWN_SECONDS = 20.0
FCM_REFUSING_SECONDS = 60.0
RETRY_AFTER = 30


@pytest.fixture(scope="module")
async def cluster() -> AsyncIterator[FaultCluster]:
    async with fault_cluster() as started:
        yield started


@pytest.fixture(scope="module")
async def world(cluster: FaultCluster) -> World:
    return await make_world(cluster)


async def readiness(api: ApiInstance) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient(base_url=api.url, timeout=10) as http:
        response = await http.get("/readyz")
        return response.status_code, response.json()["checks"]


async def all_answer(cluster: FaultCluster, status: int, timeout: float = 30.0) -> float:
    """Wait until every instance's /readyz answers ``status``; returns when."""

    async def answered() -> bool:
        found = await asyncio.gather(*(readiness(api) for api in cluster.apis))
        return all(code == status for code, _ in found)

    await eventually(answered, f"/readyz {status} on every instance", timeout, 0.1)
    return time.monotonic()


async def a_write_acknowledged_after(load: Load, at: float, timeout: float = 30.0) -> float:
    def acknowledged() -> float | None:
        return next((o.at for o in load.writes() if o.ok and o.at > at), None)

    return await eventually(acknowledged, "a write acknowledged", timeout, 0.05)


async def watching(world: World, cluster: FaultCluster, where: list[ApiInstance]) -> list[Watcher]:
    """One watcher per instance in ``where``, each subscribed before the next starts."""
    watchers = []
    for uid, api in zip(world.watchers, where, strict=False):
        watcher = Watcher(uid, world.circle_id, cluster.apis)
        watcher.start(api)
        await eventually(lambda w=watcher: w.connected, f"{uid} subscribed on {api.name}", 20)
        watchers.append(watcher)
    return watchers


async def stop_watching(watchers: list[Watcher]) -> None:
    for watcher in watchers:
        await watcher.stop()


async def hearing(watchers: list[Watcher], after: float, timeout: float = 20.0) -> float:
    """Wait until every watcher has heard a post written after ``after``; returns when."""

    def heard() -> bool:
        return all(w.posts_after(after) for w in watchers)

    await eventually(heard, "every watcher hearing new posts", timeout, 0.05)
    return time.monotonic()


def traceback_counts(cluster: FaultCluster) -> list[int]:
    return [api.tracebacks() for api in cluster.apis]


def new_tracebacks(cluster: FaultCluster, before: list[int]) -> int:
    return sum(traceback_counts(cluster)) - sum(before)


def codes(errors: Counter[str]) -> str:
    return ", ".join(f"{code} {n}" for code, n in errors.most_common()) or "none"


@dataclass
class Outage:
    """A database outage under load, as the scenario saw it."""

    down_at: float
    while_down: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    up_at: float = 0.0
    ready_at: float = 0.0
    first_ok: float = 0.0

    def figures(self, load: Load) -> str:
        return (
            f"downtime {load.downtime():.1f} s (database down {self.up_at - self.down_at:.1f} s, "
            f"first write {self.first_ok - self.up_at:.2f} s after it was back); /readyz 503 "
            f"while down on {sum(code == 503 for code, _ in self.while_down)}/2, 200 "
            f"{self.ready_at - self.up_at:.1f} s after"
        )


async def database_outage(
    cluster: FaultCluster, load: Load, stop: Callable[[], object], meanwhile: Callable[[], None]
) -> Outage:
    """Stop PostgreSQL with ``stop``, run ``meanwhile``, start it 2 s later and wait
    until every instance is ready and a write is acknowledged again."""
    outage = Outage(time.monotonic())
    await asyncio.to_thread(stop)
    outage.while_down = await asyncio.gather(*(readiness(api) for api in cluster.apis))
    meanwhile()
    await asyncio.sleep(2.0)
    await asyncio.to_thread(cluster.postgres.start)
    outage.up_at = time.monotonic()
    outage.ready_at = await all_answer(cluster, 200)
    outage.first_ok = await a_write_acknowledged_after(load, outage.up_at)
    await asyncio.sleep(2.0)
    return outage


def errors_only_while_down(load: Load, outage: Outage) -> None:
    """Errors came only while the database was down, each a clear SERVICE_UNAVAILABLE,
    and readiness said so."""
    errors = load.errors()
    assert errors, "the outage was not noticed: the scenario proves nothing"
    assert set(errors) == {"SERVICE_UNAVAILABLE"}, errors
    assert load.failures_outside(outage.down_at, outage.first_ok) == []
    for code, checks in outage.while_down:
        assert code == 503, checks
        assert checks["database"] != "ok", checks


async def test_a_postgres_restart_under_load_loses_no_acknowledged_write(
    cluster: FaultCluster, world: World
) -> None:
    await cluster.whole()
    processes = [api.process.pid for api in cluster.apis if api.process]
    tracebacks = traceback_counts(cluster)
    async with running_load(cluster, world) as load:
        await asyncio.sleep(2.0)
        # when PostgreSQL restarts (fast shutdown, then start) under load
        outage = await database_outage(
            cluster, load, lambda: cluster.postgres.stop("fast"), lambda: None
        )
        await load.stop()
    tally = await load.tally()
    sent = await deliveries(cluster, load.replies, timeout=60)
    reads = sum(o.ok for o in load.outcomes if o.kind == "read")
    print(
        f"\nfault postgres-restart: {tally}; reads {reads} ok; {outage.figures(load)}; errors: "
        f"{codes(load.errors())}; {sent}; new tracebacks {new_tracebacks(cluster, tracebacks)}"
    )
    # then errors came only while it was down, each a clear SERVICE_UNAVAILABLE
    errors_only_while_down(load, outage)
    # and the pools recovered without a process restart, and without a traceback
    assert [api.process.pid for api in cluster.apis if api.alive and api.process] == processes
    assert new_tracebacks(cluster, tracebacks) == 0
    # and every acknowledged write is in the database, once
    assert (tally.missing, tally.duplicated) == (0, 0)
    assert (sent.unsent, sent.twice, sent.acknowledged_without_row) == (0, 0, 0)


async def test_postgres_killed_under_load_loses_nothing_and_the_held_batch_goes_out_once_after_the_lease(
    cluster: FaultCluster, world: World
) -> None:
    await cluster.whole()
    tracebacks = traceback_counts(cluster)
    killed: list[int] = []
    async with running_load(cluster, world) as load:
        await asyncio.sleep(1.0)
        # given the worker holding a batch it has claimed
        asked = cluster.worker.arm()
        held_at, held = await cluster.worker.line("HELD", after=asked, timeout=30)
        held_ids = set(held.split()[2].split(","))
        # when PostgreSQL is killed outright (postmaster and backends), and the batch
        # goes on against the dead database
        outage = await database_outage(
            cluster,
            load,
            lambda: killed.append(cluster.postgres.kill()),
            cluster.worker.release,
        )
        await load.stop()
    tally = await load.tally()
    sent = await deliveries(cluster, load.replies, timeout=60)
    accepted = [
        r.at
        for r in list(cluster.fcm.received)
        if r.answer.status == 200 and str(raw_id(r.message["data"]["notificationId"])) in held_ids
    ]
    print(
        f"\nfault postgres-sigkill: {tally}; {outage.figures(load)} ({killed[0]} processes "
        f"killed); errors: {codes(load.errors())}; the worker's held batch of {len(held_ids)} "
        f"went out {min(accepted, default=float('nan')) - held_at:.1f} s after its claim (lease "
        f"{LEASE_SECONDS:.0f} s); {sent}; new tracebacks {new_tracebacks(cluster, tracebacks)}"
    )
    errors_only_while_down(load, outage)
    assert new_tracebacks(cluster, tracebacks) == 0
    assert (tally.missing, tally.duplicated) == (0, 0)
    # the claimed batch was retried once its lease ran out, and sent once
    assert len(accepted) == len(held_ids)
    assert min(accepted) >= held_at + LEASE_SECONDS - 1.0
    assert (sent.unsent, sent.twice, sent.acknowledged_without_row) == (0, 0, 0)


async def test_a_redis_outage_of_20_s_under_load_keeps_writes_and_subscribers_are_told(
    cluster: FaultCluster, world: World
) -> None:
    await cluster.whole()
    a, b = cluster.apis
    watchers = await watching(world, cluster, [a, a, b, b])
    try:
        async with running_load(cluster, world) as load:
            await hearing(watchers, time.monotonic())
            # when Redis stops for 20 s under load
            down_at = time.monotonic()
            await asyncio.to_thread(cluster.redis.stop)
            reported_at = await all_answer(cluster, 503, timeout=15)
            while_down = await asyncio.gather(*(readiness(api) for api in cluster.apis))
            await asyncio.sleep(REDIS_DOWN_SECONDS - (time.monotonic() - down_at))
            await asyncio.to_thread(cluster.redis.start)
            up_at = time.monotonic()
            ready_at = await all_answer(cluster, 200)

            # then each subscriber is told events may have been missed, then hears again
            def told() -> bool:
                return all(w.notices_after(down_at) for w in watchers)

            await eventually(told, "every watcher told EventsMayHaveBeenMissed", 20, 0.05)
            told_at = max(w.notices_after(down_at)[0] for w in watchers)
            resumed_at = await hearing(watchers, up_at)
            told_again = sum(1 for w in watchers if w.notices_after(up_at))
            await asyncio.sleep(1.0)
            await load.stop()
    finally:
        await stop_watching(watchers)
    tally = await load.tally()
    errors = load.errors()
    writes = [o for o in load.writes() if down_at <= o.at <= up_at]
    print(
        f"\nfault redis-outage: {tally} ({sum(o.ok for o in writes)} of {len(writes)} writes "
        f"acknowledged while Redis was down {up_at - down_at:.1f} s); errors: {codes(errors)}; /readyz 503 "
        f"{reported_at - down_at:.1f} s after the stop on 2/2 ({while_down[0][1]['redis']}), "
        f"200 {ready_at - up_at:.1f} s after the start; {len(watchers)} subscribers on 2 "
        f"instances told EventsMayHaveBeenMissed within {told_at - down_at:.1f} s of the stop "
        f"({told_again} again after the start), all hearing new posts "
        f"{resumed_at - up_at:.1f} s after the start"
    )
    assert errors == Counter(), errors  # writes (and reads) kept succeeding
    assert writes
    assert all(o.ok for o in writes)
    for code, checks in while_down:
        assert code == 503, checks
        assert checks["redis"] != "ok", checks
    assert (tally.missing, tally.duplicated) == (0, 0)


def _retry_gaps(received: list[Received]) -> list[float]:
    """Per notification: seconds from each refused answer carrying Retry-After to the
    next request for the same notification."""
    by_id: dict[str, list[Received]] = defaultdict(list)
    for r in received:
        by_id[r.message["data"]["notificationId"]].append(r)
    return [
        later.at - earlier.at
        for requests in by_id.values()
        for earlier, later in itertools.pairwise(requests)
        if earlier.answer.status != 200 and "Retry-After" in earlier.answer.headers
    ]


async def test_fcm_refusing_for_60_s_delays_pushes_as_asked_then_delivers_each_once(
    cluster: FaultCluster, world: World
) -> None:
    await cluster.whole()
    retry_after = {"Retry-After": str(RETRY_AFTER)}
    refusals = (
        replace(UNAVAILABLE, headers=retry_after),
        replace(QUOTA_EXCEEDED, headers=retry_after),
    )
    start = len(cluster.fcm.received)
    async with running_load(cluster, world) as load:
        await asyncio.sleep(1.0)
        # when FCM answers 503 or 429 with Retry-After for 60 s
        began = time.monotonic()
        ends = cluster.fcm.refuse_all(FCM_REFUSING_SECONDS, *refusals)
        await asyncio.sleep(ends - time.monotonic() + 3.0)
        await load.stop()
    # then every notification is delivered afterwards, none twice
    sent = await deliveries(cluster, load.replies, timeout=150)
    done = time.monotonic()
    tally = await load.tally()
    received = list(cluster.fcm.received)[start:]
    refused = Counter(r.answer.status for r in received if r.answer.status != 200)
    gaps = _retry_gaps(received)
    errors = load.errors()
    print(
        f"\nfault fcm-refusing: {FCM_REFUSING_SECONDS:.0f} s of 503/429 with Retry-After "
        f"{RETRY_AFTER}: {tally}; errors: {codes(errors)}; FCM refused {refused[503]} (503) + {refused[429]} (429), "
        f"retried after {min(gaps, default=float('nan')):.1f}-{max(gaps, default=float('nan')):.1f} s; "
        f"{sent}, the last "
        f"delivered {done - (began + FCM_REFUSING_SECONDS):.0f} s after FCM recovered"
    )
    assert refused[503], "FCM's refusals never reached the worker"
    assert refused[429], "FCM's refusals never reached the worker"
    assert errors == Counter(), errors  # members never see the push service's trouble
    assert (tally.missing, tally.duplicated) == (0, 0)
    # back-off honoured Retry-After: never sooner than asked (our own back-off alone
    # would come after 15-30 s for a first failure)
    assert gaps
    assert min(gaps) >= RETRY_AFTER - 1.0, sorted(gaps)[:5]
    assert (sent.unsent, sent.twice, sent.acknowledged_without_row) == (0, 0, 0)


async def test_sigterm_to_an_api_instance_under_load_loses_nothing_and_its_sockets_move_over(
    cluster: FaultCluster, world: World
) -> None:
    await cluster.whole()
    a, b = cluster.apis
    watchers = await watching(world, cluster, [a, a, a, b])
    moved = watchers[:3]
    try:
        async with running_load(cluster, world) as load:
            await hearing(watchers, time.monotonic())
            await asyncio.sleep(1.0)
            # given writes in flight on both instances (they wait for a lock a moment)
            async with cluster.writes_waiting("post"):

                def waiting() -> bool:
                    return load.balancer.in_flight[a.name] >= 2

                await eventually(waiting, "writes in flight on api-a", 10, 0.01)
                # when instance A is told to stop under load
                stop_at = time.monotonic()
                a.sigterm()
                in_flight = load.balancer.in_flight[a.name]
                await asyncio.sleep(1.0)
            await eventually(lambda: not a.alive, "api-a exiting", 30, 0.05)
            exited_at = time.monotonic()

            # then its subscribers reconnect to B and hear new posts there
            def reconnected() -> bool:
                return all(any(t > stop_at and n == b.name for t, n in w.connected) for w in moved)

            await eventually(reconnected, "api-a's subscribers on api-b", 20, 0.05)
            back_at = max(next(t for t, n in w.connected if t > stop_at) for w in moved)
            heard_at = await hearing(watchers, back_at)
            await asyncio.sleep(1.0)
            await load.stop()
    finally:
        await stop_watching(watchers)
    assert a.process is not None
    tally = await load.tally()
    errors = load.errors()
    finished_by_a = sum(
        1 for o in load.outcomes if o.instance == a.name and o.at > stop_at and o.ok
    )
    close_codes = Counter(code for w in moved for _, code, _ in w.closes)
    print(
        f"\nfault api-sigterm: {tally}; errors: {codes(errors)}; {in_flight} requests in flight on api-a at "
        f"SIGTERM, {finished_by_a} answered by it after, {load.balancer.failovers} refused "
        f"connections sent on to api-b; "
        f"api-a exited {exited_at - stop_at:.1f} s after SIGTERM (status "
        f"{a.process.returncode}); {len(moved)} subscribers closed with "
        f"{dict(close_codes)}, reconnected to api-b within {back_at - stop_at:.1f} s, hearing "
        f"posts {heard_at - stop_at:.1f} s after SIGTERM"
    )
    assert finished_by_a >= in_flight > 0  # the requests in flight were answered
    assert a.process.returncode == -signal.SIGTERM
    assert close_codes == Counter({1012: len(moved)})
    assert (tally.missing, tally.duplicated) == (0, 0)
    assert errors == Counter(), errors
