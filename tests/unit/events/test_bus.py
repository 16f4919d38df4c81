"""The event bus: bounded queues, overflow, gaps and the wire format."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from domain.events import Event, EventKind, circle_channel
from infra.events.bus import Gap, InProcessBus, decode, encode


def _post_created(circle_id: object) -> Event:
    return Event(EventKind.POST_CREATED, circle_id, subject_id=uuid4())  # type: ignore[arg-type]


async def test_subscribers_get_only_their_channels_events() -> None:
    bus = InProcessBus()
    mine, other = uuid4(), uuid4()
    subscription = bus.subscribe(circle_channel(mine))
    await bus.publish([_post_created(other), _post_created(mine)])
    item = await asyncio.wait_for(anext(aiter(subscription)), 1)
    assert isinstance(item, Event)
    assert item.circle_id == mine
    assert subscription.pending == 0


async def test_a_full_queue_overflows_and_ends_that_subscription_only() -> None:
    # given a stalled subscriber with room for 2 and a healthy one
    bus = InProcessBus()
    circle = uuid4()
    stalled = bus.subscribe(circle_channel(circle), maxsize=2)
    healthy = bus.subscribe(circle_channel(circle), maxsize=10)
    # when 3 events arrive
    await bus.publish([_post_created(circle) for _ in range(3)])
    # then the stalled one is told to stop, the healthy one has all 3
    assert stalled.overflowed
    assert [item async for item in stalled] == []
    assert healthy.pending == 3


async def test_a_gap_reaches_every_subscriber() -> None:
    bus = InProcessBus()
    first = bus.subscribe(circle_channel(uuid4()))
    second = bus.subscribe(circle_channel(uuid4()))
    bus.fanout.gap()
    assert isinstance(await asyncio.wait_for(anext(aiter(first)), 1), Gap)
    assert isinstance(await asyncio.wait_for(anext(aiter(second)), 1), Gap)


def test_events_survive_the_wire_format() -> None:
    event = Event(EventKind.REPLY_CREATED, uuid4(), subject_id=uuid4(), parent_id=uuid4())
    assert decode(encode(event)) == event
    # the members a deleted account's blocks kept apart travel with its leaving
    left = Event(EventKind.MEMBER_LEFT, uuid4(), subject_id=uuid4(), apart=frozenset({uuid4()}))
    assert decode(encode(left)) == left


async def test_closing_a_subscription_stops_delivery() -> None:
    bus = InProcessBus()
    circle = uuid4()
    subscription = bus.subscribe(circle_channel(circle))
    subscription.close()
    await bus.publish([_post_created(circle)])
    assert subscription.pending == 0
    assert bus.fanout.subscriber_count == 0


async def test_a_waiting_subscriber_wakes_for_the_next_event_and_ends_on_overflow() -> None:
    bus = InProcessBus()
    circle = uuid4()
    subscription = bus.subscribe(circle_channel(circle), maxsize=1)
    stream = aiter(subscription)
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    await bus.publish([_post_created(circle)])
    assert isinstance(await asyncio.wait_for(waiting, 1), Event)
    # a waiting subscriber whose queue then overflows ends instead of waiting on
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    subscription.offer(Gap())  # fills the queue (wakes the waiter, which takes it)
    assert isinstance(await asyncio.wait_for(waiting, 1), Gap)
    await bus.publish([_post_created(circle), _post_created(circle)])  # one too many
    assert subscription.overflowed
    assert [item async for item in stream] == []


async def test_a_listener_hears_its_channel_at_delivery_until_closed() -> None:
    bus = InProcessBus()
    mine, other = uuid4(), uuid4()
    heard: list[object] = []
    listener = bus.listen(circle_channel(mine), heard.append)
    await bus.publish([_post_created(other), _post_created(mine)])
    assert [item.circle_id for item in heard if isinstance(item, Event)] == [mine]
    bus.fanout.gap()
    assert isinstance(heard[-1], Gap)
    listener.close()
    await bus.publish([_post_created(mine)])
    assert len(heard) == 2
    assert bus.fanout.subscriber_count == 0
