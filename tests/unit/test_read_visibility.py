"""Who sees what on the read side of circles, memberships, members and shared check-ins
(domain/<area>/reads.py and domain/circles/visibility.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from domain.checkins.model import Emotion
from domain.checkins.reads import (
    SharedCheckInView,
    ShareSnapshot,
    live_share,
    may_see_share,
    sees_withdrawal,
)
from domain.circles.model import Membership, MembershipStatus, Role
from domain.circles.reads import MemberEventSnapshot, MembershipView, sees_member_event
from domain.circles.visibility import may_see_membership, visible_membership
from domain.members.model import Member
from domain.members.reads import NO_OWN_DETAILS, PublicProfile, own_details, public_profile

NOW = datetime(2026, 12, 1, tzinfo=UTC)
CIRCLE = uuid4()


def membership(
    role: Role = Role.MEMBER, status: MembershipStatus = MembershipStatus.ACTIVE
) -> Membership:
    return Membership(CIRCLE, uuid4(), role, status, NOW, NOW)


def profile(member_id: UUID) -> PublicProfile:
    return PublicProfile(member_id, "Wren", None, None, NOW)


def view(status: MembershipStatus, member_id: UUID | None = None) -> MembershipView:
    return MembershipView(CIRCLE, profile(member_id or uuid4()), Role.MEMBER, status, NOW)


@pytest.mark.parametrize(
    ("viewers", "active", "other"),
    [
        (None, False, False),
        (membership(status=MembershipStatus.PENDING), False, False),
        (membership(status=MembershipStatus.BANNED), False, False),
        (membership(), True, False),
        (membership(Role.MODERATOR), True, True),
        (membership(Role.OWNER), True, True),
    ],
)
def test_active_memberships_for_members_the_rest_for_moderators(
    viewers: Membership | None, active: bool, other: bool
) -> None:
    viewer = uuid4()
    assert may_see_membership(viewer, viewers, uuid4(), MembershipStatus.ACTIVE) is active
    for status in (MembershipStatus.PENDING, MembershipStatus.BANNED):
        assert may_see_membership(viewer, viewers, uuid4(), status) is other
        assert may_see_membership(viewer, viewers, viewer, status)  # always one's own


def test_a_visible_membership_is_hidden_between_members_in_a_block() -> None:
    viewer, found = uuid4(), view(MembershipStatus.ACTIVE)
    assert visible_membership(found, viewer, membership(), set()) is found
    assert visible_membership(found, viewer, membership(), {found.member_id}) is None
    assert visible_membership(None, viewer, membership(), set()) is None
    assert visible_membership(view(MembershipStatus.PENDING), viewer, membership(), set()) is None


def test_a_share_is_seen_by_active_members_outside_a_block() -> None:
    sharer = uuid4()
    share = SharedCheckInView(uuid4(), CIRCLE, profile(sharer), 3, (Emotion.CALM,), NOW, NOW)
    assert may_see_share(share, membership(), set())
    assert not may_see_share(share, membership(), {sharer})
    assert not may_see_share(share, membership(status=MembershipStatus.PENDING), set())
    assert not may_see_share(share, None, set())
    assert not may_see_share(None, membership(), set())
    assert not hasattr(share, "note")


def test_timezone_and_region_only_for_the_member_themself() -> None:
    member = Member(uuid4(), "uid", "Wren", "Europe/London", "GB", NOW, NOW, "v", NOW, NOW)
    assert own_details(member, member.id).timezone == "Europe/London"
    assert own_details(member, member.id).region == "GB"
    assert own_details(member, uuid4()) is NO_OWN_DETAILS
    assert own_details(member, None) is NO_OWN_DETAILS
    assert public_profile(member) == PublicProfile(member.id, "Wren", None, None, NOW)


# --- live events: a snapshot read once, each subscriber's view made from it -------------


@pytest.mark.parametrize("direction", ["viewer blocked them", "they blocked the viewer"])
def test_a_join_or_leave_is_not_shown_across_a_block_either_way(direction: str) -> None:
    viewer, joiner, bystander = uuid4(), uuid4(), uuid4()
    pair = (viewer, joiner) if direction == "viewer blocked them" else (joiner, viewer)
    snapshot = MemberEventSnapshot(joiner, profile(joiner), 3, (pair,))
    assert not sees_member_event(snapshot, viewer)
    assert sees_member_event(snapshot, bystander)


def test_a_live_share_is_shown_to_all_but_those_in_a_block_with_the_sharer() -> None:
    sharer, blocker, bystander = uuid4(), uuid4(), uuid4()
    share = SharedCheckInView(uuid4(), CIRCLE, profile(sharer), 3, (Emotion.CALM,), NOW, NOW)
    snapshot = ShareSnapshot(share, ((blocker, sharer),))
    assert live_share(snapshot, bystander) is share
    assert live_share(snapshot, blocker) is None
    assert live_share(ShareSnapshot(None, ()), bystander) is None  # gone before it was read


def test_only_those_who_could_see_a_share_hear_that_it_was_withdrawn() -> None:
    sharer, blocked, bystander = uuid4(), uuid4(), uuid4()
    pairs = ((sharer, blocked),)
    assert sees_withdrawal(sharer, bystander, pairs)
    assert not sees_withdrawal(sharer, blocked, pairs)
