"""Pinning posts and resources to a circle over the in-memory fakes: who pins, what
can be pinned, the limit of three live pins, dead pins cleared, unpinning."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from domain.circles.pins import MAX_PINS, Pin, PinKind, PinTarget, pin_to_circle, unpin_from_circle
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode
from domain.safety.resources import resource_id
from tests.unit.fakes import SINCE, CircleWithMembers
from tests.unit.safety.test_resources_and_pins_domain import CATALOG

NOW = SINCE + timedelta(hours=1)
ITEM = ("input", "itemId")


def _resource(slug: str) -> PinTarget:
    return PinTarget(PinKind.RESOURCE, resource_id(slug))


async def _pin(
    c: CircleWithMembers, target: PinTarget, minutes: int = 0, actor: UUID | None = None
) -> Pin:
    clock = FixedClock(NOW + timedelta(minutes=minutes))
    uow = c.uow()
    return await pin_to_circle(actor or c.mod, c.circle.id, target, uow, CATALOG, clock)  # type: ignore[arg-type]


async def _fails(code: ErrorCode, awaitable: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        await awaitable  # type: ignore[misc]
    assert raised.value.code is code
    return raised.value


async def test_moderators_pin_up_to_three_posts_or_resources_in_free_slots() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    first = await _pin(c, PinTarget(PinKind.POST, post.id))
    assert (first.circle_id, first.kind, first.item_id, first.slot) == (
        c.circle.id,
        PinKind.POST,
        post.id,
        1,
    )
    assert (first.pinned_by, first.pinned_at) == (c.mod, NOW)
    second = await _pin(c, _resource("a"), 1)
    third = await _pin(c, _resource("b"), 2, c.owner)
    assert [second.slot, third.slot] == [2, 3]
    assert len(c.store.pins) == MAX_PINS == 3
    error = await _fails(ErrorCode.TOO_MANY_PINS, _pin(c, _resource("c")))
    assert (error.message, error.field) == (
        "A circle can have at most 3 pins. Unpin one first.",
        ITEM,
    )
    await unpin_from_circle(c.mod, c.circle.id, second.item_id, c.uow())
    again = await _pin(c, _resource("c"), 3)
    assert again.slot == 2  # the freed slot


async def test_pinning_the_same_thing_twice_is_refused() -> None:
    c = CircleWithMembers()
    await _pin(c, _resource("a"))
    error = await _fails(ErrorCode.ALREADY_PINNED, _pin(c, _resource("a")))
    assert (error.message, error.field) == ("This is already pinned here.", ITEM)


async def test_a_removed_post_leaves_a_dead_pin_that_frees_its_slot_and_is_cleared() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _pin(c, PinTarget(PinKind.POST, post.id))
    await _pin(c, _resource("a"), 1)
    await _pin(c, _resource("b"), 2)
    c.store.posts[post.id].removed_at = NOW
    replacement = await _pin(c, _resource("c"), 3)
    assert replacement.slot == 1
    assert post.id not in {p.item_id for p in c.store.pins}
    assert len(c.store.pins) == 3


async def test_only_posts_of_this_circle_that_stand_and_known_resources_can_be_pinned() -> None:
    c = CircleWithMembers()
    elsewhere = c.post(c.ada)
    elsewhere.circle_id = uuid4()
    for target in (PinTarget(PinKind.POST, uuid4()), PinTarget(PinKind.POST, elsewhere.id)):
        error = await _fails(ErrorCode.NOT_FOUND, _pin(c, target))
        assert (error.message, error.field) == ("Post was not found.", ITEM)
    removed = c.post(c.ada, removed_at=NOW)
    error = await _fails(ErrorCode.NOT_FOUND, _pin(c, PinTarget(PinKind.POST, removed.id)))
    assert (error.message, error.field) == ("This post was removed.", ITEM)
    error = await _fails(ErrorCode.NOT_FOUND, _pin(c, PinTarget(PinKind.RESOURCE, uuid4())))
    assert (error.message, error.field) == ("Resource was not found.", ITEM)
    assert c.store.pins == []


async def test_members_cannot_pin_or_unpin() -> None:
    c = CircleWithMembers()
    await _pin(c, _resource("a"))
    error = await _fails(ErrorCode.FORBIDDEN, _pin(c, _resource("b"), actor=c.ada))
    assert error.message == "Only the circle's owner and moderators can do this."
    await _fails(
        ErrorCode.FORBIDDEN, unpin_from_circle(c.ada, c.circle.id, resource_id("a"), c.uow())
    )
    assert len(c.store.pins) == 1


async def test_unpinning_what_is_not_pinned_says_so() -> None:
    c = CircleWithMembers()
    error = await _fails(
        ErrorCode.NOT_FOUND, unpin_from_circle(c.mod, c.circle.id, resource_id("a"), c.uow())
    )
    assert (error.message, error.field) == ("That is not pinned in this circle.", ITEM)
