"""Who the nudge pass may wake for an unanswered post, and what the nudge says
(domain.support.services), over the in-memory fakes. In each world only bea can be
nudged unless a rule stops her; cal has no phone."""

from __future__ import annotations

from datetime import time, timedelta
from uuid import UUID, uuid4

from domain.circles.model import Circle, Topic
from domain.clock import FixedClock
from domain.notifications.model import (
    Notification,
    NotificationKind,
    NotificationPreferences,
    NotificationStatus,
    QuietHours,
)
from domain.posts.model import ContentWarning, Post
from domain.support import services
from domain.support.model import Nudge
from domain.support.rules import NUDGE_BODY
from tests.unit.fakes import FakeStore
from tests.unit.support.test_support_rules import NOW, _factory, _world

LATER = NOW + timedelta(minutes=20)


def _only_bea() -> tuple[FakeStore, dict[str, UUID], tuple[Circle, Post]]:
    store, circle, ids, post = _world()
    store.devices[ids["cal"]] = []
    return store, ids, (circle, post)


async def _pass(store: FakeStore) -> list[Nudge]:
    return await services.nudge_unanswered(_factory(store), FixedClock(LATER))


def _pushes(store: FakeStore, member: UUID, count: int, at: object) -> None:
    for n in range(count):
        notification = Notification(
            id=uuid4(),
            member_id=member,
            kind=NotificationKind.REPLY,
            title="t",
            body="b",
            data={},
            dedupe_key=f"x:{n}:{uuid4()}",
            created_at=at,  # type: ignore[arg-type]
            next_attempt_at=at,  # type: ignore[arg-type]
            status=NotificationStatus.SENT,
        )
        notification.sent_at = at  # type: ignore[assignment]
        store.notifications[notification.id] = notification


async def test_a_nudge_names_the_post_and_is_kept_with_its_number() -> None:
    store, ids, (circle, post) = _only_bea()
    (nudge,) = await _pass(store)
    assert (nudge.post_id, nudge.circle_id, nudge.member_id, nudge.seq, nudge.nudged_at) == (
        post.id,
        circle.id,
        ids["bea"],
        1,
        LATER,
    )
    assert store.nudges == [nudge]
    (n,) = store.notifications.values()
    assert (n.member_id, n.kind, n.body, n.collapse_key) == (
        ids["bea"],
        NotificationKind.SUPPORT_NUDGE,
        NUDGE_BODY,
        "support",
    )
    assert n.title == "Someone in one of your circles could use a reply"
    assert n.data == {"circleId": str(circle.id), "postId": str(post.id)}
    assert (n.created_at, n.next_attempt_at) == (LATER, LATER)


async def test_a_member_who_opted_in_sees_the_circles_name() -> None:
    store, ids, (circle, _) = _only_bea()
    store.notification_preferences[ids["bea"]] = NotificationPreferences(
        ids["bea"],
        named_circle_ids=frozenset({circle.id}),
    )
    await _pass(store)
    (n,) = store.notifications.values()
    assert n.title == "Someone in Calm could use a reply"


async def test_a_warning_on_a_never_named_topic_keeps_the_circle_unnamed() -> None:
    store, ids, (circle, post) = _only_bea()
    store.notification_preferences[ids["bea"]] = NotificationPreferences(
        ids["bea"],
        named_circle_ids=frozenset({circle.id}),
    )
    post.content_warning = ContentWarning((Topic.TRAUMA,), None)
    await _pass(store)
    (n,) = store.notifications.values()
    assert n.title == "Someone in one of your circles could use a reply"


async def test_a_member_a_moderator_muted_is_not_nudged() -> None:
    store, ids, (circle, _) = _only_bea()
    store.memberships[circle.id, ids["bea"]].muted_until = LATER + timedelta(hours=1)
    assert await _pass(store) == []
    store.memberships[circle.id, ids["bea"]].muted_until = LATER
    assert len(await _pass(store)) == 1


async def test_a_member_who_muted_the_posts_topic_is_not_nudged() -> None:
    store, ids, (_, post) = _only_bea()
    post.content_warning = ContentWarning((Topic.GRIEF,), None)
    store.topic_filters[ids["bea"]] = (Topic.GRIEF,)
    assert await _pass(store) == []
    store.topic_filters[ids["bea"]] = (Topic.ANXIETY,)
    assert len(await _pass(store)) == 1


async def test_a_member_in_quiet_hours_is_not_nudged() -> None:
    store, ids, _ = _only_bea()
    quiet = QuietHours(time(14, 0), time(15, 0))  # 14:20 UTC falls inside
    store.notification_preferences[ids["bea"]] = NotificationPreferences(
        ids["bea"], quiet_hours=quiet
    )
    assert await _pass(store) == []
    store.notification_preferences[ids["bea"]] = NotificationPreferences(
        ids["bea"], quiet_hours=QuietHours(time(15, 0), time(16, 0))
    )
    assert len(await _pass(store)) == 1


async def test_a_member_at_the_daily_push_cap_is_not_nudged() -> None:
    store, ids, _ = _only_bea()
    _pushes(store, ids["bea"], 20, LATER - timedelta(hours=1))
    assert await _pass(store) == []
    store2, ids2, _ = _only_bea()
    _pushes(store2, ids2["bea"], 19, LATER - timedelta(hours=1))
    _pushes(store2, ids2["bea"], 5, LATER - timedelta(days=1))  # yesterday's do not count
    assert len(await _pass(store2)) == 1


async def test_six_nudges_in_24_hours_are_the_most_a_member_gets() -> None:
    store, ids, (circle, _) = _only_bea()

    def nudges(count: int, ago: timedelta) -> list[Nudge]:
        return [
            Nudge(uuid4(), uuid4(), circle.id, ids["bea"], 1, LATER - ago) for _ in range(count)
        ]

    store.nudges = nudges(6, timedelta(hours=23))
    assert await _pass(store) == []
    store.nudges = nudges(5, timedelta(hours=23)) + nudges(3, timedelta(hours=24, minutes=1))
    assert len(await _pass(store)) == 1
