"""The process's circle fan-out (api.realtime.fanout): one bus listener per circle, one
pass per event in order, and a subscription that fails or falls behind ends alone,
unless the whole circle's backlog overflows."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from api.realtime.fanout import Ended, LiveFanout, Sink, finished
from domain.events import Event, EventKind, Gap, circle_channel
from infra.events.bus import InProcessBus


def _post(circle: object) -> Event:
    return Event(EventKind.POST_CREATED, circle, subject_id=uuid4())  # type: ignore[arg-type]


async def _taken(sink: Sink, count: int) -> list[object]:
    """What the subscription's consumer takes, as the resolver does."""
    taken: list[object] = []
    async for item in sink:
        if finished(item):
            break
        taken.append(item)
        if len(taken) == count:
            break
    return taken


async def test_a_circle_is_heard_through_one_listener_whatever_its_subscriptions() -> None:
    # given three subscriptions to one circle in one process
    bus, live, circle = InProcessBus(), LiveFanout(), uuid4()

    async def deliver(item: Event | Gap, sinks: list[Sink]) -> None:
        for sink in sinks:
            sink.offer(item)

    leaves = [live.join(bus, circle_channel(circle), Sink(None, 10), deliver) for _ in range(3)]
    # then the bus holds one listener for them
    assert bus.fanout.subscriber_count == 1
    assert live.subscriptions == 3
    # and it is closed when the last one leaves, not before
    leaves[0]()
    leaves[1]()
    assert bus.fanout.subscriber_count == 1
    leaves[2]()
    assert bus.fanout.subscriber_count == 0
    assert live.subscriptions == 0


async def test_events_reach_every_subscription_in_the_order_they_were_published() -> None:
    bus, live, circle = InProcessBus(), LiveFanout(), uuid4()
    passes: list[int] = []

    async def deliver(item: Event | Gap, sinks: list[Sink]) -> None:
        passes.append(len(sinks))
        await asyncio.sleep(0)  # a snapshot read
        for sink in sinks:
            sink.offer(item)

    first, second = Sink(None, 10), Sink(None, 10)
    live.join(bus, circle_channel(circle), first, deliver)
    live.join(bus, circle_channel(circle), second, deliver)
    events = [_post(circle) for _ in range(3)]
    await bus.publish(events)
    assert await asyncio.wait_for(_taken(first, 3), 1) == events
    assert await asyncio.wait_for(_taken(second, 3), 1) == events
    # one pass per event over both subscriptions
    assert passes == [2, 2, 2]


async def test_a_subscription_whose_delivery_fails_ends_with_its_error_and_the_others_go_on() -> (
    None
):
    bus, live, circle = InProcessBus(), LiveFanout(), uuid4()
    failing, healthy = Sink("failing", 10), Sink("healthy", 10)

    async def deliver(item: Event | Gap, sinks: list[Sink]) -> None:
        for sink in sinks:
            sink.offer(Ended(RuntimeError("render failed")) if sink.state == "failing" else item)

    live.join(bus, circle_channel(circle), failing, deliver)
    live.join(bus, circle_channel(circle), healthy, deliver)
    event = _post(circle)
    await bus.publish([event])
    with pytest.raises(RuntimeError, match="render failed"):
        await asyncio.wait_for(_taken(failing, 1), 1)
    assert await asyncio.wait_for(_taken(healthy, 1), 1) == [event]


async def test_a_full_queue_ends_only_its_own_subscription() -> None:
    bus, live, circle = InProcessBus(), LiveFanout(), uuid4()

    async def deliver(item: Event | Gap, sinks: list[Sink]) -> None:
        for sink in sinks:
            sink.offer(item)

    slow, fast = Sink(None, 2), Sink(None, 10)
    live.join(bus, circle_channel(circle), slow, deliver)
    live.join(bus, circle_channel(circle), fast, deliver)
    events = [_post(circle) for _ in range(3)]
    await bus.publish(events)
    assert await asyncio.wait_for(_taken(fast, 3), 1) == events
    # the slow one overflowed on the third: its iteration ends with nothing more
    assert slow.overflowed
    assert await asyncio.wait_for(_taken(slow, 3), 1) == []
    assert not fast.overflowed


async def test_a_circle_whose_backlog_overflows_ends_all_its_subscriptions() -> None:
    # given a drain held up (a slow snapshot read) and a backlog of two events
    bus, live, circle = InProcessBus(), LiveFanout(backlog=2), uuid4()
    held = asyncio.Event()

    async def deliver(item: Event | Gap, sinks: list[Sink]) -> None:
        await held.wait()
        for sink in sinks:
            sink.offer(item)

    first, second = Sink(None, 10), Sink(None, 10)
    live.join(bus, circle_channel(circle), first, deliver)
    live.join(bus, circle_channel(circle), second, deliver)
    await bus.publish([_post(circle)])
    await asyncio.sleep(0)  # the drain took the first and waits
    # when three more arrive while it waits
    await bus.publish([_post(circle) for _ in range(3)])
    # then every subscription of the circle has ended: they must refetch
    assert first.overflowed
    assert second.overflowed
    held.set()
    assert await asyncio.wait_for(_taken(first, 1), 1) == []
