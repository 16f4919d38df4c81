"""domain.safety.services.rate and realert_unacknowledged with hand-made fakes for the
ports: what is stored, when an item opens, who is alerted, and once-per-interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.clock import FixedClock
from domain.notifications.model import Notification
from domain.safety.model import RiskAssessment, RiskLevel
from domain.safety.services import rate, realert_unacknowledged
from domain.safety.team import ItemStatus, RiskRating, SafetyItem, TargetKind

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
STAFF = [uuid4(), uuid4()]


class _Detector:
    version = "fake-1"

    def __init__(self, level: RiskLevel | None) -> None:
        self.level = level

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        if self.level is None:
            raise RuntimeError(text)
        return RiskAssessment(self.level, ("rule.x",) if self.level else (), self.version)


class _Uow:
    def __init__(self) -> None:
        self.ratings: list[RiskRating] = []
        self.items: dict[UUID, SafetyItem] = {}
        self.outbox: dict[str, Notification] = {}
        self.risk_ratings, self.safety_items, self.staff, self.notifications = (
            self,
            self,
            self,
            self,
        )

    async def __aenter__(self) -> _Uow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        return None

    def record(self, event: Any) -> None:
        return None

    async def add(self, thing: Any) -> bool:
        if isinstance(thing, RiskRating):
            self.ratings.append(thing)
        elif isinstance(thing, SafetyItem):
            self.items[thing.id] = thing
        else:
            if thing.dedupe_key in self.outbox:
                return False
            self.outbox[thing.dedupe_key] = thing
        return True

    async def unresolved_for(self, kind: TargetKind, target_id: UUID) -> SafetyItem | None:
        return next(
            (
                i
                for i in self.items.values()
                if (i.target_kind, i.target_id) == (kind, target_id)
                and i.status is not ItemStatus.RESOLVED
            ),
            None,
        )

    async def on_call_member_ids(self) -> list[UUID]:
        return STAFF

    async def mark_alerted(self, item_id: UUID, expected: datetime | None, at: datetime) -> bool:
        item = self.items[item_id]
        if item.last_alerted_at != expected:
            return False
        item.last_alerted_at, item.alert_count = at, item.alert_count + 1
        return True

    async def due_for_realert(self, cutoff: datetime) -> list[SafetyItem]:
        return [
            SafetyItem(**{f: getattr(i, f) for f in SafetyItem.__dataclass_fields__})
            for i in self.items.values()
            if i.status is ItemStatus.OPEN
            and i.level >= RiskLevel.URGENT
            and i.last_alerted_at is not None
            and i.last_alerted_at <= cutoff
        ]


async def _rate(uow: _Uow, level: RiskLevel | None, kind: TargetKind, target: UUID) -> RiskLevel:
    assessment = await rate(
        uow,  # type: ignore[arg-type]
        _Detector(level),
        kind,
        target,
        "some words",
        FixedClock(T0),
        author_id=uuid4(),
        circle_id=None if kind is TargetKind.CHECK_IN else uuid4(),
    )
    return assessment.level


async def test_a_failing_detector_rates_concern_with_the_reason_and_opens_nothing() -> None:
    uow = _Uow()
    assert await _rate(uow, None, TargetKind.POST, uuid4()) is RiskLevel.CONCERN
    (rating,) = uow.ratings
    assert (rating.reasons, rating.detector_version) == (("detector error",), "fake-1")
    assert uow.items == {}


async def test_urgent_posts_open_one_item_and_alert_every_on_call_member_once() -> None:
    uow, post = _Uow(), uuid4()
    await _rate(uow, RiskLevel.URGENT, TargetKind.POST, post)
    await _rate(uow, RiskLevel.URGENT, TargetKind.POST, post)  # an edit, still URGENT
    assert len(uow.ratings) == 2
    (item,) = uow.items.values()
    assert (item.alert_count, item.last_alerted_at) == (1, T0)
    assert sorted(n.member_id for n in uow.outbox.values()) == sorted(STAFF)
    assert all(n.urgent and "words" not in n.body + n.title for n in uow.outbox.values())


async def test_check_in_notes_and_concern_posts_open_no_item() -> None:
    uow = _Uow()
    await _rate(uow, RiskLevel.URGENT, TargetKind.CHECK_IN, uuid4())
    await _rate(uow, RiskLevel.CONCERN, TargetKind.REPLY, uuid4())
    assert uow.items == {}
    assert uow.outbox == {}


async def test_re_alerts_come_once_per_15_minutes_while_open() -> None:
    uow = _Uow()
    await _rate(uow, RiskLevel.URGENT, TargetKind.REPLY, uuid4())
    clock = FixedClock(T0 + timedelta(minutes=14, seconds=59))
    assert await realert_unacknowledged(uow, clock) == 0  # type: ignore[arg-type]
    clock.set(T0 + timedelta(minutes=15))
    assert await realert_unacknowledged(uow, clock) == 1  # type: ignore[arg-type]
    assert await realert_unacknowledged(uow, clock) == 0  # type: ignore[arg-type]
    assert len(uow.outbox) == 2 * len(STAFF)
    (item,) = uow.items.values()
    item.status = ItemStatus.ACKNOWLEDGED
    clock.set(T0 + timedelta(hours=3))
    assert await realert_unacknowledged(uow, clock) == 0  # type: ignore[arg-type]
