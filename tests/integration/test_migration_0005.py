"""Migration 0005 gives existing members their display-name skeletons: the oldest of
two lookalike names keeps it, the later one waits for its member's next rename."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from tests.integration.test_migrations import alembic_config

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def fresh_sqlite() -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="hearth-0005-") as tmp:
        path = Path(tmp) / "db.sqlite3"
        yield f"sqlite+aiosqlite:///{path}", f"sqlite:///{path}"


def add_member(conn: object, name: str, at: datetime) -> str:
    member_id = uuid4().hex
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO member (id, firebase_uid, display_name, display_name_key, timezone,"
            " region, created_at, updated_at, guidelines_version, guidelines_accepted_at,"
            " adult_confirmed_at) VALUES (:id, :uid, :name, :key, 'Europe/London', 'GB',"
            " :at, :at, '2026-11', :at, :at)"
        ),
        {"id": member_id, "uid": f"uid-{name}", "name": name, "key": name.casefold(), "at": at},
    )
    return member_id


async def test_existing_members_get_skeletons_and_later_lookalikes_get_none(
    fresh_sqlite: tuple[str, str],
) -> None:
    url, sync_url = fresh_sqlite
    config = alembic_config(url)
    await asyncio.to_thread(command.upgrade, config, "0004")
    engine = create_engine(sync_url)
    with engine.begin() as conn:
        first = add_member(conn, "Lokan", T0)
        later = add_member(conn, "L\u043ekan", T0 + timedelta(days=1))
        other = add_member(conn, "Brave Owl", T0 + timedelta(days=2))

    await asyncio.to_thread(command.upgrade, config, "head")

    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, name_skeleton FROM member")).all())
    engine.dispose()
    assert rows[first] == "lokan"
    assert rows[later] is None
    assert rows[other] == "brave owl"
