"""Health-data consent rules, against the hand-made unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

from domain.checkins.model import CheckInReminder
from domain.checkins.reminders import make_schedule
from domain.checkins.services import reminders_due
from domain.privacy.model import Consent, ConsentKind
from tests.unit.fakes import FakeStore, FakeUnitOfWork

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # a Monday


async def test_reminders_fire_only_for_members_with_the_health_data_consent() -> None:
    store = FakeStore()
    consenting, legacy, withdrawn = uuid4(), uuid4(), uuid4()
    schedule = make_schedule("UTC", [time(8, 0)], [1, 2, 3, 4, 5, 6, 7], True)
    fire_at = NOW + timedelta(hours=1)
    for member in (consenting, legacy, withdrawn):
        store.reminders[member] = CheckInReminder(member, schedule, fire_at, NOW)
    store.consents.append(Consent(uuid4(), consenting, ConsentKind.HEALTH_DATA, "2026-12", NOW))
    store.consents.append(
        Consent(uuid4(), withdrawn, ConsentKind.HEALTH_DATA, "2026-12", NOW, withdrawn_at=NOW)
    )

    due = await reminders_due(NOW, NOW + timedelta(hours=2), FakeUnitOfWork(store))

    assert [d.member_id for d in due] == [consenting]
