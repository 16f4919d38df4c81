"""The receive queue an accepted websocket gets in place of uvicorn's asyncio.Queue
(api.realtime.send_deadline.ReceiveQueue): messages come out once each, in order, and
a consumer that waits is woken by the next one, or cancelled cleanly."""

from __future__ import annotations

import asyncio

import pytest

from api.realtime.send_deadline import ReceiveQueue


async def test_messages_come_out_in_the_order_they_were_received() -> None:
    queue = ReceiveQueue()
    assert queue.empty()
    for n in range(3):
        queue.put_nowait({"n": n})
    assert not queue.empty()
    assert [await queue.get() for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert queue.empty()


async def test_a_waiting_consumer_gets_the_next_message() -> None:
    queue = ReceiveQueue()
    waiting = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    queue.put_nowait({"type": "websocket.disconnect"})
    assert await asyncio.wait_for(waiting, 1) == {"type": "websocket.disconnect"}


async def test_a_cancelled_wait_loses_nothing() -> None:
    queue = ReceiveQueue()
    waiting = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    queue.put_nowait({"n": 1})
    assert await asyncio.wait_for(queue.get(), 1) == {"n": 1}
