"""Offering to listen (domain.support.services) over the in-memory fakes: where and
until when an offer holds, the messages when it cannot be made, and what is shown of
it later."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.circles.model import MembershipStatus
from domain.clock import FixedClock
from domain.errors import ErrorCode, ValidationError
from domain.support.model import SupportAvailability
from domain.support.services import (
    SetAvailability,
    clear_availability,
    current_availability,
    set_availability,
)
from tests.unit.fakes import SINCE, CircleWithMembers

NOW = SINCE + timedelta(hours=1)
CLOCK = FixedClock(NOW)


async def _refused(c: CircleWithMembers, cmd: SetAvailability) -> list[tuple[object, ...]]:
    with pytest.raises(ValidationError) as raised:
        await set_availability(cmd, c.uow(), CLOCK)
    assert c.store.availability == {}
    return [(e.code, e.message, e.field) for e in raised.value.errors]


async def test_an_offer_in_named_circles_keeps_each_once_until_the_time_given() -> None:
    c = CircleWithMembers()
    until = NOW + timedelta(hours=12)
    made = await set_availability(
        SetAvailability(c.ada, until, [c.circle.id, c.circle.id]), c.uow(), CLOCK
    )
    assert made == SupportAvailability(c.ada, (c.circle.id,), until, NOW, all_circles=False)
    assert c.store.availability[c.ada] == made
    assert await current_availability(c.ada, c.uow(), CLOCK) == made


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (NOW, "That time has already passed."),
        (
            NOW + timedelta(hours=12, seconds=1),
            "You can offer to listen for at most 12 hours at a time.",
        ),
        (NOW.replace(tzinfo=None) + timedelta(hours=1), "Give the time with a UTC offset."),
    ],
)
async def test_an_offer_ends_in_the_next_12_hours_with_a_utc_offset(
    until: object, message: str
) -> None:
    c = CircleWithMembers()
    cmd = SetAvailability(c.ada, until)  # type: ignore[arg-type]
    assert await _refused(c, cmd) == [(ErrorCode.INVALID, message, ("input", "until"))]


async def test_an_offer_needs_circles_the_member_is_active_in() -> None:
    c = CircleWithMembers()
    later = NOW + timedelta(hours=1)
    assert await _refused(c, SetAvailability(c.ada, later, [uuid4()])) == [
        (
            ErrorCode.NOT_FOUND,
            "You can offer to listen only in circles you are an active member of.",
            ("input", "circleIds"),
        )
    ]
    loner = uuid4()
    assert await _refused(c, SetAvailability(loner, later)) == [
        (
            ErrorCode.INVALID,
            "Join a circle first: there is nowhere to listen yet.",
            ("input", "circleIds"),
        )
    ]
    both = await _refused(c, SetAvailability(loner, NOW, [uuid4()]))
    assert [e[2] for e in both] == [("input", "until"), ("input", "circleIds")]


async def test_an_offer_ends_at_its_time_or_when_the_member_leaves_its_circles() -> None:
    c = CircleWithMembers()
    until = NOW + timedelta(hours=2)
    await set_availability(SetAvailability(c.ada, until), c.uow(), CLOCK)
    assert await current_availability(c.ada, c.uow(), FixedClock(until)) is None
    shown = await current_availability(c.ada, c.uow(), FixedClock(until - timedelta(seconds=1)))
    assert shown is not None
    assert shown.all_circles
    c.store.memberships[c.circle.id, c.ada].status = MembershipStatus.BANNED
    assert await current_availability(c.ada, c.uow(), CLOCK) is None
    assert await current_availability(c.bo, c.uow(), CLOCK) is None


async def test_an_offer_shows_only_the_circles_still_joined() -> None:
    c = CircleWithMembers()
    other = CircleWithMembers()
    gone = other.circle.id
    c.store.memberships[gone, c.ada] = other.store.memberships[gone, other.ada]
    c.store.memberships[gone, c.ada].member_id = c.ada
    until = NOW + timedelta(hours=2)
    await set_availability(SetAvailability(c.ada, until, [c.circle.id, gone]), c.uow(), CLOCK)
    del c.store.memberships[gone, c.ada]
    shown = await current_availability(c.ada, c.uow(), CLOCK)
    assert shown == SupportAvailability(c.ada, (c.circle.id,), until, NOW, all_circles=False)


async def test_clearing_an_offer_says_whether_there_was_one() -> None:
    c = CircleWithMembers()
    await set_availability(SetAvailability(c.ada, NOW + timedelta(hours=1)), c.uow(), CLOCK)
    assert await clear_availability(c.ada, c.uow()) is True
    assert await clear_availability(c.ada, c.uow()) is False
    assert c.store.availability == {}
