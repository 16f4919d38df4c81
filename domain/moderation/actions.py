"""What a circle's owner and moderators do: hide and restore content, remove, unban
and mute members, resolve reports. Every action is written to the moderation log
and (except restoring and dismissing) sends the member concerned an in-app notice.

Role rules are the existing ones: nobody acts on the owner, and only the owner acts
on a moderator. For anonymous content the author's role is not checked: a refusal
would tell the moderator that the author is the owner or a moderator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.checkins.shares import end_shares_in_circle
from domain.circles.model import Membership, MembershipStatus, Role, can_moderate, can_read
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.events import Event, EventKind
from domain.members.rules import normalize_text
from domain.moderation.model import (
    GUIDELINES,
    ModerationAction,
    ModerationActionKind,
    Report,
    ReportDecision,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.notifications.model import Notification, NotificationKind, NotificationStatus
from domain.notifications.services import write_notification
from domain.notifications.settings import preferences_of
from domain.posts.model import Post, Reply
from domain.support.services import announce_waiting_changed
from domain.uow import UnitOfWork

MESSAGE_MAX = 500
MUTE_MAX = timedelta(days=90)

_WHAT = {
    ModerationActionKind.HIDE_CONTENT: "A moderator hid your {what}",
    ModerationActionKind.REMOVE_CONTENT: "A moderator removed your {what}",
    ModerationActionKind.REMOVE_MEMBER: "A moderator removed you from the circle",
    ModerationActionKind.BAN_MEMBER: "A moderator banned you from the circle",
    ModerationActionKind.MUTE_MEMBER: "A moderator muted you until {until}",
    ModerationActionKind.RESOLVE_ACTIONED: "A moderator upheld a report about your {what}",
    ModerationActionKind.RESTORE_CONTENT: "A moderator restored your {what}",
    ModerationActionKind.UNBAN_MEMBER: "A moderator lifted your ban",
}


def check_message(raw: str | None, field: str = "message") -> str | None:
    text = normalize_text(raw) if raw else ""
    if len(text) > MESSAGE_MAX:
        raise DomainError(ErrorCode.TOO_LONG, f"Keep it under {MESSAGE_MAX} characters.", (field,))
    return text or None


async def as_moderator(uow: UnitOfWork, circle_id: UUID, actor_id: UUID) -> Membership:
    """The actor's membership if they moderate the circle. NOT_FOUND for those who
    can't read it (nothing about it is revealed), FORBIDDEN for its other members."""
    membership = await uow.memberships.get(circle_id, actor_id)
    if not can_read(membership):
        raise NotFound("Circle", ("circleId",))
    assert membership is not None
    if not can_moderate(membership):
        raise Forbidden("Only the circle's owner and moderators can do this.")
    return membership


def may_act_on(actor: Membership, target: Membership | None) -> None:
    """Nobody acts on the owner; only the owner acts on a moderator."""
    if target is None:
        return
    if target.role is Role.OWNER:
        raise Forbidden("Nobody can act on the circle's owner.")
    if target.role is Role.MODERATOR and actor.role is not Role.OWNER:
        raise Forbidden("Only the owner can act on a moderator.")


async def log_action(
    uow: UnitOfWork,
    actor_id: UUID,
    circle_id: UUID,
    kind: ModerationActionKind,
    target: tuple[TargetType, UUID, UUID | None],
    now: datetime,
    reason: ReportReason | None = None,
    message: str | None = None,
) -> ModerationAction:
    target_type, target_id, member_id = target
    action = ModerationAction(
        uuid4(), circle_id, actor_id, kind, target_type, target_id, now, reason, message, member_id
    )
    await uow.moderation_log.append(action)
    return action


