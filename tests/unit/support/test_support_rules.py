"""The support rules and use cases on their own, with the in-memory fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.circles.model import Circle, Membership, MembershipStatus, Role, Topic, Visibility
from domain.clock import FixedClock
from domain.errors import ValidationError
from domain.members.model import Member
from domain.notifications.model import Device, NotificationKind
from domain.notifications.push import Platform
from domain.posts.model import ContentWarning, Post, Reply
from domain.posts.services import _mark_answered
from domain.support import rules, services
from domain.support.model import Listener, SupportAvailability, WaitingPost
from tests.unit.fakes import FakeStore, FakeUnitOfWork

NOW = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)


def _post(created: datetime = NOW, **kw: object) -> Post:
    return Post(uuid4(), uuid4(), uuid4(), False, "body", created, **kw)  # type: ignore[arg-type]


def test_availability_must_end_in_the_future_within_twelve_hours() -> None:
    assert rules.check_until(NOW + timedelta(hours=12), NOW) == []
    assert rules.check_until(NOW + timedelta(minutes=1), NOW) == []
    for bad in (NOW, NOW - timedelta(seconds=1), NOW + timedelta(hours=12, seconds=1)):
        assert [e.field for e in rules.check_until(bad, NOW)] == [("input", "until")]
    naive = datetime(2026, 12, 5, 15, 0)
    assert [e.code.value for e in rules.check_until(naive, NOW)] == ["INVALID"]


def test_a_post_is_due_one_interval_after_it_was_posted_or_last_nudged() -> None:
    post = _post(NOW)
    waiting = WaitingPost(post, 20, 0, None)
    assert not rules.nudge_due(waiting, NOW + timedelta(minutes=19, seconds=59))
    assert rules.nudge_due(waiting, NOW + timedelta(minutes=20))
    nudged = WaitingPost(post, 20, 1, NOW + timedelta(minutes=20))
    assert not rules.nudge_due(nudged, NOW + timedelta(minutes=39))
    assert rules.nudge_due(nudged, NOW + timedelta(minutes=40))
    assert not rules.nudge_due(WaitingPost(post, 20, 3, NOW), NOW + timedelta(hours=2))
    assert not rules.nudge_due(waiting, NOW + rules.NUDGE_HORIZON + timedelta(seconds=1))


def test_never_nudged_members_go_first_then_the_least_recently_nudged() -> None:
    a, b, c = (UUID(int=n) for n in (3, 2, 1))
    order = rules.fair_order(
        [
            Listener(a, NOW - timedelta(hours=1), "UTC"),
            Listener(b, None, "UTC"),
            Listener(c, NOW - timedelta(hours=3), "UTC"),
        ]
    )
    assert [m.member_id for m in order] == [b, c, a]


def test_the_circle_is_named_only_when_opted_in_and_not_sensitive() -> None:
    generic = "Someone in one of your circles could use a reply"
    assert (
        rules.nudge_title("Calm", [Topic.ANXIETY], [], True) == "Someone in Calm could use a reply"
    )
    assert rules.nudge_title("Calm", [Topic.ANXIETY], [], False) == generic
    assert rules.nudge_title("Calm", [Topic.TRAUMA], [], True) == generic
    assert rules.nudge_title("Calm", [Topic.ANXIETY], [Topic.SUBSTANCE_USE], True) == generic


# -- the nudge pass, on fakes -------------------------------------------------------------


def _member(store: FakeStore, name: str) -> UUID:
    member_id = uuid4()
    store.members[member_id] = Member(member_id, name, name, "UTC", "GB", NOW, NOW, "1", NOW, NOW)
    return member_id


def _world() -> tuple[FakeStore, Circle, dict[str, UUID], Post]:
    """ann posted in a circle with bea and cal, who have phones and offered to listen."""
    store = FakeStore()
    ids = {name: _member(store, name) for name in ("ann", "bea", "cal")}
    circle = Circle(
        uuid4(), "Calm", "", (Topic.ANXIETY,), Visibility.PUBLIC, 30, "", NOW, ids["ann"]
    )
    store.circles[circle.id] = circle
    for name, member_id in ids.items():
        role = Role.OWNER if name == "ann" else Role.MEMBER
        store.memberships[(circle.id, member_id)] = Membership(
            circle.id, member_id, role, MembershipStatus.ACTIVE, NOW, NOW
        )
        if name != "ann":
            store.devices[member_id] = [
                Device(f"fid-{name}", member_id, Platform.ANDROID, "1", "en", NOW, NOW)
            ]
            store.availability[member_id] = SupportAvailability(
                member_id, (circle.id,), NOW + timedelta(hours=6), NOW
            )
    post = Post(uuid4(), circle.id, ids["ann"], False, "not OK", NOW)
    store.posts[post.id] = post
    return store, circle, ids, post


def _factory(store: FakeStore) -> Callable[[], FakeUnitOfWork]:
    return lambda: FakeUnitOfWork(store)


async def test_one_listener_is_nudged_with_a_deduplicated_outbox_row() -> None:
    store, _, ids, post = _world()
    sent = await services.nudge_unanswered(_factory(store), FixedClock(NOW + timedelta(minutes=20)))

    assert len(sent) == 1
    assert sent[0].member_id in {ids["bea"], ids["cal"]}
    (notification,) = store.notifications.values()
    assert notification.kind is NotificationKind.SUPPORT_NUDGE
    assert notification.dedupe_key == f"support-nudge:{post.id}:1"
    assert "not OK" not in notification.title + notification.body


async def test_two_passes_that_saw_the_same_due_post_send_one_nudge() -> None:
    store, _, _, post = _world()
    clock = FixedClock(NOW + timedelta(minutes=20))
    waiting = WaitingPost(post, 20, 0, None)
    first, second = FakeUnitOfWork(store), FakeUnitOfWork(store)
    async with first:
        one = await services._nudge_one(first, waiting, clock.now())
        await first.commit()
    async with second:  # a second worker that read the due list before the first wrote
        two = await services._nudge_one(second, waiting, clock.now())
    assert one is not None
    assert two is None
    assert len(store.nudges) == 1


async def test_nobody_who_cannot_read_the_post_or_is_blocked_is_nudged() -> None:
    store, circle, ids, _ = _world()
    store.blocks.add((ids["ann"], ids["bea"]))
    banned = store.memberships[(circle.id, ids["cal"])]
    store.memberships[(circle.id, ids["cal"])] = replace(banned, status=MembershipStatus.BANNED)

    sent = await services.nudge_unanswered(_factory(store), FixedClock(NOW + timedelta(hours=1)))

    assert sent == []
    assert store.notifications == {}


async def test_a_member_who_muted_the_topic_is_not_nudged() -> None:
    store, _, ids, post = _world()
    store.posts[post.id] = replace(post, content_warning=ContentWarning((Topic.GRIEF,)))
    store.topic_filters[ids["bea"]] = (Topic.GRIEF,)

    sent = await services.nudge_unanswered(_factory(store), FixedClock(NOW + timedelta(minutes=20)))

    assert [n.member_id for n in sent] == [ids["cal"]]


async def test_setting_availability_checks_circles_and_keeps_nothing_on_errors() -> None:
    store, circle, ids, _ = _world()
    store.availability.clear()
    other = uuid4()
    with pytest.raises(ValidationError) as refused:
        await services.set_availability(
            services.SetAvailability(ids["bea"], NOW + timedelta(hours=1), [other]),
            FakeUnitOfWork(store),
            FixedClock(NOW),
        )
    assert [e.field for e in refused.value.errors] == [("input", "circleIds")]
    assert store.availability == {}

    made = await services.set_availability(
        services.SetAvailability(ids["bea"], NOW + timedelta(hours=1)),
        FakeUnitOfWork(store),
        FixedClock(NOW),
    )
    assert made.circle_ids == (circle.id,)
    assert made.all_circles


async def test_the_first_reply_from_someone_else_is_recorded_once_and_announced() -> None:
    store, _, ids, post = _world()
    own = Reply(uuid4(), post.id, post.circle_id, ids["ann"], False, "me again", NOW)
    other = Reply(
        uuid4(), post.id, post.circle_id, ids["bea"], False, "here", NOW + timedelta(minutes=3)
    )
    uow = FakeUnitOfWork(store)
    async with uow:
        await _mark_answered(uow, post, own)
        assert post.first_reply_at is None
        await _mark_answered(uow, post, other)
        await uow.commit()
    assert store.posts[post.id].first_reply_at == other.created_at
    kinds = {(e.kind.value, e.member_id) for e in store.published}
    assert kinds == {("AwaitingSupportChanged", ids["bea"]), ("AwaitingSupportChanged", ids["cal"])}
