"""Circles over the in-memory fakes: creating and changing one (the input rules and
their messages), who sees a private circle, joining (public, private, invite codes,
capacity, bans), invites, join requests, leaving, roles, bans and closing a circle."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.checkins.model import CheckIn
from domain.circles.membership_services import (
    approve_join_request,
    ban_member,
    decline_join_request,
    leave_circle,
    set_member_role,
)
from domain.circles.model import MembershipStatus, Role, Topic, Visibility
from domain.circles.services import (
    CreateCircle,
    UpdateCircle,
    create_circle,
    create_invite,
    delete_circle,
    hash_invite_code,
    join_circle,
    load_circle,
    update_circle,
)
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import EventKind
from domain.moderation.model import ModerationActionKind, TargetType
from domain.ratelimits.policy import Action, RateLimited
from tests.unit.fakes import SINCE, CircleWithMembers, FakeRateLimiter, FakeStore, FakeUnitOfWork

NOW = SINCE + timedelta(hours=1)
CLOCK = FixedClock(NOW)


async def _fails(code: ErrorCode, awaitable: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        await awaitable  # type: ignore[misc]
    assert raised.value.code is code
    return raised.value


async def _invalid(awaitable: object) -> list[tuple[ErrorCode, str, tuple[str, ...]]]:
    with pytest.raises(ValidationError) as raised:
        await awaitable  # type: ignore[misc]
    return [(e.code, e.message, e.field) for e in raised.value.errors]


def _private(c: CircleWithMembers) -> None:
    c.circle.visibility = Visibility.PRIVATE


# -- creating and changing a circle ---------------------------------------------------


async def test_the_creator_owns_a_new_circle_with_its_cleaned_input() -> None:
    store, founder = FakeStore(), uuid4()
    cmd = CreateCircle(
        founder,
        "  Night   Owls ",
        "  For the sleepless. ",
        [Topic.ANXIETY, Topic.ANXIETY, Topic.DEPRESSION],
        Visibility.PRIVATE,
        capacity=2,
        guidelines=" Be gentle. ",
    )
    circle = await create_circle(cmd, FakeUnitOfWork(store), CLOCK, FakeRateLimiter())
    assert (circle.name, circle.description, circle.guidelines) == (
        "Night Owls",
        "For the sleepless.",
        "Be gentle.",
    )
    assert circle.topics == (Topic.ANXIETY, Topic.DEPRESSION)
    assert (circle.visibility, circle.capacity, circle.active_count) == (Visibility.PRIVATE, 2, 1)
    assert (circle.created_at, circle.created_by) == (NOW, founder)
    assert store.circles[circle.id] == circle
    owner = store.memberships[circle.id, founder]
    assert (owner.role, owner.status, owner.created_at) == (
        Role.OWNER,
        MembershipStatus.ACTIVE,
        NOW,
    )


async def test_a_circle_gets_30_seats_unless_told_otherwise() -> None:
    cmd = CreateCircle(uuid4(), "Night Owls", "", [Topic.ANXIETY], Visibility.PUBLIC)
    circle = await create_circle(cmd, FakeUnitOfWork(), CLOCK, FakeRateLimiter())
    assert circle.capacity == 30


async def test_every_broken_rule_of_a_new_circle_is_reported_at_once() -> None:
    cmd = CreateCircle(
        uuid4(), "ab", "x" * 501, [], Visibility.PUBLIC, capacity=1, guidelines="x" * 2001
    )
    assert await _invalid(create_circle(cmd, FakeUnitOfWork(), CLOCK, FakeRateLimiter())) == [
        (ErrorCode.TOO_SHORT, "Name needs at least 3 characters.", ("input", "name")),
        (ErrorCode.TOO_LONG, "This can have at most 500 characters.", ("input", "description")),
        (ErrorCode.TOO_LONG, "This can have at most 2000 characters.", ("input", "guidelines")),
        (ErrorCode.INVALID, "Choose at least one topic.", ("input", "topics")),
        (ErrorCode.INVALID, "Capacity must be between 2 and 100.", ("input", "capacity")),
    ]


async def test_the_limits_of_a_new_circle_are_inclusive() -> None:
    topics = list(Topic)[:5]
    cmd = CreateCircle(
        uuid4(), "abc", "x" * 500, topics, Visibility.PUBLIC, 100, guidelines="x" * 2000
    )
    await create_circle(cmd, FakeUnitOfWork(), CLOCK, FakeRateLimiter())
    cmd = CreateCircle(uuid4(), "x" * 60, "", topics[:1], Visibility.PUBLIC, 2)
    await create_circle(cmd, FakeUnitOfWork(), CLOCK, FakeRateLimiter())
    too_many = CreateCircle(uuid4(), "x" * 61, "", list(Topic)[:6], Visibility.PUBLIC, 101)
    assert await _invalid(create_circle(too_many, FakeUnitOfWork(), CLOCK, FakeRateLimiter())) == [
        (ErrorCode.TOO_LONG, "Name can have at most 60 characters.", ("input", "name")),
        (ErrorCode.TOO_LONG, "Choose at most 5 topics.", ("input", "topics")),
        (ErrorCode.INVALID, "Capacity must be between 2 and 100.", ("input", "capacity")),
    ]


async def test_creating_circles_is_rate_limited_after_the_input_is_checked() -> None:
    limiter = FakeRateLimiter({Action.CIRCLE_CREATION: 1})
    bad = CreateCircle(uuid4(), "ab", "", [Topic.ANXIETY], Visibility.PUBLIC)
    await _invalid(create_circle(bad, FakeUnitOfWork(), CLOCK, limiter))
    good = CreateCircle(bad.actor_id, "abc", "", [Topic.ANXIETY], Visibility.PUBLIC)
    await create_circle(good, FakeUnitOfWork(), CLOCK, limiter)
    with pytest.raises(RateLimited):
        await create_circle(good, FakeUnitOfWork(), CLOCK, limiter)


async def test_moderators_change_only_what_they_give() -> None:
    c = CircleWithMembers()
    cmd = UpdateCircle(
        c.mod,
        c.circle.id,
        name=" Calmer ",
        topics=[Topic.DEPRESSION],
        visibility=Visibility.PRIVATE,
        nudge_after_minutes=240,
    )
    updated = await update_circle(cmd, c.uow())
    assert (updated.name, updated.topics, updated.visibility) == (
        "Calmer",
        (Topic.DEPRESSION,),
        Visibility.PRIVATE,
    )
    assert updated.nudge_after_minutes == 240
    assert (updated.description, updated.capacity) == (c.circle.description, c.circle.capacity)
    assert c.store.circles[c.circle.id] == updated
    again = UpdateCircle(c.owner, c.circle.id, description=" new ", guidelines=" g ", capacity=4)
    changed = await update_circle(again, c.uow())
    assert (changed.description, changed.guidelines, changed.capacity, changed.name) == (
        "new",
        "g",
        4,
        "Calmer",
    )


async def test_a_circle_cannot_shrink_below_its_members_or_nudge_out_of_5_to_240() -> None:
    c = CircleWithMembers()
    cmd = UpdateCircle(c.owner, c.circle.id, capacity=3, nudge_after_minutes=4)
    assert await _invalid(update_circle(cmd, c.uow())) == [
        (
            ErrorCode.INVALID,
            "The circle already has 4 members; capacity can't be lower.",
            ("input", "capacity"),
        ),
        (ErrorCode.INVALID, "Nudge after 5 to 240 minutes.", ("input", "nudgeAfterMinutes")),
    ]
    cmd = UpdateCircle(c.owner, c.circle.id, nudge_after_minutes=241, name="ab")
    assert [e[1] for e in await _invalid(update_circle(cmd, c.uow()))] == [
        "Name needs at least 3 characters.",
        "Nudge after 5 to 240 minutes.",
    ]
    await update_circle(UpdateCircle(c.owner, c.circle.id, nudge_after_minutes=5), c.uow())
    assert c.store.circles[c.circle.id].nudge_after_minutes == 5


async def test_members_cannot_change_a_circle() -> None:
    c = CircleWithMembers()
    error = await _fails(
        ErrorCode.FORBIDDEN, update_circle(UpdateCircle(c.ada, c.circle.id, name="Mine"), c.uow())
    )
    assert error.message == "Only the circle's owner and moderators can change it."


# -- who sees a circle ----------------------------------------------------------------


async def test_a_private_circle_is_not_found_by_anyone_but_its_active_members() -> None:
    c = CircleWithMembers()
    _private(c)
    pending = c.join("cy", status=MembershipStatus.PENDING)
    for outsider in (uuid4(), pending):
        error = await _fails(ErrorCode.NOT_FOUND, load_circle(c.uow(), c.circle.id, outsider))
        assert (error.message, error.field) == ("Circle was not found.", ("circleId",))
    circle, membership = await load_circle(c.uow(), c.circle.id, c.ada)
    assert (circle.id, membership and membership.member_id) == (c.circle.id, c.ada)
    c.circle.visibility = Visibility.PUBLIC
    _, none = await load_circle(c.uow(), c.circle.id, uuid4())
    assert none is None
    await _fails(ErrorCode.NOT_FOUND, load_circle(c.uow(), uuid4(), c.ada))


# -- joining --------------------------------------------------------------------------


async def test_joining_a_public_circle_takes_a_seat_at_once() -> None:
    c = CircleWithMembers()
    newcomer = uuid4()
    joined = await join_circle(newcomer, c.circle.id, None, c.uow(), CLOCK, FakeRateLimiter())
    m = joined.membership
    assert (m.member_id, m.role, m.status, m.created_at) == (
        newcomer,
        Role.MEMBER,
        MembershipStatus.ACTIVE,
        NOW,
    )
    assert joined.circle.id == c.circle.id
    assert c.store.circles[c.circle.id].active_count == 5
    assert [(e.kind, e.subject_id) for e in c.store.published] == [
        (EventKind.MEMBER_JOINED, newcomer)
    ]


async def test_asking_to_join_a_private_circle_waits_for_a_moderator() -> None:
    c = CircleWithMembers()
    _private(c)
    newcomer = uuid4()
    joined = await join_circle(newcomer, c.circle.id, None, c.uow(), CLOCK, FakeRateLimiter())
    assert joined.membership.status is MembershipStatus.PENDING
    assert c.store.circles[c.circle.id].active_count == 4
    assert c.store.published == []
    approved = await approve_join_request(
        c.mod, c.circle.id, newcomer, c.uow(), FixedClock(NOW + timedelta(hours=1))
    )
    assert (approved.status, approved.updated_at) == (
        MembershipStatus.ACTIVE,
        NOW + timedelta(hours=1),
    )
    assert c.store.circles[c.circle.id].active_count == 5
    assert [(e.kind, e.subject_id) for e in c.store.published] == [
        (EventKind.MEMBER_JOINED, newcomer)
    ]


async def test_an_invite_code_lets_someone_into_a_private_circle_while_it_works() -> None:
    c = CircleWithMembers()
    _private(c)
    invite, code = await create_invite(
        c.mod, c.circle.id, 1, timedelta(hours=1), c.uow(), CLOCK, FakeRateLimiter()
    )
    assert (invite.circle_id, invite.created_by, invite.max_uses) == (c.circle.id, c.mod, 1)
    assert (invite.created_at, invite.expires_at) == (NOW, NOW + timedelta(hours=1))
    assert invite.code_hash == hash_invite_code(f"  {code} ") != code
    newcomer = uuid4()
    joined = await join_circle(newcomer, c.circle.id, code, c.uow(), CLOCK, FakeRateLimiter())
    assert joined.membership.status is MembershipStatus.ACTIVE
    error = await _fails(
        ErrorCode.INVITE_INVALID,
        join_circle(uuid4(), c.circle.id, code, c.uow(), CLOCK, FakeRateLimiter()),
    )
    assert (error.message, error.field) == (
        "That invite code is not valid any more.",
        ("inviteCode",),
    )


async def test_wrong_invite_codes_are_limited_and_then_even_a_right_one_waits() -> None:
    c = CircleWithMembers()
    _private(c)
    _, code = await create_invite(
        c.mod, c.circle.id, 5, timedelta(days=30), c.uow(), CLOCK, FakeRateLimiter()
    )
    limiter, guesser = FakeRateLimiter({Action.FAILED_INVITE_CODE: 1}), uuid4()
    await _fails(
        ErrorCode.INVITE_INVALID,
        join_circle(guesser, c.circle.id, "wrong", c.uow(), CLOCK, limiter),
    )
    with pytest.raises(RateLimited):
        await join_circle(guesser, c.circle.id, code, c.uow(), CLOCK, limiter)
    await join_circle(uuid4(), c.circle.id, code, c.uow(), CLOCK, limiter)  # others still can


async def test_a_full_circle_banned_members_and_members_already_in_are_refused() -> None:
    c = CircleWithMembers()
    c.circle.capacity = 4
    error = await _fails(
        ErrorCode.CIRCLE_FULL,
        join_circle(uuid4(), c.circle.id, None, c.uow(), CLOCK, FakeRateLimiter()),
    )
    assert (error.message, error.field) == ("This circle is full right now.", ("circleId",))
    banned = c.join("cy", status=MembershipStatus.BANNED)
    error = await _fails(
        ErrorCode.BANNED,
        join_circle(banned, c.circle.id, None, c.uow(), CLOCK, FakeRateLimiter()),
    )
    assert (error.message, error.field) == ("You can't rejoin this circle.", ("circleId",))
    error = await _fails(
        ErrorCode.ALREADY_MEMBER,
        join_circle(c.ada, c.circle.id, None, c.uow(), CLOCK, FakeRateLimiter()),
    )
    assert (error.message, error.field) == ("You are already in this circle.", ("circleId",))
    await _fails(
        ErrorCode.NOT_FOUND,
        join_circle(c.ada, uuid4(), None, c.uow(), CLOCK, FakeRateLimiter()),
    )


async def test_an_invite_needs_1_to_100_uses_and_1_hour_to_30_days() -> None:
    c = CircleWithMembers()
    bad = create_invite(
        c.mod, c.circle.id, 101, timedelta(days=30, seconds=1), c.uow(), CLOCK, FakeRateLimiter()
    )
    assert await _invalid(bad) == [
        (ErrorCode.INVALID, "Uses must be 1 to 100.", ("input", "maxUses")),
        (ErrorCode.INVALID, "Validity must be 1 hour to 30 days.", ("input", "validForHours")),
    ]
    short = create_invite(
        c.mod, c.circle.id, 0, timedelta(minutes=59), c.uow(), CLOCK, FakeRateLimiter()
    )
    assert len(await _invalid(short)) == 2
    await create_invite(
        c.mod, c.circle.id, 100, timedelta(days=30), c.uow(), CLOCK, FakeRateLimiter()
    )


async def test_only_moderators_invite_and_invites_are_rate_limited() -> None:
    c = CircleWithMembers()
    error = await _fails(
        ErrorCode.FORBIDDEN,
        create_invite(c.ada, c.circle.id, 1, timedelta(hours=1), c.uow(), CLOCK, FakeRateLimiter()),
    )
    assert error.message == "Only the circle's owner and moderators can invite."
    limiter = FakeRateLimiter({Action.INVITE: 1})
    await create_invite(c.mod, c.circle.id, 1, timedelta(hours=1), c.uow(), CLOCK, limiter)
    with pytest.raises(RateLimited):
        await create_invite(c.mod, c.circle.id, 1, timedelta(hours=1), c.uow(), CLOCK, limiter)


# -- join requests, leaving, roles, bans ----------------------------------------------


async def test_declining_a_request_removes_it_and_only_pending_requests_are_answered() -> None:
    c = CircleWithMembers()
    pending = c.join("cy", status=MembershipStatus.PENDING)
    await decline_join_request(c.mod, c.circle.id, pending, c.uow())
    assert c.membership(pending) is None
    for answer in (
        decline_join_request(c.mod, c.circle.id, c.ada, c.uow()),
        approve_join_request(c.mod, c.circle.id, c.ada, c.uow(), CLOCK),
    ):
        error = await _fails(ErrorCode.CONFLICT, answer)
        assert (error.message, error.field) == ("There is no pending request.", ("memberId",))
    error = await _fails(
        ErrorCode.NOT_FOUND, decline_join_request(c.mod, c.circle.id, uuid4(), c.uow())
    )
    assert (error.message, error.field) == ("Membership was not found.", ("memberId",))
    error = await _fails(
        ErrorCode.FORBIDDEN, decline_join_request(c.ada, c.circle.id, c.bo, c.uow())
    )
    assert error.message == "Only the circle's owner and moderators can do this."


async def test_leaving_frees_the_seat_ends_the_shares_and_the_circle_hears_it() -> None:
    c = CircleWithMembers()
    shared = CheckIn(uuid4(), c.ada, 3, (), None, NOW, shared_circle_ids=(c.circle.id,))
    c.store.check_ins[shared.id] = shared
    left = await leave_circle(c.ada, c.circle.id, c.uow())
    assert left.member_id == c.ada
    assert c.membership(c.ada) is None
    assert c.store.circles[c.circle.id].active_count == 3
    events = [(e.kind, e.subject_id) for e in c.store.published]
    assert (EventKind.MEMBER_LEFT, c.ada) in events
    assert (EventKind.CHECK_IN_SHARE_WITHDRAWN, shared.id) in events


async def test_withdrawing_a_request_frees_no_seat_and_tells_no_one() -> None:
    c = CircleWithMembers()
    pending = c.join("cy", status=MembershipStatus.PENDING)
    await leave_circle(pending, c.circle.id, c.uow())
    assert c.store.circles[c.circle.id].active_count == 4
    assert c.store.published == []


async def test_the_owner_hands_ownership_on_before_leaving_and_banned_members_cannot_leave() -> (
    None
):
    c = CircleWithMembers()
    error = await _fails(ErrorCode.OWNER_MUST_TRANSFER, leave_circle(c.owner, c.circle.id, c.uow()))
    assert (error.message, error.field) == (
        "Hand ownership to another member (setMemberRole) before you leave.",
        ("circleId",),
    )
    banned = c.join("cy", status=MembershipStatus.BANNED)
    for who in (banned, uuid4()):
        error = await _fails(ErrorCode.NOT_FOUND, leave_circle(who, c.circle.id, c.uow()))
        assert (error.message, error.field) == ("Membership was not found.", ("circleId",))


async def test_the_owner_names_moderators_and_hands_ownership_on() -> None:
    c = CircleWithMembers()
    later = FixedClock(NOW + timedelta(minutes=1))
    named = await set_member_role(c.owner, c.circle.id, c.ada, Role.MODERATOR, c.uow(), later)
    assert (named.role, named.updated_at) == (Role.MODERATOR, later.now())
    assert c.store.memberships[c.circle.id, c.ada].role is Role.MODERATOR
    await set_member_role(c.owner, c.circle.id, c.bo, Role.OWNER, c.uow(), later)
    roles = {m: c.store.memberships[c.circle.id, m].role for m in (c.owner, c.bo)}
    assert roles == {c.owner: Role.MODERATOR, c.bo: Role.OWNER}
    assert c.store.memberships[c.circle.id, c.owner].updated_at == later.now()


async def test_only_the_owner_changes_roles_and_only_of_other_active_members() -> None:
    c = CircleWithMembers()
    error = await _fails(
        ErrorCode.FORBIDDEN,
        set_member_role(c.mod, c.circle.id, c.ada, Role.MODERATOR, c.uow(), CLOCK),
    )
    assert error.message == "Only the circle's owner can change roles."
    pending = c.join("cy", status=MembershipStatus.PENDING)
    error = await _fails(
        ErrorCode.CONFLICT,
        set_member_role(c.owner, c.circle.id, pending, Role.MODERATOR, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("Only active members can get a role.", ("memberId",))
    error = await _fails(
        ErrorCode.CONFLICT,
        set_member_role(c.owner, c.circle.id, c.owner, Role.OWNER, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == (
        "Hand ownership to someone else instead.",
        ("memberId",),
    )


async def test_a_ban_keeps_a_member_out_ends_their_shares_and_is_logged() -> None:
    c = CircleWithMembers()
    shared = CheckIn(uuid4(), c.ada, 3, (), None, NOW, shared_circle_ids=(c.circle.id,))
    c.store.check_ins[shared.id] = shared
    c.store.memberships[c.circle.id, c.ada].role = Role.MODERATOR
    banned = await ban_member(c.owner, c.circle.id, c.ada, c.uow(), CLOCK)
    assert (banned.status, banned.role, banned.updated_at) == (
        MembershipStatus.BANNED,
        Role.MEMBER,
        NOW,
    )
    assert c.store.circles[c.circle.id].active_count == 3
    events = [(e.kind, e.subject_id) for e in c.store.published]
    assert (EventKind.MEMBER_LEFT, c.ada) in events
    assert (EventKind.CHECK_IN_SHARE_WITHDRAWN, shared.id) in events
    (logged,) = c.store.moderation_log
    assert (logged.kind, logged.actor_id, logged.target_type, logged.target_id) == (
        ModerationActionKind.BAN_MEMBER,
        c.owner,
        TargetType.MEMBER,
        c.ada,
    )
    assert (logged.target_member_id, logged.created_at, logged.circle_id) == (
        c.ada,
        NOW,
        c.circle.id,
    )


async def test_banning_a_pending_member_frees_no_seat() -> None:
    c = CircleWithMembers()
    pending = c.join("cy", status=MembershipStatus.PENDING)
    await ban_member(c.mod, c.circle.id, pending, c.uow(), CLOCK)
    assert c.store.circles[c.circle.id].active_count == 4
    assert c.store.published == []


async def test_nobody_bans_the_owner_or_themself_and_only_the_owner_bans_a_moderator() -> None:
    c = CircleWithMembers()
    for target in (c.owner, c.mod):
        error = await _fails(
            ErrorCode.FORBIDDEN, ban_member(c.mod, c.circle.id, target, c.uow(), CLOCK)
        )
    assert error.message == "The owner can't be banned."
    other = c.join("mod2", Role.MODERATOR)
    error = await _fails(ErrorCode.FORBIDDEN, ban_member(c.mod, c.circle.id, other, c.uow(), CLOCK))
    assert error.message == "Only the owner can ban a moderator."
    await _fails(ErrorCode.NOT_FOUND, ban_member(c.mod, c.circle.id, uuid4(), c.uow(), CLOCK))
    assert c.store.moderation_log == []


# -- closing a circle -----------------------------------------------------------------


async def test_only_the_owner_closes_a_circle_for_everyone() -> None:
    c = CircleWithMembers()
    error = await _fails(ErrorCode.FORBIDDEN, delete_circle(c.mod, c.circle.id, c.uow()))
    assert error.message == "Only the circle's owner can delete it."
    await _fails(ErrorCode.FORBIDDEN, delete_circle(uuid4(), c.circle.id, c.uow()))
    await delete_circle(c.owner, c.circle.id, c.uow())
    assert c.circle.id not in c.store.circles
    assert [(e.kind, e.circle_id) for e in c.store.published] == [
        (EventKind.CIRCLE_CLOSED, c.circle.id)
    ]


# -- details found by mutation testing ------------------------------------------------


async def test_joining_records_when_and_tells_the_circle_who_joined() -> None:
    c = CircleWithMembers()
    newcomer = uuid4()
    joined = await join_circle(newcomer, c.circle.id, None, c.uow(), CLOCK, FakeRateLimiter())
    assert (joined.membership.created_at, joined.membership.updated_at) == (NOW, NOW)
    assert c.store.memberships[c.circle.id, newcomer].updated_at == NOW
    (event,) = c.store.published
    assert (event.kind, event.circle_id, event.subject_id) == (
        EventKind.MEMBER_JOINED,
        c.circle.id,
        newcomer,
    )
    error = await _fails(
        ErrorCode.NOT_FOUND,
        join_circle(newcomer, uuid4(), None, c.uow(), CLOCK, FakeRateLimiter()),
    )
    assert (error.message, error.field) == ("Circle was not found.", ("circleId",))


async def test_a_pending_member_with_an_invite_code_becomes_active_from_then() -> None:
    c = CircleWithMembers()
    _private(c)
    pending = c.join("cy", status=MembershipStatus.PENDING)
    _, code = await create_invite(
        c.mod, c.circle.id, 1, timedelta(hours=1), c.uow(), CLOCK, FakeRateLimiter()
    )
    later = FixedClock(NOW + timedelta(minutes=5))
    joined = await join_circle(pending, c.circle.id, code, c.uow(), later, FakeRateLimiter())
    assert joined.membership.status is MembershipStatus.ACTIVE
    assert joined.membership.updated_at == later.now()
    assert joined.membership.created_at == c.store.memberships[c.circle.id, pending].created_at


async def test_the_founders_membership_starts_when_the_circle_does() -> None:
    store, founder = FakeStore(), uuid4()
    cmd = CreateCircle(founder, "Night Owls", "", [Topic.ANXIETY], Visibility.PUBLIC)
    limiter = FakeRateLimiter()
    circle = await create_circle(cmd, FakeUnitOfWork(store), CLOCK, limiter)
    owner = store.memberships[circle.id, founder]
    assert (owner.created_at, owner.updated_at) == (NOW, NOW)
    assert limiter.hits == {(founder, Action.CIRCLE_CREATION): 1}
    second = await create_circle(cmd, FakeUnitOfWork(store), CLOCK, limiter)
    assert second.id != circle.id


async def test_a_change_is_checked_field_by_field() -> None:
    c = CircleWithMembers()
    cmd = UpdateCircle(
        c.owner, c.circle.id, description="x" * 501, guidelines="x" * 2001, topics=[]
    )
    assert await _invalid(update_circle(cmd, c.uow())) == [
        (ErrorCode.TOO_LONG, "This can have at most 500 characters.", ("input", "description")),
        (ErrorCode.TOO_LONG, "This can have at most 2000 characters.", ("input", "guidelines")),
        (ErrorCode.INVALID, "Choose at least one topic.", ("input", "topics")),
    ]


async def test_each_invite_has_its_own_96_bit_code_and_the_inviter_pays_the_slot() -> None:
    c = CircleWithMembers()
    limiter = FakeRateLimiter()
    first, code = await create_invite(
        c.mod, c.circle.id, 1, timedelta(hours=1), c.uow(), CLOCK, limiter
    )
    second, other = await create_invite(
        c.owner, c.circle.id, 1, timedelta(hours=1), c.uow(), CLOCK, limiter
    )
    assert len(code) == len(other) == 16  # 12 random bytes, URL-safe base64
    assert code != other
    assert first.id != second.id
    assert limiter.hits == {(c.mod, Action.INVITE): 1, (c.owner, Action.INVITE): 1}