async def notify_decision(
    uow: UnitOfWork, action: ModerationAction, member_id: UUID, until: datetime | None = None
) -> None:
    """An in-app notice to the member concerned: what, why, which guideline. Pushed only
    to members who opted in (``moderation_decisions``); it names neither the moderator
    nor any reporter."""
    circle = await uow.circles.get(action.circle_id)
    circle_name = circle.name if circle else "a circle"
    what = {TargetType.POST: "post", TargetType.REPLY: "reply"}.get(action.target_type, "")
    line = _WHAT[action.kind].format(
        what=what, until=f"{until:%Y-%m-%d %H:%M} UTC" if until else ""
    )
    parts = [f"{line} in {circle_name}."]
    if action.reason is not None:
        parts.append(f"Guideline: {GUIDELINES[action.reason]}")
    if action.message:
        parts.append(f"Moderator's note: {action.message}")
    body = " ".join(parts)
    if len(body) > 400:
        body = body[:399].rstrip() + "…"
    data = {"circleId": str(action.circle_id)}
    if action.target_type is TargetType.POST:
        data["postId"] = str(action.target_id)
    await write_notification(
        uow,
        Notification(
            id=uuid4(),
            member_id=member_id,
            kind=NotificationKind.MODERATION_DECISION,
            title=f"A moderation decision in {circle_name}"[:200],
            body=body,
            data=data,
            dedupe_key=f"moderation:{action.id}",
            created_at=action.created_at,
            next_attempt_at=action.created_at,
            status=NotificationStatus.PENDING
            if (await preferences_of(uow, member_id)).moderation_decisions
            else NotificationStatus.INBOX_ONLY,
        ),
    )


async def content(uow: UnitOfWork, target_id: UUID) -> tuple[TargetType, Post | Reply] | None:
    post = await uow.posts.get(target_id)
    if post is not None:
        return TargetType.POST, post
    reply = await uow.replies.get(target_id)
    return (TargetType.REPLY, reply) if reply is not None else None


async def _content_as_moderator(
    uow: UnitOfWork, actor_id: UUID, target_id: UUID
) -> tuple[TargetType, Post | Reply, Membership]:
    found = await content(uow, target_id)
    if found is None:
        raise NotFound("Post or reply", ("targetId",))
    kind, item = found
    membership = await uow.memberships.get(item.circle_id, actor_id)
    if not can_read(membership):
        raise NotFound("Post or reply", ("targetId",))
    actor = await as_moderator(uow, item.circle_id, actor_id)
    if not item.anonymous:
        may_act_on(actor, await uow.memberships.get(item.circle_id, item.author_id))
    return kind, item, actor


async def _save(uow: UnitOfWork, kind: TargetType, item: Post | Reply) -> None:
    if isinstance(item, Post):
        await uow.posts.update(item)
        uow.record(Event(EventKind.POST_EDITED, item.circle_id, subject_id=item.id))
    else:
        await uow.replies.update(item)


def _named(item: Post | Reply) -> UUID | None:
    return None if item.anonymous else item.author_id


async def _act_on_content(
    actor_id: UUID,
    target_id: UUID,
    action_kind: ModerationActionKind,
    reason: ReportReason | None,
    note: str | None,
    change: Callable[[Post | Reply, datetime], Post | Reply],
    uow: UnitOfWork,
    clock: Clock,
) -> ModerationAction:
    """Save ``change(item, now)`` of a post or reply the actor moderates (``change``
    raises when the action does not apply), log it, tell the author, and update the
    "needs a reply" counts."""
    async with uow:
        kind, item, _ = await _content_as_moderator(uow, actor_id, target_id)
        now = clock.now()
        await _save(uow, kind, change(item, now))
        target = (kind, item.id, _named(item))
        action = await log_action(
            uow, actor_id, item.circle_id, action_kind, target, now, reason, note
        )
        await notify_decision(uow, action, item.author_id)
        await _waiting_changed(uow, item)
        await uow.commit()
    return action


