"""What moderators see of reported content, decided in domain/moderation/reads.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.moderation.model import (
    ModerationAction,
    ModerationActionKind,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.moderation.reads import (
    ProfileView,
    QueuedReport,
    ReportedContent,
    log_entry,
    log_people,
    queue_item,
)
from domain.safety.model import RiskLevel

T0 = datetime(2026, 1, 1, tzinfo=UTC)
AUTHOR = ProfileView(uuid4(), "Ada", None, None, T0)
CIRCLE, TARGET = uuid4(), uuid4()


def _reports(*reasons: ReportReason) -> list[QueuedReport]:
    return [
        QueuedReport(uuid4(), reason, f"note {i}" if i % 2 == 0 else None, T0 + timedelta(i))
        for i, reason in enumerate(reasons)
    ]


def _content(**changes: bool) -> ReportedContent:
    base = {"anonymous": False, "removed": False, "hidden": False}
    base.update(changes)
    return ReportedContent(AUTHOR, "the words", risk_level=RiskLevel.CONCERN, **base)


def _item(target_type: TargetType, content: ReportedContent | None, member: ProfileView | None):
    reports = _reports(ReportReason.SPAM, ReportReason.HARASSMENT, ReportReason.SPAM)
    key = (50, reports[0].created_at, TARGET)
    last = reports[-1].created_at
    return queue_item(
        CIRCLE, TARGET, target_type, ReportStatus.OPEN, key, last, reports, content, member
    )


def test_named_content_shows_its_text_author_and_rating() -> None:
    view = _item(TargetType.POST, _content(), None)
    assert (view.excerpt, view.author, view.risk_level) == ("the words", AUTHOR, RiskLevel.CONCERN)
    assert view.reasons == ((ReportReason.HARASSMENT, 1), (ReportReason.SPAM, 2))
    assert view.report_count == 3
    assert view.notes == ("note 0", "note 2")
    assert view.first_reported_at == T0
    assert view.last_reported_at == T0 + timedelta(2)


def test_anonymous_content_never_names_its_author() -> None:
    view = _item(TargetType.REPLY, _content(anonymous=True), None)
    assert view.author is None
    assert view.excerpt == "the words"


def test_removed_content_shows_neither_text_nor_rating() -> None:
    view = _item(TargetType.POST, _content(removed=True, hidden=True), None)
    assert (view.excerpt, view.risk_level) == (None, None)
    assert view.is_hidden


def test_gone_content_and_reported_members() -> None:
    gone = _item(TargetType.POST, None, None)
    assert (gone.excerpt, gone.author, gone.risk_level, gone.is_hidden) == (None,) * 3 + (False,)
    member = _item(TargetType.MEMBER, None, AUTHOR)
    assert (member.author, member.excerpt, member.risk_level) == (AUTHOR, None, None)


def test_a_log_entry_names_only_the_members_the_action_names() -> None:
    actor = ProfileView(uuid4(), "Mod", None, None, T0)
    action = ModerationAction(
        uuid4(), CIRCLE, actor.id, ModerationActionKind.HIDE_CONTENT, TargetType.POST, TARGET, T0
    )
    assert log_people([action]) == [actor.id]
    entry = log_entry(action, {actor.id: actor, AUTHOR.id: AUTHOR})
    assert (entry.actor, entry.target_member) == (actor, None)


def test_a_queue_item_ranks_reasons_by_severity_and_points_at_its_latest_report() -> None:
    reports = _reports(ReportReason.SPAM, ReportReason.SUICIDE_RISK, ReportReason.HATE)
    key = (100, reports[0].created_at, TARGET)
    view = queue_item(
        CIRCLE, TARGET, TargetType.POST, ReportStatus.ACTIONED, key, T0, reports, _content(), None
    )
    assert view.reasons == (
        (ReportReason.SUICIDE_RISK, 1),
        (ReportReason.HATE, 1),
        (ReportReason.SPAM, 1),
    )
    assert view.latest_report_id == reports[-1].id
    assert (view.circle_id, view.target_id, view.target_type, view.status, view.key) == (
        CIRCLE,
        TARGET,
        TargetType.POST,
        ReportStatus.ACTIONED,
        key,
    )
    assert view.is_hidden is False
    hidden = _item(TargetType.POST, _content(hidden=True), None)
    assert (hidden.is_hidden, hidden.excerpt) == (True, "the words")


def test_a_reported_member_is_never_shown_as_hidden() -> None:
    member = _item(TargetType.MEMBER, _content(hidden=True), AUTHOR)
    assert member.is_hidden is False


def test_a_log_entry_shows_the_action_as_taken_and_the_member_it_names() -> None:
    actor = ProfileView(uuid4(), "Mod", None, None, T0)
    action = ModerationAction(
        uuid4(),
        CIRCLE,
        actor.id,
        ModerationActionKind.MUTE_MEMBER,
        TargetType.MEMBER,
        AUTHOR.id,
        T0,
        ReportReason.SPAM,
        "calm down",
        AUTHOR.id,
    )
    entry = log_entry(action, {actor.id: actor, AUTHOR.id: AUTHOR})
    assert (entry.id, entry.action, entry.actor, entry.target_type, entry.target_id) == (
        action.id,
        ModerationActionKind.MUTE_MEMBER,
        actor,
        TargetType.MEMBER,
        AUTHOR.id,
    )
    assert (entry.target_member, entry.reason, entry.message, entry.created_at) == (
        AUTHOR,
        ReportReason.SPAM,
        "calm down",
        T0,
    )
    assert log_people([action]) == [actor.id, AUTHOR.id]
