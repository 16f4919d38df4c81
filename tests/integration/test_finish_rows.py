"""The worker's outcome writes on the real database (``infra.worker.outbox.finish_rows``):
each row gets exactly its own outcome, only rows this worker still holds change, and
the count it returns is every row it changed (the worker logs a lost lease from it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, select

from infra.db.engine import create_engine
from infra.db.tables.members import member_table
from infra.db.tables.notifications import device_table, notification_table
from infra.worker.outbox import finish_rows
from tests.conftest import test_settings
from tests.support.outbox_rows import device_row, member_row, push_row

NOW = datetime(2030, 1, 16, 9, 30, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=1)
ME, OTHER = "worker-me", "worker-other"


async def test_each_held_row_gets_its_own_outcome_and_the_count_covers_every_kind(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        member = member_row("m", "Europe/London", NOW)

        def held(by: str = ME, status: str = "SENDING", **more: Any) -> dict[str, Any]:
            return push_row(
                member["id"], NOW, status=status, claimed_by=by, claimed_until=LEASE, **more
            )

        rows = {
            "sent_1": held(),
            "sent_2": held(),
            "inbox": held(),
            "failed": held(),
            "retry": held(),
            "deferred": held(attempts=3),
            "held_untouched": held(),  # this worker's, but in no list
            "taken_over": held(by=OTHER),  # another worker's now
            "deferred_elsewhere": held(by=OTHER, attempts=3),
            "no_longer_sending": held(status="PENDING"),  # released meanwhile
        }
        async with engine.begin() as conn:
            await conn.execute(insert(member_table), [member])
            await conn.execute(insert(notification_table), list(rows.values()))
            await conn.execute(
                insert(device_table),
                [device_row(member["id"], "gone", NOW), device_row(member["id"], "kept", NOW)],
            )
        ids = {name: row["id"] for name, row in rows.items()}
        retry_at, morning = NOW + timedelta(minutes=5), NOW + timedelta(hours=10)

        changed = await finish_rows(
            engine,
            ME,
            NOW,
            sent=[ids["sent_1"], ids["sent_2"], ids["taken_over"]],
            inbox_only=[ids["inbox"]],
            failed=[(ids["failed"], "INVALID_ARGUMENT"), (ids["taken_over"], "X")],
            retry={
                ids["retry"]: (retry_at, "UNAVAILABLE"),
                ids["no_longer_sending"]: (retry_at, "X"),
            },
            deferred={ids["deferred"]: morning, ids["deferred_elsewhere"]: morning},
            prune=["gone", "gone"],
        )

        async with engine.connect() as conn:
            found = {r.id: r._mapping for r in await conn.execute(select(notification_table))}
            tokens = set((await conn.execute(select(device_table.c.token))).scalars())
        by_name = {name: found[row_id] for name, row_id in ids.items()}

        assert changed == 6  # 2 sent + 1 inbox + 1 failed + 1 retry + 1 deferred
        for name in ("sent_1", "sent_2"):
            assert by_name[name]["status"] == "SENT"
            assert by_name[name]["sent_at"] is not None
        assert by_name["inbox"]["status"] == "INBOX_ONLY"
        assert by_name["failed"]["status"] == "FAILED"
        assert by_name["failed"]["last_error"] == "INVALID_ARGUMENT"
        assert by_name["retry"]["status"] == "PENDING"
        assert by_name["retry"]["last_error"] == "UNAVAILABLE"
        assert by_name["retry"]["next_attempt_at"].replace(tzinfo=UTC) == retry_at
        assert by_name["deferred"]["status"] == "PENDING"
        assert by_name["deferred"]["attempts"] == 2  # waiting for morning is no attempt
        assert by_name["deferred"]["next_attempt_at"].replace(tzinfo=UTC) == morning
        assert by_name["deferred"]["last_error"] is None
        for name in ("sent_1", "sent_2", "inbox", "failed", "retry", "deferred"):
            assert by_name[name]["claimed_by"] is None, name
            assert by_name[name]["claimed_until"] is None, name
        # rows this worker does not hold (any more) keep what they had
        assert by_name["held_untouched"]["status"] == "SENDING"
        assert by_name["held_untouched"]["claimed_by"] == ME
        assert by_name["taken_over"]["status"] == "SENDING"
        assert by_name["taken_over"]["claimed_by"] == OTHER
        assert by_name["taken_over"]["last_error"] is None
        assert by_name["deferred_elsewhere"]["status"] == "SENDING"
        assert by_name["deferred_elsewhere"]["claimed_by"] == OTHER
        assert by_name["deferred_elsewhere"]["attempts"] == 3
        assert by_name["no_longer_sending"]["status"] == "PENDING"
        assert by_name["no_longer_sending"]["last_error"] is None
        assert by_name["no_longer_sending"]["claimed_by"] == ME
        assert tokens == {"kept"}
    finally:
        await engine.dispose()


async def test_nothing_to_record_changes_nothing_and_counts_zero(clean_database: str) -> None:
    engine = create_engine(test_settings())
    try:
        assert await finish_rows(engine, ME, NOW, [], [], [], {}, {}, []) == 0
    finally:
        await engine.dispose()


async def test_a_whole_batch_of_retries_is_recorded_in_a_few_statements_not_one_per_row(
    clean_database: str,
) -> None:
    # given 1,550 rows this worker holds: FCM refused 1,200, failed 300 for good, and
    # 50 wait for the morning
    engine = create_engine(test_settings())
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    try:
        member = member_row("m", "Europe/London", NOW)
        rows = [
            push_row(member["id"], NOW, status="SENDING", claimed_by=ME, claimed_until=LEASE)
            for _ in range(1550)
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(member_table), [member])
            await conn.execute(insert(notification_table), rows)
        ids = [row["id"] for row in rows]
        retry_at, morning = NOW + timedelta(minutes=5), NOW + timedelta(hours=10)
        retry = {
            row_id: (retry_at + timedelta(seconds=n), "UNAVAILABLE")
            for n, row_id in enumerate(ids[:1200])
        }
        failed = [(row_id, f"E{n}") for n, row_id in enumerate(ids[1200:1500])]
        deferred = dict.fromkeys(ids[1500:], morning)

        # when the worker records them
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        changed = await finish_rows(engine, ME, NOW, [], [], failed, retry, deferred, [])
        event.remove(engine.sync_engine, "before_cursor_execute", count)

        # then every row got its own outcome, in a handful of statements
        assert changed == 1550
        writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
        assert len(writes) <= 4, writes  # 1,000 rows per statement on PostgreSQL
        async with engine.connect() as conn:
            found = {r.id: r._mapping for r in await conn.execute(select(notification_table))}
        for n, row_id in enumerate(ids[:1200]):
            assert found[row_id]["status"] == "PENDING"
            assert found[row_id]["last_error"] == "UNAVAILABLE"
            assert found[row_id]["next_attempt_at"].replace(tzinfo=UTC) == retry_at + timedelta(
                seconds=n
            )
        for n, (row_id, _) in enumerate(failed):
            assert (found[row_id]["status"], found[row_id]["last_error"]) == ("FAILED", f"E{n}")
        for row_id in deferred:
            assert found[row_id]["next_attempt_at"].replace(tzinfo=UTC) == morning
            assert found[row_id]["attempts"] == rows[0]["attempts"] - 1
        assert all(r["claimed_by"] is None for r in found.values())
    finally:
        await engine.dispose()
