"""Notification use cases over the in-memory fakes: devices, preferences, naming a
circle in pushes, the reply and reaction notifications (who gets one, what it says,
collapsing, muted topics, blocks) and marking the inbox read."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID, uuid4

import pytest

from domain.circles.model import MembershipStatus, Topic
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import EventKind
from domain.idempotency import check_key
from domain.notifications.model import (
    Notification,
    NotificationKind,
    NotificationPreferences,
    NotificationStatus,
    QuietHours,
)
from domain.notifications.push import Platform
from domain.notifications.services import mark_read, notify_reaction, notify_reply
from domain.notifications.settings import (
    NameCircleInPushes,
    RegisterDevice,
    UpdatePreferences,
    name_circle_in_pushes,
    register_device,
    unregister_device,
    update_preferences,
)
from domain.posts.model import ContentWarning, Post, ReactionKind, Reply
from tests.unit.fakes import SINCE, CircleWithMembers, FakeUnitOfWork

NOW = SINCE + timedelta(hours=2)
CLOCK = FixedClock(NOW)


async def _fails(code: ErrorCode, awaitable: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        await awaitable  # type: ignore[misc]
    assert raised.value.code is code
    return raised.value


# -- devices --------------------------------------------------------------------------


FID = " fid-1 "


def _device(member: UUID, token: str = FID, **kw: str) -> RegisterDevice:
    return RegisterDevice(
        member, token, Platform.IOS, kw.get("app_version", "1.2.3"), kw.get("locale", "en-GB")
    )


async def test_a_device_is_registered_for_one_member_and_moves_with_its_fid() -> None:
    c = CircleWithMembers()
    device = await register_device(_device(c.ada), c.uow(), CLOCK)
    assert (device.token, device.member_id, device.platform) == ("fid-1", c.ada, Platform.IOS)
    assert (device.app_version, device.locale, device.created_at, device.last_seen_at) == (
        "1.2.3",
        "en-GB",
        NOW,
        NOW,
    )
    assert c.store.devices[c.ada] == [device]
    await register_device(_device(c.bo), c.uow(), CLOCK)
    assert c.store.devices[c.ada] == []
    assert [d.member_id for d in c.store.devices[c.bo]] == [c.bo]


async def test_past_ten_devices_the_least_recently_seen_goes() -> None:
    c = CircleWithMembers()
    for n in range(11):
        clock = FixedClock(NOW + timedelta(minutes=n))
        await register_device(_device(c.ada, f"fid-{n}"), c.uow(), clock)
    assert sorted(d.token for d in c.store.devices[c.ada]) == sorted(
        f"fid-{n}" for n in range(1, 11)
    )


async def test_a_device_registration_is_checked_field_by_field() -> None:
    c = CircleWithMembers()
    bad = _device(c.ada, "   ", app_version="x" * 41, locale="x" * 36)
    with pytest.raises(ValidationError) as raised:
        await register_device(bad, c.uow(), CLOCK)
    assert [(e.code, e.message, e.field) for e in raised.value.errors] == [
        (ErrorCode.INVALID, "That device identifier is not valid.", ("input", "token")),
        (ErrorCode.TOO_LONG, "At most 40 characters.", ("input", "appVersion")),
        (ErrorCode.TOO_LONG, "At most 35 characters.", ("input", "locale")),
    ]
    with pytest.raises(ValidationError):
        await register_device(_device(c.ada, "x" * 256), c.uow(), CLOCK)
    longest = _device(c.ada, "x" * 255, app_version="x" * 40, locale="x" * 35)
    await register_device(longest, c.uow(), CLOCK)
    assert [d.token for d in c.store.devices[c.ada]] == ["x" * 255]


async def test_signing_out_forgets_only_the_members_own_device() -> None:
    c = CircleWithMembers()
    await register_device(_device(c.ada), c.uow(), CLOCK)
    assert not await unregister_device(c.bo, "fid-1", c.uow())
    assert await unregister_device(c.ada, " fid-1 ", c.uow())
    assert not await unregister_device(c.ada, "fid-1", c.uow())
    assert c.store.devices[c.ada] == []


# -- preferences ----------------------------------------------------------------------


async def test_preferences_change_only_what_is_given() -> None:
    c = CircleWithMembers()
    first = await update_preferences(
        UpdatePreferences(c.ada, replies=False, quiet_start="22:00", quiet_end="07:30"),
        c.uow(),
        CLOCK,
    )
    assert (first.replies, first.reactions, first.updated_at) == (False, True, NOW)
    assert first.quiet_hours == QuietHours(time(22), time(7, 30))
    later = FixedClock(NOW + timedelta(hours=1))
    second = await update_preferences(
        UpdatePreferences(
            c.ada,
            reactions=False,
            circle_activity=False,
            check_in_reminders=False,
            show_previews=True,
            moderation_decisions=True,
        ),
        c.uow(),
        later,
    )
    assert (second.replies, second.reactions, second.circle_activity) == (False, False, False)
    assert (second.check_in_reminders, second.show_previews, second.moderation_decisions) == (
        False,
        True,
        True,
    )
    assert second.quiet_hours == first.quiet_hours
    assert second.updated_at == later.now()
    cleared = await update_preferences(
        UpdatePreferences(c.ada, quiet_start="01:00", quiet_end="02:00", clear_quiet_hours=True),
        c.uow(),
        CLOCK,
    )
    assert cleared.quiet_hours is None
    assert c.store.notification_preferences[c.ada] == cleared


async def test_quiet_hours_need_both_times_in_hh_mm() -> None:
    c = CircleWithMembers()
    with pytest.raises(ValidationError) as raised:
        await update_preferences(UpdatePreferences(c.ada, quiet_start="10pm"), c.uow(), CLOCK)
    assert [(e.code, e.field) for e in raised.value.errors] == [
        (ErrorCode.INVALID, ("input", "quietHours", "start")),
        (ErrorCode.INVALID, ("input", "quietHours", "end")),
    ]
    assert raised.value.message == 'Use 24-hour "HH:MM" local times, e.g. "22:00".'
    assert c.ada not in c.store.notification_preferences


async def test_a_member_names_a_circle_in_pushes_and_stops() -> None:
    c = CircleWithMembers()
    on = await name_circle_in_pushes(NameCircleInPushes(c.ada, c.circle.id, True), c.uow(), CLOCK)
    assert (on.named_circle_ids, on.updated_at) == (frozenset({c.circle.id}), NOW)
    off = await name_circle_in_pushes(NameCircleInPushes(c.ada, c.circle.id, False), c.uow(), CLOCK)
    assert off.named_circle_ids == frozenset()
    assert c.store.notification_preferences[c.ada].named_circle_ids == frozenset()


async def test_a_sensitive_circle_is_never_named_and_only_members_choose() -> None:
    c = CircleWithMembers()
    c.circle.topics = (Topic.ANXIETY, Topic.TRAUMA)
    error = await _fails(
        ErrorCode.INVALID,
        name_circle_in_pushes(NameCircleInPushes(c.ada, c.circle.id, True), c.uow(), CLOCK),
    )
    assert error.message == (
        "Circles about self-harm recovery, trauma, eating disorders or substance use are "
        "never named on a lock screen."
    )
    assert error.field == ("input", "show")
    await name_circle_in_pushes(NameCircleInPushes(c.ada, c.circle.id, False), c.uow(), CLOCK)
    error = await _fails(
        ErrorCode.NOT_FOUND,
        name_circle_in_pushes(NameCircleInPushes(uuid4(), c.circle.id, False), c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("Circle was not found.", ("input", "circleId"))


# -- replies --------------------------------------------------------------------------


def _reply(c: CircleWithMembers, post: Post, author: UUID, anonymous: bool = False) -> Reply:
    reply = Reply(uuid4(), post.id, c.circle.id, author, anonymous, "I hear you.", NOW)
    c.store.replies[reply.id] = reply
    return reply


async def _notify(c: CircleWithMembers, post: Post, reply: Reply, at: object = NOW) -> None:
    uow = c.uow()
    async with uow:
        await notify_reply(uow, post, reply, at)  # type: ignore[arg-type]
        await uow.commit()


async def test_the_post_author_hears_of_a_reply_without_the_circle_or_words_by_default() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    reply = _reply(c, post, c.bo)
    await _notify(c, post, reply)
    (n,) = c.store.notifications.values()
    assert (n.member_id, n.kind, n.title, n.body) == (
        c.ada,
        NotificationKind.REPLY,
        "Someone replied to you",
        "Open Hearth to read it.",
    )
    assert n.data == {
        "circleId": str(c.circle.id),
        "postId": str(post.id),
        "replyId": str(reply.id),
    }
    assert [(e.kind, e.member_id, e.subject_id) for e in c.store.published] == [
        (EventKind.NOTIFICATION_CREATED, c.ada, n.id)
    ]


async def test_an_opted_in_author_sees_the_circle_and_the_named_repliers_words() -> None:
    c = CircleWithMembers()
    c.store.notification_preferences[c.ada] = NotificationPreferences(
        c.ada, show_previews=True, named_circle_ids=frozenset({c.circle.id})
    )
    post = c.post(c.ada)
    await _notify(c, post, _reply(c, post, c.bo))
    await _notify(c, post, _reply(c, post, c.mod, anonymous=True), NOW + timedelta(hours=1))
    named, anonymous = sorted(c.store.notifications.values(), key=lambda n: n.created_at)
    assert (named.title, named.body) == ("New reply in Evening Calm", "Bo: I hear you.")
    assert (anonymous.title, anonymous.body) == (
        "New reply in Evening Calm",
        "Open Hearth to read it.",
    )


async def test_no_reply_notice_for_your_own_reply_after_leaving_or_across_a_block() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _notify(c, post, _reply(c, post, c.ada))
    c.store.blocks = {(c.bo, c.ada)}
    await _notify(c, post, _reply(c, post, c.bo))
    c.store.memberships[c.circle.id, c.ada].status = MembershipStatus.BANNED
    await _notify(c, post, _reply(c, post, c.mod))
    assert c.store.notifications == {}


async def test_replies_close_together_collapse_into_one_notice() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _notify(c, post, _reply(c, post, c.bo))
    await _notify(c, post, _reply(c, post, c.mod), NOW + timedelta(minutes=1))
    (n,) = c.store.notifications.values()
    assert n.title == "2 new replies to your post"
    assert len(c.store.published) == 2  # the inbox hears of the recount too


async def test_a_reply_on_a_muted_topic_waits_in_the_inbox() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada, content_warning=ContentWarning((Topic.GRIEF,), None))
    c.store.topic_filters[c.ada] = (Topic.GRIEF,)
    await _notify(c, post, _reply(c, post, c.bo))
    (n,) = c.store.notifications.values()
    assert n.status is NotificationStatus.INBOX_ONLY


# -- reactions ------------------------------------------------------------------------


async def _react(
    c: CircleWithMembers, target: Post | Reply, who: UUID, kind: ReactionKind, minutes: int = 0
) -> None:
    at = NOW + timedelta(minutes=minutes)
    uow = c.uow()
    async with uow:
        await uow.reactions.add(target.id, target.circle_id, who, kind, at)
        await notify_reaction(uow, target, who, at)
        await uow.commit()


async def test_reactions_within_the_hour_become_one_recounted_notice() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _react(c, post, c.bo, ReactionKind.HUG)
    (n,) = c.store.notifications.values()
    assert (n.member_id, n.kind) == (c.ada, NotificationKind.REACTION)
    assert (n.title, n.count) == ("Someone sent you a hug", 1)
    await _react(c, post, c.mod, ReactionKind.HUG, 10)
    (n,) = c.store.notifications.values()
    assert (n.title, n.count) == ("2 people sent you a hug", 2)
    await _react(c, post, c.mod, ReactionKind.ME_TOO, 20)  # the same person again
    (n,) = c.store.notifications.values()
    assert n.count == 2
    await _react(c, post, c.owner, ReactionKind.HUG, 61)  # a new hour: a new notice
    assert len(c.store.notifications) == 2


async def test_no_reaction_notice_for_yourself_across_a_block_after_leaving_or_when_off() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _react(c, post, c.ada, ReactionKind.HUG)
    c.store.blocks = {(c.ada, c.bo)}
    await _react(c, post, c.bo, ReactionKind.HUG)
    c.store.notification_preferences[c.ada] = NotificationPreferences(c.ada, reactions=False)
    await _react(c, post, c.mod, ReactionKind.HUG)
    assert c.store.notifications == {}
    reply = c.reply(c.owner)
    c.store.memberships.pop((c.circle.id, c.owner))
    await _react(c, reply, c.mod, ReactionKind.HUG)
    assert c.store.notifications == {}


# -- the inbox ------------------------------------------------------------------------


async def test_marking_read_touches_only_the_members_own_notices() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _notify(c, post, _reply(c, post, c.bo))
    other = c.post(c.bo)
    await _notify(c, other, _reply(c, other, c.ada))
    mine = [n.id for n in c.store.notifications.values() if n.member_id == c.ada]
    marked = await mark_read(c.ada, None, c.uow(), CLOCK)
    assert (marked.changed, marked.unread) == (1, 0)
    assert all((n.read_at == NOW) == (n.id in mine) for n in c.store.notifications.values())
    assert (EventKind.NOTIFICATIONS_READ, c.ada) in [
        (e.kind, e.member_id) for e in c.store.published
    ]
    again = await mark_read(c.ada, mine, c.uow(), CLOCK)
    assert again.changed == 0


async def test_reactions_either_side_of_the_hour_still_make_one_notice() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _react(c, post, c.bo, ReactionKind.HUG, -10)  # 10:50
    await _react(c, post, c.mod, ReactionKind.STRENGTH, 10)  # 11:10, within the hour
    (n,) = c.store.notifications.values()
    assert n.count == 2
    assert n.title == "2 people reacted to your post"


# -- details found by mutation testing ------------------------------------------------


async def test_a_member_who_turned_replies_off_gets_no_reply_notice() -> None:
    c = CircleWithMembers()
    c.store.notification_preferences[c.ada] = NotificationPreferences(c.ada, replies=False)
    post = c.post(c.ada)
    await _notify(c, post, _reply(c, post, c.bo))
    assert c.store.notifications == {}


async def test_a_warned_post_whose_topic_the_author_did_not_mute_is_pushed() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada, content_warning=ContentWarning((Topic.GRIEF,), None))
    c.store.topic_filters[c.ada] = (Topic.ANXIETY,)
    await _notify(c, post, _reply(c, post, c.bo))
    (n,) = c.store.notifications.values()
    assert n.status is NotificationStatus.PENDING


async def test_collapsed_replies_keep_the_circles_name_when_it_may_be_shown() -> None:
    c = CircleWithMembers()
    c.store.notification_preferences[c.ada] = NotificationPreferences(
        c.ada, named_circle_ids=frozenset({c.circle.id})
    )
    post = c.post(c.ada)
    await _notify(c, post, _reply(c, post, c.bo))
    await _notify(c, post, _reply(c, post, c.mod), NOW + timedelta(minutes=1))
    (n,) = c.store.notifications.values()
    assert (n.title, n.body, n.count) == (
        "2 new replies in Evening Calm",
        "Open Hearth to read them.",
        2,
    )


async def test_the_authors_own_reactions_never_count() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    uow = c.uow()
    async with uow:
        await uow.reactions.add(post.id, c.circle.id, c.ada, ReactionKind.HUG, NOW)
        await uow.commit()
    await _react(c, post, c.bo, ReactionKind.HUG, 1)
    await _react(c, post, c.mod, ReactionKind.HUG, 2)
    (n,) = c.store.notifications.values()
    assert (n.count, n.title) == (2, "2 people sent you a hug")


async def test_a_second_kind_from_the_same_person_retitles_the_notice_on_a_reply() -> None:
    c = CircleWithMembers()
    reply = c.reply(c.ada)
    await _react(c, reply, c.bo, ReactionKind.HUG)
    events = len(c.store.published)
    await _react(c, reply, c.bo, ReactionKind.HUG, 1)  # nothing new: no recount, no event
    assert len(c.store.published) == events
    await _react(c, reply, c.bo, ReactionKind.STRENGTH, 2)
    (n,) = c.store.notifications.values()
    assert (n.count, n.title) == (1, "Someone reacted to your reply")
    assert len(c.store.published) == events + 1


async def test_a_reaction_written_by_a_racing_worker_is_recounted_not_duplicated() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await _react(c, post, c.bo, ReactionKind.HUG)

    class _FirstReadMisses(FakeUnitOfWork):
        async def __aenter__(self) -> _FirstReadMisses:
            await super().__aenter__()
            latest = self.notifications.latest_by_collapse_key
            calls: list[int] = []

            async def racing(member_id: UUID, key: str, since: datetime) -> Notification | None:
                calls.append(1)
                return None if len(calls) == 1 else await latest(member_id, key, since)

            self.notifications.latest_by_collapse_key = racing  # type: ignore[method-assign]
            return self

    uow = _FirstReadMisses(c.store)
    at = NOW + timedelta(minutes=5)
    async with uow:
        await uow.reactions.add(post.id, c.circle.id, c.mod, ReactionKind.HUG, at)
        await notify_reaction(uow, post, c.mod, at)
        await uow.commit()
    (n,) = c.store.notifications.values()
    assert (n.count, n.title) == (2, "2 people sent you a hug")


async def test_marking_some_notices_read_leaves_the_rest_unread() -> None:
    c = CircleWithMembers()
    first, second = c.post(c.ada), c.post(c.ada)
    await _notify(c, first, _reply(c, first, c.bo))
    await _notify(c, second, _reply(c, second, c.bo), NOW + timedelta(hours=1))
    some = [n.id for n in c.store.notifications.values() if n.data["postId"] == str(first.id)]
    marked = await mark_read(c.ada, some, c.uow(), CLOCK)
    assert (marked.changed, marked.unread) == (1, 1)


def test_a_key_of_one_character_is_enough() -> None:
    assert check_key("x", ("idempotencyKey",)) == "x"
