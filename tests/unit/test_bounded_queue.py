"""domain.queues.BoundedQueue.consumer_waiting: when the circle fan-out may write a
subscription's frame itself (api.realtime.subscriptions) without overtaking anything
the subscription's own task has still to send."""

from __future__ import annotations

import asyncio

from domain.queues import BoundedQueue


async def test_a_consumer_parked_on_an_empty_queue_is_waiting() -> None:
    queue: BoundedQueue[int] = BoundedQueue(4)
    taken: list[int] = []
    release = asyncio.Event()

    async def consume() -> None:
        async for item in queue:
            taken.append(item)
            await release.wait()  # still sending what it took

    # no consumer yet: nothing waits
    assert not queue.consumer_waiting
    task = asyncio.create_task(consume())
    await asyncio.sleep(0)
    # parked on the empty queue: waiting
    assert queue.consumer_waiting
    # offered but not yet taken: the consumer has it to send first
    queue.offer(1)
    assert not queue.consumer_waiting
    await asyncio.sleep(0)
    # taken and still being sent: not waiting
    assert taken == [1]
    assert not queue.consumer_waiting
    # sent, and parked again: waiting
    release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert queue.consumer_waiting
    queue.overflow()
    await asyncio.wait_for(task, 1)
    assert not queue.consumer_waiting
