"""Moderation use cases over the in-memory fakes: blocking, muting topics, reporting,
and what owners and moderators do (hide and restore content, remove, unban and mute
members, resolve reports): the role rules, the log, and the notice the member gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.checkins.model import CheckIn
from domain.circles.model import Membership, MembershipStatus, Role, Topic
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode
from domain.events import EventKind
from domain.moderation import actions
from domain.moderation.blocks import (
    block_member,
    is_blocked_between,
    mute_topics,
    unblock_member,
)
from domain.moderation.model import (
    GUIDELINES,
    ModerationActionKind,
    ReportDecision,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.moderation.reports import FileReport, file_report
from domain.notifications.model import (
    NotificationKind,
    NotificationPreferences,
    NotificationStatus,
)
from domain.ratelimits.policy import Action, RateLimited
from domain.safety.model import RiskLevel
from domain.safety.team import TargetKind
from tests.unit.fakes import CircleWithMembers, FakeRateLimiter

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)
CLOCK = FixedClock(NOW)


async def _fails(code: ErrorCode, awaitable: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        await awaitable  # type: ignore[misc]
    assert raised.value.code is code
    return raised.value


# -- blocking and muted topics --------------------------------------------------------


async def test_a_member_blocks_and_unblocks_another_silently() -> None:
    c = CircleWithMembers()
    await block_member(c.ada, c.bo, c.uow(), CLOCK)
    assert c.store.blocks == {(c.ada, c.bo)}
    assert await is_blocked_between(c.uow(), c.bo, c.ada)
    assert await is_blocked_between(c.uow(), c.ada, c.bo)
    assert not await is_blocked_between(c.uow(), c.ada, c.ada)
    assert not await is_blocked_between(c.uow(), c.ada, c.mod)
    assert c.store.notifications == {}
    await unblock_member(c.ada, c.bo, c.uow())
    assert c.store.blocks == set()


async def test_blocking_twice_yourself_or_nobody_and_unblocking_nobody_are_refused() -> None:
    c = CircleWithMembers()
    error = await _fails(ErrorCode.SELF_TARGET, block_member(c.ada, c.ada, c.uow(), CLOCK))
    assert (error.message, error.field) == ("You can't block yourself.", ("memberId",))
    error = await _fails(ErrorCode.NOT_FOUND, block_member(c.ada, uuid4(), c.uow(), CLOCK))
    assert (error.message, error.field) == ("Member was not found.", ("memberId",))
    await block_member(c.ada, c.bo, c.uow(), CLOCK)
    error = await _fails(ErrorCode.ALREADY_BLOCKED, block_member(c.ada, c.bo, c.uow(), CLOCK))
    assert (error.message, error.field) == ("You already blocked this member.", ("memberId",))
    error = await _fails(ErrorCode.NOT_BLOCKED, unblock_member(c.bo, c.ada, c.uow()))
    assert (error.message, error.field) == ("You have not blocked this member.", ("memberId",))
    assert c.store.blocks == {(c.ada, c.bo)}


async def test_muted_topics_replace_the_last_choice_once_each_in_order() -> None:
    c = CircleWithMembers()
    topics = [Topic.DEPRESSION, Topic.ANXIETY, Topic.DEPRESSION]
    muted = await mute_topics(c.ada, topics, c.uow(), CLOCK)
    assert muted == (Topic.DEPRESSION, Topic.ANXIETY)
    assert c.store.topic_filters[c.ada] == muted
    assert await mute_topics(c.ada, [], c.uow(), CLOCK) == ()
    assert c.store.topic_filters[c.ada] == ()


# -- reports --------------------------------------------------------------------------


def _report(
    reporter: UUID,
    target_type: TargetType,
    target: UUID,
    reason: ReportReason = ReportReason.SPAM,
    note: str | None = None,
    circle_id: UUID | None = None,
) -> FileReport:
    return FileReport(reporter, target_type, target, reason, note, circle_id)


async def test_a_report_on_a_post_names_its_author_and_circle_for_moderators() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo, anonymous=True)
    cmd = _report(c.ada, TargetType.POST, post.id, ReportReason.HATE, "  mean words  ")
    report = await file_report(cmd, c.uow(), CLOCK, FakeRateLimiter())
    assert (report.circle_id, report.reporter_id, report.target_member_id) == (
        c.circle.id,
        c.ada,
        c.bo,
    )
    assert (report.target_type, report.target_id, report.reason) == (
        TargetType.POST,
        post.id,
        ReportReason.HATE,
    )
    assert (report.note, report.created_at, report.status) == ("mean words", NOW, ReportStatus.OPEN)
    assert report.safety_review is False
    assert c.store.reports == {report.id: report}
    assert c.store.safety_items == {}


async def test_a_report_on_a_reply_and_on_a_member() -> None:
    c = CircleWithMembers()
    reply = c.reply(c.bo)
    on_reply = await file_report(
        _report(c.ada, TargetType.REPLY, reply.id), c.uow(), CLOCK, FakeRateLimiter()
    )
    assert (on_reply.target_member_id, on_reply.note) == (c.bo, None)
    cmd = _report(c.ada, TargetType.MEMBER, c.bo, circle_id=c.circle.id)
    on_member = await file_report(cmd, c.uow(), CLOCK, FakeRateLimiter())
    assert (on_member.circle_id, on_member.target_member_id) == (c.circle.id, c.bo)


@pytest.mark.parametrize(
    ("reason", "level"),
    [
        (ReportReason.SUICIDE_RISK, RiskLevel.URGENT),
        (ReportReason.SELF_HARM_RISK, RiskLevel.CONCERN),
    ],
)
@pytest.mark.parametrize(
    ("target_type", "kind"),
    [
        (TargetType.POST, TargetKind.POST),
        (TargetType.REPLY, TargetKind.REPLY),
        (TargetType.MEMBER, TargetKind.MEMBER),
    ],
)
async def test_safety_reports_reach_the_safety_teams_queue(
    reason: ReportReason, level: RiskLevel, target_type: TargetType, kind: TargetKind
) -> None:
    c = CircleWithMembers()
    target = {
        TargetType.POST: lambda: c.post(c.bo).id,
        TargetType.REPLY: lambda: c.reply(c.bo).id,
        TargetType.MEMBER: lambda: c.bo,
    }[target_type]()
    cmd = _report(c.ada, target_type, target, reason, circle_id=c.circle.id)
    report = await file_report(cmd, c.uow(), CLOCK, FakeRateLimiter())
    assert report.safety_review is True
    (item,) = c.store.safety_items.values()
    assert (item.target_kind, item.target_id, item.circle_id, item.author_id) == (
        kind,
        target,
        c.circle.id,
        c.bo,
    )
    assert (item.level, item.reasons) == (level, (f"peer report: {reason.value}",))


async def test_reporting_yourself_twice_or_what_you_cannot_see_is_refused() -> None:
    c = CircleWithMembers()
    limiter = FakeRateLimiter()
    own = c.post(c.ada)
    error = await _fails(
        ErrorCode.SELF_TARGET,
        file_report(_report(c.ada, TargetType.POST, own.id), c.uow(), CLOCK, limiter),
    )
    assert (error.message, error.field) == (
        "You can't report yourself or your own posts.",
        ("targetId",),
    )
    post = c.post(c.bo)
    await file_report(_report(c.ada, TargetType.POST, post.id), c.uow(), CLOCK, limiter)
    error = await _fails(
        ErrorCode.ALREADY_REPORTED,
        file_report(_report(c.ada, TargetType.POST, post.id), c.uow(), CLOCK, limiter),
    )
    assert (error.message, error.field) == (
        "You already reported this; moderators will look at it.",
        ("targetId",),
    )
    outsider = uuid4()
    error = await _fails(
        ErrorCode.NOT_FOUND,
        file_report(_report(outsider, TargetType.POST, post.id), c.uow(), CLOCK, limiter),
    )
    assert (error.message, error.field) == ("Post or reply was not found.", ("targetId",))
    removed = c.post(c.bo, removed_at=NOW)
    await _fails(
        ErrorCode.NOT_FOUND,
        file_report(_report(c.ada, TargetType.POST, removed.id), c.uow(), CLOCK, limiter),
    )
    await _fails(
        ErrorCode.NOT_FOUND,
        file_report(_report(c.ada, TargetType.REPLY, uuid4()), c.uow(), CLOCK, limiter),
    )
    assert len(c.store.reports) == 1


async def test_a_member_report_needs_its_circle_and_both_members_in_it() -> None:
    c = CircleWithMembers()
    limiter = FakeRateLimiter()
    error = await _fails(
        ErrorCode.INVALID,
        file_report(_report(c.ada, TargetType.MEMBER, c.bo), c.uow(), CLOCK, limiter),
    )
    assert (error.message, error.field) == ("Say in which circle this happened.", ("circleId",))
    for reporter, target in ((uuid4(), c.bo), (c.ada, uuid4())):
        cmd = _report(reporter, TargetType.MEMBER, target, circle_id=c.circle.id)
        error = await _fails(ErrorCode.NOT_FOUND, file_report(cmd, c.uow(), CLOCK, limiter))
        assert (error.message, error.field) == ("Member was not found.", ("targetId",))


async def test_a_report_note_is_at_most_500_characters() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    cmd = _report(c.ada, TargetType.POST, post.id, note="x" * 501)
    error = await _fails(ErrorCode.TOO_LONG, file_report(cmd, c.uow(), CLOCK, FakeRateLimiter()))
    assert (error.message, error.field) == ("Keep the note under 500 characters.", ("note",))
    cmd = _report(c.ada, TargetType.POST, post.id, note="x" * 500)
    assert (await file_report(cmd, c.uow(), CLOCK, FakeRateLimiter())).note == "x" * 500


async def test_reports_are_rate_limited_before_the_target_is_looked_up() -> None:
    c = CircleWithMembers()
    limiter = FakeRateLimiter({Action.REPORT: 1})
    await _fails(
        ErrorCode.NOT_FOUND,
        file_report(_report(c.ada, TargetType.POST, uuid4()), c.uow(), CLOCK, limiter),
    )
    with pytest.raises(RateLimited):
        await file_report(_report(c.ada, TargetType.POST, c.post(c.bo).id), c.uow(), CLOCK, limiter)


# -- hiding and restoring content -----------------------------------------------------


async def test_a_moderator_hides_a_post_the_author_is_told_why_and_it_is_logged() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    c.store.notification_preferences[c.bo] = NotificationPreferences(
        c.bo, moderation_decisions=True
    )
    action = await actions.hide_content(
        c.mod, post.id, ReportReason.SPAM, "  Please stop.  ", c.uow(), CLOCK
    )
    hidden = c.store.posts[post.id]
    assert (hidden.hidden_at, hidden.hidden_by) == (NOW, c.mod)
    assert hidden.hidden_reason == f"{GUIDELINES[ReportReason.SPAM]} Please stop."
    assert c.store.moderation_log == [action]
    assert (action.kind, action.actor_id, action.circle_id) == (
        ModerationActionKind.HIDE_CONTENT,
        c.mod,
        c.circle.id,
    )
    assert (action.target_type, action.target_id, action.target_member_id) == (
        TargetType.POST,
        post.id,
        c.bo,
    )
    assert (action.reason, action.message, action.created_at) == (
        ReportReason.SPAM,
        "Please stop.",
        NOW,
    )
    (notice,) = c.store.notifications.values()
    assert notice.member_id == c.bo
    assert notice.kind is NotificationKind.MODERATION_DECISION
    assert notice.title == "A moderation decision in Evening Calm"
    assert notice.body == (
        "A moderator hid your post in Evening Calm. "
        "Guideline: No selling, no recruiting, no spam. Moderator's note: Please stop."
    )
    assert notice.data == {"circleId": str(c.circle.id), "postId": str(post.id)}
    assert notice.dedupe_key == f"moderation:{action.id}"
    assert (notice.created_at, notice.next_attempt_at) == (NOW, NOW)
    assert notice.status is NotificationStatus.PENDING  # pushed: opted in
    kinds = [e.kind for e in c.store.published]
    assert EventKind.POST_EDITED in kinds
    waiting = {
        e.member_id for e in c.store.published if e.kind is EventKind.AWAITING_SUPPORT_CHANGED
    }
    assert waiting == {c.owner, c.mod, c.ada}  # every member but the author recounts


async def test_a_hidden_reply_tells_its_author_in_the_inbox_only_by_default() -> None:
    c = CircleWithMembers()
    reply = c.reply(c.bo)
    action = await actions.hide_content(c.mod, reply.id, ReportReason.HATE, None, c.uow(), CLOCK)
    assert c.store.replies[reply.id].hidden_reason == GUIDELINES[ReportReason.HATE]
    (notice,) = c.store.notifications.values()
    assert notice.body == (
        "A moderator hid your reply in Evening Calm. Guideline: No hate: respect every identity."
    )
    assert notice.data == {"circleId": str(c.circle.id)}
    assert notice.status is NotificationStatus.INBOX_ONLY
    assert action.message is None
    assert not any(e.kind is EventKind.POST_EDITED for e in c.store.published)


async def test_hiding_anonymous_content_logs_no_author_and_skips_the_role_check() -> None:
    c = CircleWithMembers()
    post = c.post(c.owner, anonymous=True)
    action = await actions.hide_content(c.mod, post.id, ReportReason.SPAM, None, c.uow(), CLOCK)
    assert action.target_member_id is None
    assert [n.member_id for n in c.store.notifications.values()] == [c.owner]


async def test_a_long_notice_is_cut_at_400_characters() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    await actions.hide_content(c.mod, post.id, ReportReason.SPAM, "x" * 500, c.uow(), CLOCK)
    (notice,) = c.store.notifications.values()
    assert len(notice.body) == 400
    assert notice.body.endswith("x…")
    assert (
        c.store.posts[post.id].hidden_reason
        == (f"{GUIDELINES[ReportReason.SPAM]} " + "x" * 500)[:600]
    )


async def test_hiding_twice_or_hiding_removed_content_is_refused() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    await actions.hide_content(c.mod, post.id, ReportReason.SPAM, None, c.uow(), CLOCK)
    error = await _fails(
        ErrorCode.CONFLICT,
        actions.hide_content(c.mod, post.id, ReportReason.SPAM, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("This is already hidden.", ("targetId",))
    removed = c.post(c.bo, removed_at=NOW)
    await _fails(
        ErrorCode.NOT_FOUND,
        actions.hide_content(c.mod, removed.id, ReportReason.SPAM, None, c.uow(), CLOCK),
    )
    assert len(c.store.moderation_log) == 1


async def test_a_moderator_restores_hidden_content_and_the_author_hears_it() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    await actions.hide_content(c.mod, post.id, ReportReason.SPAM, None, c.uow(), CLOCK)
    action = await actions.restore_content(c.owner, post.id, None, c.uow(), CLOCK)
    restored = c.store.posts[post.id]
    assert (restored.hidden_at, restored.hidden_by, restored.hidden_reason) == (None, None, None)
    assert action.kind is ModerationActionKind.RESTORE_CONTENT
    assert action.reason is None
    assert c.notices()[-1][2] == "A moderator restored your post in Evening Calm."
    error = await _fails(
        ErrorCode.CONFLICT, actions.restore_content(c.owner, post.id, None, c.uow(), CLOCK)
    )
    assert (error.message, error.field) == ("This is not hidden.", ("targetId",))


async def test_only_moderators_act_on_content_and_never_on_the_owners_named_content() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    error = await _fails(
        ErrorCode.FORBIDDEN,
        actions.hide_content(c.ada, post.id, ReportReason.SPAM, None, c.uow(), CLOCK),
    )
    assert error.message == "Only the circle's owner and moderators can do this."
    for stranger_or_missing in ((uuid4(), post.id), (c.mod, uuid4())):
        error = await _fails(
            ErrorCode.NOT_FOUND,
            actions.hide_content(*stranger_or_missing, ReportReason.SPAM, None, c.uow(), CLOCK),
        )
        assert (error.message, error.field) == ("Post or reply was not found.", ("targetId",))
    owners = c.post(c.owner)
    error = await _fails(
        ErrorCode.FORBIDDEN,
        actions.hide_content(c.mod, owners.id, ReportReason.SPAM, None, c.uow(), CLOCK),
    )
    assert error.message == "Nobody can act on the circle's owner."
    other_mod = c.join("mod2", Role.MODERATOR)
    mods = c.post(other_mod)
    error = await _fails(
        ErrorCode.FORBIDDEN,
        actions.hide_content(c.mod, mods.id, ReportReason.SPAM, None, c.uow(), CLOCK),
    )
    assert error.message == "Only the owner can act on a moderator."
    await actions.hide_content(c.owner, mods.id, ReportReason.SPAM, None, c.uow(), CLOCK)
    assert c.store.posts[mods.id].is_hidden
    assert not c.store.posts[owners.id].is_hidden


async def test_a_moderator_who_left_cannot_act() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    c.store.memberships[c.circle.id, c.mod].status = MembershipStatus.BANNED
    await _fails(
        ErrorCode.NOT_FOUND,
        actions.hide_content(c.mod, post.id, ReportReason.SPAM, None, c.uow(), CLOCK),
    )


async def test_a_moderators_note_is_at_most_500_characters() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    error = await _fails(
        ErrorCode.TOO_LONG,
        actions.hide_content(c.mod, post.id, ReportReason.SPAM, "x" * 501, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("Keep it under 500 characters.", ("message",))


# -- members --------------------------------------------------------------------------


async def test_removing_a_member_frees_their_seat_ends_their_shares_and_tells_them() -> None:
    c = CircleWithMembers()
    shared = CheckIn(uuid4(), c.bo, 3, (), None, NOW, shared_circle_ids=(c.circle.id,))
    c.store.check_ins[shared.id] = shared
    action = await actions.remove_member(
        c.mod, c.circle.id, c.bo, ReportReason.HARASSMENT, None, c.uow(), CLOCK
    )
    assert c.membership(c.bo) is None
    assert c.store.circles[c.circle.id].active_count == 3
    assert (action.kind, action.target_type, action.target_id, action.target_member_id) == (
        ModerationActionKind.REMOVE_MEMBER,
        TargetType.MEMBER,
        c.bo,
        c.bo,
    )
    events = [(e.kind, e.circle_id, e.subject_id) for e in c.store.published]
    assert (EventKind.MEMBER_LEFT, c.circle.id, c.bo) in events
    assert (EventKind.CHECK_IN_SHARE_WITHDRAWN, c.circle.id, shared.id) in events
    assert c.notices() == [
        (
            c.bo,
            "A moderation decision in Evening Calm",
            "A moderator removed you from the circle in Evening Calm. "
            "Guideline: Be kind and listen: no harassment or bullying.",
        )
    ]


async def test_member_actions_on_yourself_strangers_or_non_members_are_refused() -> None:
    c = CircleWithMembers()
    error = await _fails(
        ErrorCode.SELF_TARGET,
        actions.remove_member(c.mod, c.circle.id, c.mod, None, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("You can't do this to yourself.", ("memberId",))
    error = await _fails(
        ErrorCode.NOT_FOUND,
        actions.remove_member(c.mod, c.circle.id, uuid4(), None, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("Member was not found.", ("memberId",))
    error = await _fails(
        ErrorCode.NOT_FOUND,
        actions.remove_member(uuid4(), c.circle.id, c.bo, None, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("Circle was not found.", ("circleId",))
    pending = c.join("cy", status=MembershipStatus.PENDING)
    error = await _fails(
        ErrorCode.CONFLICT,
        actions.remove_member(c.mod, c.circle.id, pending, None, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("They are not in the circle.", ("memberId",))
    await _fails(
        ErrorCode.FORBIDDEN,
        actions.remove_member(c.mod, c.circle.id, c.owner, None, None, c.uow(), CLOCK),
    )
    assert c.store.moderation_log == []


async def test_unbanning_lets_a_banned_member_join_again() -> None:
    c = CircleWithMembers()
    banned = c.join("cy", status=MembershipStatus.BANNED)
    action = await actions.unban_member(c.mod, c.circle.id, banned, "Welcome back", c.uow(), CLOCK)
    assert c.membership(banned) is None
    assert (action.kind, action.reason, action.message) == (
        ModerationActionKind.UNBAN_MEMBER,
        None,
        "Welcome back",
    )
    assert c.notices()[0][2] == (
        "A moderator lifted your ban in Evening Calm. Moderator's note: Welcome back"
    )
    error = await _fails(
        ErrorCode.CONFLICT,
        actions.unban_member(c.mod, c.circle.id, c.bo, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("They are not banned.", ("memberId",))


async def test_muting_a_member_until_a_time_and_lifting_it_with_a_past_time() -> None:
    c = CircleWithMembers()
    until = NOW + timedelta(days=90)
    action = await actions.mute_member(
        c.mod, c.circle.id, c.bo, until, ReportReason.SPAM, None, c.uow(), CLOCK
    )
    muted = c.membership(c.bo)
    assert muted is not None
    assert (muted.muted_until, muted.updated_at) == (until, NOW)
    assert action.kind is ModerationActionKind.MUTE_MEMBER
    assert c.notices()[0][2] == (
        "A moderator muted you until 2027-03-05 09:00 UTC in Evening Calm. "
        "Guideline: No selling, no recruiting, no spam."
    )
    await actions.mute_member(c.mod, c.circle.id, c.bo, NOW, None, None, c.uow(), CLOCK)
    lifted = c.membership(c.bo)
    assert lifted is not None
    assert lifted.muted_until is None
    assert len(c.store.notifications) == 1  # lifting sends no notice
    assert len(c.store.moderation_log) == 2


@pytest.mark.parametrize("until", [NOW + timedelta(days=90, seconds=1), datetime(2026, 12, 6, 9)])
async def test_a_mute_needs_a_timezone_and_at_most_90_days(until: datetime) -> None:
    c = CircleWithMembers()
    error = await _fails(
        ErrorCode.INVALID,
        actions.mute_member(c.mod, c.circle.id, c.bo, until, None, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == (
        "Give a time with its timezone, at most 90 days ahead.",
        ("until",),
    )


async def test_muting_someone_not_in_the_circle_is_refused() -> None:
    c = CircleWithMembers()
    banned = c.join("cy", status=MembershipStatus.BANNED)
    error = await _fails(
        ErrorCode.CONFLICT,
        actions.mute_member(
            c.mod, c.circle.id, banned, NOW + timedelta(days=1), None, None, c.uow(), CLOCK
        ),
    )
    assert error.message == "They are not in the circle."


# -- resolving reports ----------------------------------------------------------------


async def _reported(
    c: CircleWithMembers, target_type: TargetType, target: UUID, *reporters: UUID
) -> UUID:
    ids = []
    for reporter in reporters:
        cmd = _report(reporter, target_type, target, ReportReason.HATE, circle_id=c.circle.id)
        ids.append((await file_report(cmd, c.uow(), CLOCK, FakeRateLimiter())).id)
    return ids[0]


async def test_actioning_a_report_closes_every_open_report_on_the_target_and_tells_the_author() -> (
    None
):
    c = CircleWithMembers()
    post = c.post(c.bo)
    report_id = await _reported(c, TargetType.POST, post.id, c.ada, c.mod)
    action = await actions.resolve_report(
        c.owner, report_id, ReportDecision.ACTIONED, "Hidden.", c.uow(), CLOCK
    )
    for report in c.store.reports.values():
        assert (report.status, report.resolved_by, report.resolved_at) == (
            ReportStatus.ACTIONED,
            c.owner,
            NOW,
        )
        assert report.decision_message == "Hidden."
    assert (action.kind, action.target_member_id, action.reason) == (
        ModerationActionKind.RESOLVE_ACTIONED,
        c.bo,
        ReportReason.HATE,
    )
    assert c.notices() == [
        (
            c.bo,
            "A moderation decision in Evening Calm",
            "A moderator upheld a report about your post in Evening Calm. "
            "Guideline: No hate: respect every identity. Moderator's note: Hidden.",
        )
    ]


async def test_dismissing_a_report_tells_nobody_and_resolving_twice_is_refused() -> None:
    c = CircleWithMembers()
    report_id = await _reported(c, TargetType.MEMBER, c.bo, c.ada)
    action = await actions.resolve_report(
        c.mod, report_id, ReportDecision.DISMISSED, None, c.uow(), CLOCK
    )
    assert action.kind is ModerationActionKind.RESOLVE_DISMISSED
    assert c.store.reports[report_id].status is ReportStatus.DISMISSED
    assert c.store.notifications == {}
    error = await _fails(
        ErrorCode.CONFLICT,
        actions.resolve_report(c.mod, report_id, ReportDecision.ACTIONED, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("This report was already resolved.", ("reportId",))


async def test_a_report_is_not_found_for_members_outside_and_forbidden_to_members() -> None:
    c = CircleWithMembers()
    report_id = await _reported(c, TargetType.MEMBER, c.bo, c.ada)
    for who in (uuid4(), c.mod):
        missing = report_id if who != c.mod else uuid4()
        error = await _fails(
            ErrorCode.NOT_FOUND,
            actions.resolve_report(who, missing, ReportDecision.DISMISSED, None, c.uow(), CLOCK),
        )
        assert (error.message, error.field) == ("Report was not found.", ("reportId",))
    await _fails(
        ErrorCode.FORBIDDEN,
        actions.resolve_report(c.ada, report_id, ReportDecision.DISMISSED, None, c.uow(), CLOCK),
    )


async def test_a_moderator_cannot_uphold_a_report_on_another_moderator_but_the_owner_can() -> None:
    c = CircleWithMembers()
    other_mod = c.join("mod2", Role.MODERATOR)
    report_id = await _reported(c, TargetType.MEMBER, other_mod, c.ada)
    await _fails(
        ErrorCode.FORBIDDEN,
        actions.resolve_report(c.mod, report_id, ReportDecision.ACTIONED, None, c.uow(), CLOCK),
    )
    await actions.resolve_report(c.owner, report_id, ReportDecision.ACTIONED, None, c.uow(), CLOCK)
    assert c.store.reports[report_id].status is ReportStatus.ACTIONED


async def test_upholding_a_report_on_anonymous_content_hides_its_authors_role_and_name() -> None:
    c = CircleWithMembers()
    other_mod = c.join("mod2", Role.MODERATOR)
    post = c.post(other_mod, anonymous=True)
    report_id = await _reported(c, TargetType.POST, post.id, c.ada)
    action = await actions.resolve_report(
        c.mod, report_id, ReportDecision.ACTIONED, None, c.uow(), CLOCK
    )
    assert action.target_member_id is None
    assert [n.member_id for n in c.store.notifications.values()] == [other_mod]


# -- what the log and the notices say, in detail --------------------------------------


async def test_member_actions_log_who_when_and_the_note() -> None:
    c = CircleWithMembers()
    later = FixedClock(NOW + timedelta(minutes=3))
    cy = c.join("cy")
    banned = c.join("dee", status=MembershipStatus.BANNED)
    removed = await actions.remove_member(c.mod, c.circle.id, c.bo, None, " Bye ", c.uow(), later)
    muted = await actions.mute_member(
        c.mod, c.circle.id, cy, NOW + timedelta(days=1), None, " Calm ", c.uow(), later
    )
    unbanned = await actions.unban_member(c.mod, c.circle.id, banned, " Back ", c.uow(), later)
    for action, member, note in (
        (removed, c.bo, "Bye"),
        (muted, cy, "Calm"),
        (unbanned, banned, "Back"),
    ):
        assert (action.actor_id, action.created_at, action.message) == (c.mod, later.now(), note)
        assert (action.target_id, action.target_member_id) == (member, member)
    assert c.store.moderation_log == [removed, muted, unbanned]
    stored = c.membership(cy)
    assert stored is not None
    assert stored.updated_at == later.now()


async def test_restoring_keeps_the_moderators_note_and_resolving_logs_who_and_when() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    await actions.hide_content(c.mod, post.id, ReportReason.SPAM, None, c.uow(), CLOCK)
    restored = await actions.restore_content(c.mod, post.id, " Sorry ", c.uow(), CLOCK)
    assert restored.message == "Sorry"
    assert c.notices()[-1][2] == (
        "A moderator restored your post in Evening Calm. Moderator's note: Sorry"
    )
    later = FixedClock(NOW + timedelta(minutes=9))
    report_id = await _reported(c, TargetType.MEMBER, c.ada, c.bo)
    resolved = await actions.resolve_report(
        c.owner, report_id, ReportDecision.DISMISSED, None, c.uow(), later
    )
    assert (resolved.actor_id, resolved.created_at) == (c.owner, later.now())


async def test_hiding_a_post_tells_the_circle_which_post_changed() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    await actions.hide_content(c.mod, post.id, ReportReason.SPAM, None, c.uow(), CLOCK)
    (edited,) = [e for e in c.store.published if e.kind is EventKind.POST_EDITED]
    assert (edited.circle_id, edited.subject_id) == (c.circle.id, post.id)


async def test_a_member_notice_names_no_content_and_a_closed_circle_is_a_circle() -> None:
    c = CircleWithMembers()
    await actions.remove_member(c.mod, c.circle.id, c.bo, None, None, c.uow(), CLOCK)
    assert c.notices()[0][2] == "A moderator removed you from the circle in Evening Calm."
    post = c.post(c.ada)
    uow = c.uow()
    async with uow:
        action = await actions.log_action(
            uow,
            c.mod,
            uuid4(),  # a circle that is gone
            ModerationActionKind.HIDE_CONTENT,
            (TargetType.POST, post.id, c.ada),
            NOW,
        )
        await actions.notify_decision(uow, action, c.ada)
        await uow.commit()
    notice = next(n for n in c.store.notifications.values() if n.member_id == c.ada)
    assert (notice.title, notice.body) == (
        "A moderation decision in a circle",
        "A moderator hid your post in a circle.",
    )


@pytest.mark.parametrize(("length", "cut"), [(400, False), (401, True)])
async def test_a_notice_of_400_characters_is_kept_whole(length: int, cut: bool) -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    start = "A moderator hid your post in Evening Calm. Guideline: No selling, no recruiting, no spam. Moderator's note: "
    note = "y" * (length - len(start))
    await actions.hide_content(c.mod, post.id, ReportReason.SPAM, note, c.uow(), CLOCK)
    (notice,) = c.store.notifications.values()
    assert notice.body == ((start + note)[:399] + "…" if cut else start + note)


async def test_a_cut_notice_loses_the_spaces_before_the_ellipsis() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    start = "A moderator hid your post in Evening Calm. Guideline: No selling, no recruiting, no spam. Moderator's note: "
    note = "y" * (397 - len(start)) + "   zzz"
    await actions.hide_content(c.mod, post.id, ReportReason.SPAM, note, c.uow(), CLOCK)
    (notice,) = c.store.notifications.values()
    assert notice.body == start + "y" * (397 - len(start)) + "…"


async def test_hiding_removed_content_says_it_was_not_found() -> None:
    c = CircleWithMembers()
    removed = c.post(c.bo, removed_at=NOW)
    error = await _fails(
        ErrorCode.NOT_FOUND,
        actions.hide_content(c.mod, removed.id, ReportReason.SPAM, None, c.uow(), CLOCK),
    )
    assert (error.message, error.field) == ("Post or reply was not found.", ("targetId",))


async def test_muting_someone_not_in_the_circle_points_at_the_member() -> None:
    c = CircleWithMembers()
    pending = c.join("cy", status=MembershipStatus.PENDING)
    error = await _fails(
        ErrorCode.CONFLICT,
        actions.mute_member(
            c.mod, c.circle.id, pending, NOW + timedelta(days=1), None, None, c.uow(), CLOCK
        ),
    )
    assert error.field == ("memberId",)


async def test_removing_a_member_ends_only_their_shares_in_that_circle() -> None:
    c = CircleWithMembers()
    elsewhere = uuid4()
    c.store.memberships[elsewhere, c.bo] = Membership(
        elsewhere, c.bo, Role.MEMBER, MembershipStatus.ACTIVE, NOW, NOW
    )
    here = CheckIn(uuid4(), c.bo, 3, (), None, NOW, shared_circle_ids=(c.circle.id, elsewhere))
    c.store.check_ins[here.id] = here
    await actions.remove_member(c.mod, c.circle.id, c.bo, None, None, c.uow(), CLOCK)
    ended = [e for e in c.store.published if e.kind is EventKind.CHECK_IN_SHARE_WITHDRAWN]
    assert [e.circle_id for e in ended] == [c.circle.id]


async def test_one_members_report_limit_leaves_others_free_to_report() -> None:
    c = CircleWithMembers()
    post = c.post(c.bo)
    limiter = FakeRateLimiter({Action.REPORT: 1})
    await file_report(_report(c.ada, TargetType.POST, post.id), c.uow(), CLOCK, limiter)
    await file_report(_report(c.mod, TargetType.POST, post.id), c.uow(), CLOCK, limiter)
    assert limiter.hits == {(c.ada, Action.REPORT): 1, (c.mod, Action.REPORT): 1}
    assert len({r.id for r in c.store.reports.values()} - {None}) == 2
