"""Keyset paging of the catalogue, which pins are live, and a pin that clashes with a
concurrent one (domain, with hand-made fakes)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.circles.model import Topic, Visibility
from domain.circles.pins import Pin, PinKind, PinTarget, live_pins, pin_to_circle
from domain.circles.services import CreateCircle, create_circle
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode
from domain.safety.resources import Resource, resource_id, resources_page
from infra.safety.resources import InMemoryResourceCatalog
from tests.unit.fakes import FakeRateLimiter, FakeStore, FakeUnitOfWork


def resource(slug: str, title: str, *topics: Topic) -> Resource:
    return Resource(
        slug,
        title,
        "NHS",
        f"https://example.org/{slug}",
        "en",
        ("GB",),
        "A summary line.",
        topics or (Topic.ANXIETY,),
        date(2026, 12, 5),
    )


CATALOG = InMemoryResourceCatalog(
    [
        resource("b", "beta", Topic.GRIEF),
        resource("a", "Alpha"),
        resource("c", "Gamma", Topic.GRIEF, Topic.ANXIETY),
        resource("d", "delta"),
    ]
)


def test_ids_are_derived_from_slugs_and_stable() -> None:
    assert resource("x", "X").id == resource_id("x") == resource("x", "Other title").id


def test_pages_are_in_title_order_without_case_and_continue_after_the_key() -> None:
    ordered = CATALOG.all()
    assert [r.slug for r in ordered] == ["a", "b", "d", "c"]
    first = CATALOG.page(None, None, 2)
    assert [r.slug for r in first] == ["a", "b"]
    assert [r.slug for r in CATALOG.page(None, first[-1].key, 10)] == ["d", "c"]


def test_a_topic_filter_keeps_the_order_and_a_retired_cursor_still_works() -> None:
    assert [r.slug for r in CATALOG.page({Topic.GRIEF}, None, 10)] == ["b", "c"]
    retired = ("beta", "b0")  # an entry that no longer exists: the keyset still holds
    assert [r.slug for r in resources_page(CATALOG.all(), None, retired, 10)] == ["d", "c"]


def test_pins_of_removed_posts_and_retired_resources_are_dead() -> None:
    circle, by = uuid4(), uuid4()
    at = datetime(2026, 12, 5, tzinfo=UTC)
    shown, removed = uuid4(), uuid4()
    pins = [
        Pin(circle, PinKind.POST, shown, 2, by, at + timedelta(minutes=1)),
        Pin(circle, PinKind.RESOURCE, resource_id("a"), 1, by, at),
        Pin(circle, PinKind.POST, removed, 3, by, at),
        Pin(circle, PinKind.RESOURCE, resource_id("gone"), 3, by, at),
    ]
    live = live_pins(pins, CATALOG, {shown})
    assert [p.item_id for p in live] == [resource_id("a"), shown]


class ClashingPins:
    """A pin repository where another moderator always took the slot a moment ago."""

    def __init__(self) -> None:
        self.pins: list[Pin] = []

    async def in_circle(self, circle_id: UUID) -> list[Pin]:
        return list(self.pins)

    async def add(self, pin: Pin) -> bool:
        return False

    async def remove(self, circle_id: UUID, item_ids: Collection[UUID]) -> None:
        self.pins = [p for p in self.pins if p.item_id not in item_ids]


class _ClashingUnitOfWork(FakeUnitOfWork):
    def _bind(self, store: FakeStore) -> None:
        super()._bind(store)
        self.pins = ClashingPins()  # type: ignore[assignment]


async def test_a_pin_that_clashes_with_a_concurrent_one_is_a_conflict_and_nothing_is_kept() -> None:
    uow = _ClashingUnitOfWork()
    at = datetime(2026, 12, 5, tzinfo=UTC)
    owner = uuid4()
    command = CreateCircle(owner, "Evening Calm", "", [Topic.ANXIETY], Visibility.PUBLIC)
    circle = await create_circle(command, uow, FixedClock(at), FakeRateLimiter())
    uow.committed = False
    target = PinTarget(PinKind.RESOURCE, resource_id("a"))
    with pytest.raises(DomainError) as raised:
        await pin_to_circle(owner, circle.id, target, uow, CATALOG, FixedClock(at))  # type: ignore[arg-type]
    assert raised.value.code is ErrorCode.CONFLICT
    assert uow.committed is False
