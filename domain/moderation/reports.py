"""Reporting a post, a reply or a member."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from domain.circles.model import can_read
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, NotFound
from domain.members.rules import normalize_text
from domain.moderation.model import SAFETY_REASONS, Report, ReportReason, TargetType
from domain.ratelimits.policy import Action, RateLimiter, take_slot
from domain.safety.services import open_for_peer_report
from domain.safety.team import TargetKind
from domain.uow import UnitOfWork

NOTE_MAX = 500
_SAFETY_KINDS = {
    TargetType.POST: TargetKind.POST,
    TargetType.REPLY: TargetKind.REPLY,
    TargetType.MEMBER: TargetKind.MEMBER,
}


@dataclass(frozen=True, slots=True)
class FileReport:
    reporter_id: UUID
    target_type: TargetType
    target_id: UUID
    reason: ReportReason
    note: str | None = None
    circle_id: UUID | None = None
    """Where a member is reported (required for members; content knows its circle)."""


def _note(raw: str | None) -> str | None:
    note = normalize_text(raw) if raw else ""
    if len(note) > NOTE_MAX:
        raise DomainError(
            ErrorCode.TOO_LONG, f"Keep the note under {NOTE_MAX} characters.", ("note",)
        )
    return note or None


async def _target(uow: UnitOfWork, cmd: FileReport) -> tuple[UUID, UUID]:
    """(circle, the member the report is about). NOT_FOUND, the same for every
    reason, when the reporter may not see the target."""
    if cmd.target_type is TargetType.MEMBER:
        if cmd.circle_id is None:
            raise DomainError(
                ErrorCode.INVALID, "Say in which circle this happened.", ("circleId",)
            )
        reporter = await uow.memberships.get(cmd.circle_id, cmd.reporter_id)
        target = await uow.memberships.get(cmd.circle_id, cmd.target_id)
        if not can_read(reporter) or target is None:
            raise NotFound("Member", ("targetId",))
        return cmd.circle_id, cmd.target_id
    content = await (uow.posts if cmd.target_type is TargetType.POST else uow.replies).get(
        cmd.target_id
    )
    reporter = await uow.memberships.get(content.circle_id, cmd.reporter_id) if content else None
    if content is None or content.is_removed or not can_read(reporter):
        raise NotFound("Post or reply", ("targetId",))
    return content.circle_id, content.author_id


async def file_report(
    cmd: FileReport, uow: UnitOfWork, clock: Clock, limiter: RateLimiter
) -> Report:
    """File a report. One open report per member and target; the reporter is never
    shown to the reported member or to moderators. SUICIDE_RISK and SELF_HARM_RISK
    reports are marked for the safety team (``safety_review``) and open (or join) an
    item in the safety team's queue in the same transaction, whether the target is a
    post, a reply or a member.

    A member may report content hidden from them by a block (they saw it before):
    success then says nothing about who wrote it.

    Like every limited action, a valid input takes a rate-limit slot (``Action.REPORT``)
    before the target is looked up, so probing for hidden content is limited too."""
    note = _note(cmd.note)
    await take_slot(limiter, cmd.reporter_id, Action.REPORT)
    async with uow:
        circle_id, about = await _target(uow, cmd)
        if about == cmd.reporter_id:
            raise DomainError(
                ErrorCode.SELF_TARGET, "You can't report yourself or your own posts.", ("targetId",)
            )
        if await uow.reports.open_by(cmd.reporter_id, cmd.target_id) is not None:
            raise DomainError(
                ErrorCode.ALREADY_REPORTED,
                "You already reported this; moderators will look at it.",
                ("targetId",),
            )
        report = Report(
            uuid4(),
            circle_id,
            cmd.reporter_id,
            cmd.target_type,
            cmd.target_id,
            about,
            cmd.reason,
            note,
            clock.now(),
            safety_review=cmd.reason in SAFETY_REASONS,
        )
        await uow.reports.add(report)
        if report.safety_review:
            await open_for_peer_report(
                uow,
                _SAFETY_KINDS[cmd.target_type],
                cmd.target_id,
                circle_id,
                about,
                cmd.reason.value,
                clock,
            )
        await uow.commit()
    return report
