"""The pin repository on the real database: a clash with a concurrent pin (same slot
or same item) is reported as False and leaves the transaction usable, on SQLite and on
PostgreSQL (where a failed INSERT would otherwise abort the whole transaction)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from domain.circles.model import Topic, Visibility
from domain.circles.pins import Pin, PinKind
from domain.circles.services import CreateCircle, create_circle
from domain.clock import FixedClock
from domain.members.model import Member
from infra.db.engine import create_engine, create_session_factory
from infra.db.uow import SqlUnitOfWork
from tests.conftest import test_settings
from tests.unit.fakes import FakeRateLimiter

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def test_a_clashing_pin_is_refused_without_breaking_the_transaction(
    clean_database: str,
) -> None:
    engine = create_engine(test_settings())
    try:
        factory = create_session_factory(engine)
        member = Member(
            uuid4(), "uid-ana", "Ana", "Europe/London", "GB", NOW, NOW, "2026-11", NOW, NOW
        )
        async with SqlUnitOfWork(factory) as uow:
            await uow.members.add(member)
            await uow.commit()
        command = CreateCircle(member.id, "Evening Calm", "", [Topic.ANXIETY], Visibility.PUBLIC)
        circle = await create_circle(
            command, SqlUnitOfWork(factory), FixedClock(NOW), FakeRateLimiter()
        )
        first = Pin(circle.id, PinKind.RESOURCE, uuid4(), 1, member.id, NOW)
        async with SqlUnitOfWork(factory) as uow:
            assert await uow.pins.add(first) is True
            same_slot = Pin(circle.id, PinKind.RESOURCE, uuid4(), 1, member.id, NOW)
            same_item = Pin(circle.id, PinKind.RESOURCE, first.item_id, 2, member.id, NOW)
            assert await uow.pins.add(same_slot) is False
            assert await uow.pins.add(same_item) is False
            third = Pin(circle.id, PinKind.POST, uuid4(), 3, member.id, NOW)
            assert await uow.pins.add(third) is True
            await uow.commit()
        async with SqlUnitOfWork(factory) as uow:
            stored = await uow.pins.in_circle(circle.id)
        assert [(p.slot, p.item_id) for p in stored] == [(1, first.item_id), (3, third.item_id)]
    finally:
        await engine.dispose()