async def hide_content(
    actor_id: UUID,
    target_id: UUID,
    reason: ReportReason,
    message: str | None,
    uow: UnitOfWork,
    clock: Clock,
) -> ModerationAction:
    """Readers see "hidden by a moderator"; the author still sees it, with the reason."""
    note = check_message(message)

    def hide(item: Post | Reply, now: datetime) -> Post | Reply:
        if item.is_removed:
            raise NotFound("Post or reply", ("targetId",))
        if item.is_hidden:
            raise DomainError(ErrorCode.CONFLICT, "This is already hidden.", ("targetId",))
        shown = f"{GUIDELINES[reason]}" + (f" {note}" if note else "")
        return replace(item, hidden_at=now, hidden_by=actor_id, hidden_reason=shown[:600])

    kind = ModerationActionKind.HIDE_CONTENT
    return await _act_on_content(actor_id, target_id, kind, reason, note, hide, uow, clock)


async def _waiting_changed(uow: UnitOfWork, item: Post | Reply) -> None:
    """Hiding or restoring an unanswered post changes members' "needs a reply" counts."""
    if isinstance(item, Post) and item.first_reply_at is None:
        await announce_waiting_changed(uow, item.circle_id, except_id=item.author_id)


async def restore_content(
    actor_id: UUID, target_id: UUID, message: str | None, uow: UnitOfWork, clock: Clock
) -> ModerationAction:
    note = check_message(message)

    def restore(item: Post | Reply, now: datetime) -> Post | Reply:
        if not item.is_hidden:
            raise DomainError(ErrorCode.CONFLICT, "This is not hidden.", ("targetId",))
        return replace(item, hidden_at=None, hidden_by=None, hidden_reason=None)

    kind = ModerationActionKind.RESTORE_CONTENT
    return await _act_on_content(actor_id, target_id, kind, None, note, restore, uow, clock)


async def _member_target(
    uow: UnitOfWork, actor_id: UUID, circle_id: UUID, member_id: UUID
) -> tuple[Membership, Membership]:
    actor = await as_moderator(uow, circle_id, actor_id)
    if member_id == actor_id:
        raise DomainError(ErrorCode.SELF_TARGET, "You can't do this to yourself.", ("memberId",))
    target = await uow.memberships.get(circle_id, member_id)
    if target is None:
        raise NotFound("Member", ("memberId",))
    may_act_on(actor, target)
    return actor, target


async def _done_with_member(
    uow: UnitOfWork,
    actor_id: UUID,
    circle_id: UUID,
    member_id: UUID,
    kind: ModerationActionKind,
    reason: ReportReason | None,
    note: str | None,
    now: datetime,
    *,
    until: datetime | None = None,
    notify: bool = True,
) -> ModerationAction:
    """Log a member action, send its notice, and commit."""
    target = (TargetType.MEMBER, member_id, member_id)
    action = await log_action(uow, actor_id, circle_id, kind, target, now, reason, note)
    if notify:
        await notify_decision(uow, action, member_id, until=until)
    await uow.commit()
    return action


async def remove_member(
    actor_id: UUID,
    circle_id: UUID,
    member_id: UUID,
    reason: ReportReason | None,
    message: str | None,
    uow: UnitOfWork,
    clock: Clock,
) -> ModerationAction:
    """Take a member out of the circle (they may rejoin; ban to keep them out). Their
    check-in shares with the circle end for good, as when they leave."""
    note = check_message(message)
    async with uow:
        _, target = await _member_target(uow, actor_id, circle_id, member_id)
        if not target.is_active:
            raise DomainError(ErrorCode.CONFLICT, "They are not in the circle.", ("memberId",))
        await end_shares_in_circle(uow, member_id, circle_id)
        await uow.memberships.delete(circle_id, member_id)
        await uow.circles.release_seat(circle_id)
        uow.record(Event(EventKind.MEMBER_LEFT, circle_id, subject_id=member_id))
        action = await _done_with_member(
            uow,
            actor_id,
            circle_id,
            member_id,
            ModerationActionKind.REMOVE_MEMBER,
            reason,
            note,
            clock.now(),
        )
    return action


