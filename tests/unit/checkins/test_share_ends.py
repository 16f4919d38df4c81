"""How a share's end is announced (domain/checkins/shares.py), against the hand-made
unit of work: one event per share the circle could see, the same for every cause."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.checkins.model import CheckIn
from domain.checkins.shares import end_shares_in_circle, live_shares, record_share_ends
from domain.circles.model import Membership, MembershipStatus, Role
from domain.events import Event, EventKind
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def _in(uow: FakeUnitOfWork, member: UUID, status: MembershipStatus) -> UUID:
    circle = uuid4()
    uow.store.memberships[(circle, member)] = Membership(
        circle, member, Role.MEMBER, status, NOW, NOW
    )
    return circle


def _ends(events: list[Event]) -> list[tuple[UUID | None, UUID | None, UUID | None]]:
    return [
        (e.circle_id, e.subject_id, e.member_id)
        for e in events
        if e.kind is EventKind.CHECK_IN_SHARE_WITHDRAWN
    ]


async def test_only_shares_a_circle_can_see_are_announced() -> None:
    uow, member = FakeUnitOfWork(), uuid4()
    active = _in(uow, member, MembershipStatus.ACTIVE)
    banned = _in(uow, member, MembershipStatus.BANNED)  # an old share a ban hides
    check_in = CheckIn(uuid4(), member, 2, (), "private", NOW, shared_circle_ids=(active, banned))
    uow.store.check_ins[check_in.id] = check_in

    async with uow:
        shares = await live_shares(uow, member)  # type: ignore[arg-type]
        record_share_ends(uow, member, shares)  # type: ignore[arg-type]
        await uow.commit()

    assert _ends(uow.store.published) == [(active, check_in.id, member)]


async def test_leaving_ends_the_circles_shares_and_announces_each() -> None:
    uow, member = FakeUnitOfWork(), uuid4()
    left, kept = (
        _in(uow, member, MembershipStatus.ACTIVE),
        _in(uow, member, MembershipStatus.ACTIVE),
    )
    one = CheckIn(uuid4(), member, 2, (), None, NOW, shared_circle_ids=(left, kept))
    two = CheckIn(uuid4(), member, 4, (), None, NOW, shared_circle_ids=(left,))
    uow.store.check_ins.update({one.id: one, two.id: two})

    async with uow:
        await end_shares_in_circle(uow, member, left)  # type: ignore[arg-type]
        await uow.commit()

    assert sorted(_ends(uow.store.published)) == sorted(
        [(left, one.id, member), (left, two.id, member)]
    )
    assert uow.store.check_ins[one.id].shared_circle_ids == (kept,)
    assert uow.store.check_ins[two.id].shared_circle_ids == ()
