"""A notification worker told to stop (SIGTERM, a deploy) while it holds a batch that
FCM has already accepted: it records the batch, claims nothing more, and exits 0. No
row is left SENDING for a lease to expire, nothing is sent twice, and the rows it did
not claim wait PENDING for the next worker, who sends each once (#16).

The real worker process (``tests.support.worker_process``: the real firebase-admin
client against the loopback FCM stand-in), SIGTERM handled as ``hearth worker``
handles it (``NotificationWorker.run_forever(stop)``)."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

from tests.api.conftest import running_app
from tests.api.notifications.conftest import register
from tests.conftest import run_migrations, test_settings
from tests.integration.test_postgres_killed import BATCH, held_worker, read_line, rows
from tests.support.circles import create_circle, join, post, reply
from tests.support.fcm_stub import fcm_standin
from tests.support.graphql import GraphQLClient
from tests.support.history import raw_id
from tests.support.private_postgres import private_postgres
from tests.support.waiting import eventually

POSTS = 2 * BATCH  # one notification per post: two batches


async def test_sigterm_mid_batch_records_the_batch_and_leaves_the_rest_pending() -> None:
    with private_postgres() as cluster, fcm_standin() as fcm:
        await asyncio.to_thread(run_migrations, cluster.url)
        settings = test_settings(
            database_url=cluster.url, redis_url=None, hearth_limit_replies_per_hour=100_000
        )
        async with running_app(settings) as (_app, http):
            gql = GraphQLClient(http)
            # given an author with a device, and a reply to each of her posts
            await gql.onboard("author", "Quiet Fox")
            await gql.onboard("bob", "Brave Owl")
            circle_id = await create_circle(gql, "author")
            await join(gql, "bob", circle_id)
            await register(gql, "author", "fid-author")
            for n in range(POSTS):
                made = await post(gql, "author", circle_id, f"A long night {n}")
                await reply(gql, "bob", made["id"], "thinking of you")

            # when the worker has a batch FCM accepted, and is told to stop right then
            with held_worker(fcm, cluster.url, "before_finish") as worker:
                await read_line(worker, "READY")
                await read_line(worker, f"HELD {BATCH}")
                assert len(fcm.received) == BATCH
                worker.send_signal(signal.SIGTERM)
                assert worker.stdin is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
                # then it exits 0 after recording the batch, claiming nothing more
                assert await asyncio.to_thread(worker.wait, 30) == 0
            statuses = Counter(status for _, status, _ in await rows(cluster))
            assert statuses == {"SENT": BATCH, "PENDING": POSTS - BATCH}, statuses
            assert len(fcm.received) == BATCH

            # and the next worker sends the rest, each once
            with held_worker(fcm, cluster.url, "") as successor:
                await read_line(successor, "READY")

                async def all_sent() -> bool:
                    found = await rows(cluster)
                    return {status for _, status, _ in found} == {"SENT"}

                await eventually(all_sent, "every notification SENT", 30, 0.2)
                successor.send_signal(signal.SIGTERM)
                assert await asyncio.to_thread(successor.wait, 30) == 0
        received = Counter(raw_id(r.message["data"]["notificationId"]) for r in fcm.received)
        assert len(received) == POSTS
        assert max(received.values()) == 1, received.most_common(3)