async def unban_member(
    actor_id: UUID,
    circle_id: UUID,
    member_id: UUID,
    message: str | None,
    uow: UnitOfWork,
    clock: Clock,
) -> ModerationAction:
    """Lift a ban: the member may join again (nothing else is restored)."""
    note = check_message(message)
    async with uow:
        _, target = await _member_target(uow, actor_id, circle_id, member_id)
        if target.status is not MembershipStatus.BANNED:
            raise DomainError(ErrorCode.CONFLICT, "They are not banned.", ("memberId",))
        await uow.memberships.delete(circle_id, member_id)
        action = await _done_with_member(
            uow,
            actor_id,
            circle_id,
            member_id,
            ModerationActionKind.UNBAN_MEMBER,
            None,
            note,
            clock.now(),
        )
    return action


async def mute_member(
    actor_id: UUID,
    circle_id: UUID,
    member_id: UUID,
    until: datetime,
    reason: ReportReason | None,
    message: str | None,
    uow: UnitOfWork,
    clock: Clock,
) -> ModerationAction:
    """The member reads the circle but can't post or reply until ``until`` (at most
    90 days; a time in the past lifts a mute)."""
    note = check_message(message)
    now = clock.now()
    if until.tzinfo is None or until - now > MUTE_MAX:
        raise DomainError(
            ErrorCode.INVALID, "Give a time with its timezone, at most 90 days ahead.", ("until",)
        )
    async with uow:
        _, target = await _member_target(uow, actor_id, circle_id, member_id)
        if not target.is_active:
            raise DomainError(ErrorCode.CONFLICT, "They are not in the circle.", ("memberId",))
        muted_until = until if until > now else None
        await uow.memberships.update(replace(target, muted_until=muted_until, updated_at=now))
        action = await _done_with_member(
            uow,
            actor_id,
            circle_id,
            member_id,
            ModerationActionKind.MUTE_MEMBER,
            reason,
            note,
            now,
            until=muted_until,
            notify=muted_until is not None,
        )
    return action


async def _report_target_membership(uow: UnitOfWork, report: Report) -> Membership | None:
    """The reported member's membership when the target is named (None when the
    content is anonymous or gone, so the role rule cannot reveal its author)."""
    if report.target_type is not TargetType.MEMBER:
        found = await content(uow, report.target_id)
        if found is None or found[1].anonymous:
            return None
    return await uow.memberships.get(report.circle_id, report.target_member_id)


async def resolve_report(
    actor_id: UUID,
    report_id: UUID,
    decision: ReportDecision,
    message: str | None,
    uow: UnitOfWork,
    clock: Clock,
) -> ModerationAction:
    """Close every open report on the same target. ACTIONED sends the member concerned
    a notice with the guideline; DISMISSED sends none (telling someone they were
    reported and cleared invites them to hunt for the reporter in a small circle)."""
    note = check_message(message)
    async with uow:
        report = await uow.reports.get(report_id)
        membership = await uow.memberships.get(report.circle_id, actor_id) if report else None
        if report is None or not can_read(membership):
            raise NotFound("Report", ("reportId",))
        actor = await as_moderator(uow, report.circle_id, actor_id)
        if report.status is not ReportStatus.OPEN:
            raise DomainError(
                ErrorCode.CONFLICT, "This report was already resolved.", ("reportId",)
            )
        if decision is ReportDecision.ACTIONED:
            may_act_on(actor, await _report_target_membership(uow, report))
        now = clock.now()
        reports = await uow.reports.open_for_target(report.circle_id, report.target_id)
        status = ReportStatus(decision.value)
        await uow.reports.resolve([r.id for r in reports], status, actor_id, now, note)
        kind = (
            ModerationActionKind.RESOLVE_ACTIONED
            if decision is ReportDecision.ACTIONED
            else ModerationActionKind.RESOLVE_DISMISSED
        )
        named = await _report_target_membership(uow, report)
        target = (report.target_type, report.target_id, report.target_member_id if named else None)
        action = await log_action(
            uow, actor_id, report.circle_id, kind, target, now, report.reason, note
        )
        if decision is ReportDecision.ACTIONED:
            await notify_decision(uow, action, report.target_member_id)
        await uow.commit()
    return action
