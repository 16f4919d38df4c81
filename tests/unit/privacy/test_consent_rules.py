"""Health-data consent rules, against the hand-made unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

from domain.checkins.model import CheckInReminder
from domain.checkins.reminders import make_schedule
from domain.clock import FixedClock
from domain.notifications.model import NotificationKind
from domain.notifications.services import queue_due_reminders
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

    # when the worker's reminder pass runs after the reminders' time
    clock = FixedClock(fire_at + timedelta(minutes=1))
    written = await queue_due_reminders(FakeUnitOfWork(store), clock, NOW)

    # then only the consenting member is reminded, and every reminder moved on
    reminded = [
        n.member_id
        for n in store.notifications.values()
        if n.kind is NotificationKind.CHECKIN_REMINDER
    ]
    assert (written, reminded) == (1, [consenting])
    assert all(
        r.next_fire_at is not None and r.next_fire_at > fire_at for r in store.reminders.values()
    )
