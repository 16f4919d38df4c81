"""firebase-admin's two batch senders against the loopback FCM v1 stand-in.

    uv run python -m bench.fcm_send [--rounds 3] [--batches 4]

Issue 15 asks whether ``messaging.send_each_async`` (httpx, asyncio) beats the
threaded ``messaging.send_each`` that ``infra/push/fcm.py`` uses. Both send the same
500-message batches to the same stand-in (tests/support/fcm_stub.py) in one process,
alternating per round, so the ratio is comparable even on a noisy machine. Prints
messages per second and the process CPU seconds each sender used.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from firebase_admin import messaging

from tests.support.fcm_stub import fcm_standin


def _messages(n: int) -> list[messaging.Message]:
    return [
        messaging.Message(
            fid=f"fid-{i}",
            data={"type": "REPLY"},
            notification=messaging.Notification(title="Someone replied to you", body="Open"),
        )
        for i in range(n)
    ]


async def _compare(app: object, rounds: int, batches: int) -> None:
    batch = _messages(500)
    sent = 500 * batches
    for n in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(batches):
            await asyncio.to_thread(messaging.send_each, batch, app=app)
        threaded = (sent / (time.perf_counter() - wall), time.process_time() - cpu)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(batches):
            result = await messaging.send_each_async(batch, app=app)
            assert result.success_count == len(batch)
        in_loop = (sent / (time.perf_counter() - wall), time.process_time() - cpu)
        print(
            f"round {n}: send_each {threaded[0]:.0f}/s ({threaded[1]:.2f} s CPU)  "
            f"send_each_async {in_loop[0]:.0f}/s ({in_loop[1]:.2f} s CPU)  "
            f"ratio async/threaded {in_loop[0] / threaded[0]:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", type=int, default=4)
    args = parser.parse_args()
    with fcm_standin() as fcm, fcm.firebase_app() as app:
        asyncio.run(_compare(app, args.rounds, args.batches))


if __name__ == "__main__":
    main()
