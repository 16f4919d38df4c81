"""Report and moderation mutations: parse input, call a use case, map the result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api.moderation.types import (
    ModerationActionPayload,
    ReportPayload,
    ReportType,
    log_entry,
)
from api.mutation_support import Fields, global_id, payload
from api.node import from_global_id, to_global_id
from api.safety.types import CrisisResourcesType
from domain.clock import Clock
from domain.errors import NotFound
from domain.moderation import actions, reports
from domain.moderation.model import (
    ModerationAction,
    ReportDecision,
    ReportReason,
    TargetType,
)
from domain.moderation.support import reporter_support
from domain.uow import UnitOfWork

_TARGETS = {"Post": TargetType.POST, "Reply": TargetType.REPLY, "Member": TargetType.MEMBER}


@strawberry.input(description="A report of a post, a reply or a member.")
class ReportInput:
    target_id: strawberry.ID = strawberry.field(description="The post, reply or member.")
    reason: ReportReason = strawberry.field(description="Why.")
    note: str | None = strawberry.field(
        default=None, description="What moderators should know (at most 500 characters)."
    )
    circle_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where it happened; required when reporting a member."
    )


@strawberry.input(description="Hide a post or reply. Owner or moderators.")
class HideContentInput:
    target_id: strawberry.ID = strawberry.field(description="The post or reply.")
    reason: ReportReason = strawberry.field(description="The guideline it broke.")
    message: str | None = strawberry.field(
        default=None, description="A note for the author and the log (at most 500)."
    )


@strawberry.input(description="Restore hidden content. Owner or moderators.")
class RestoreContentInput:
    target_id: strawberry.ID = strawberry.field(description="The post or reply.")
    message: str | None = strawberry.field(default=None, description="A note (at most 500).")


@strawberry.input(description="Act on a member of a circle. Owner or moderators.")
class MemberActionInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    member_id: strawberry.ID = strawberry.field(description="The member.")
    reason: ReportReason | None = strawberry.field(
        default=None, description="The guideline broken."
    )
    message: str | None = strawberry.field(default=None, description="A note (at most 500).")


@strawberry.input(description="Mute a member: they read but can't post or reply until then.")
class MuteMemberInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    member_id: strawberry.ID = strawberry.field(description="The member.")
    until: datetime = strawberry.field(
        description="When the mute ends (at most 90 days ahead; a past time lifts it)."
    )
    reason: ReportReason | None = strawberry.field(
        default=None, description="The guideline broken."
    )
    message: str | None = strawberry.field(default=None, description="A note (at most 500).")


@strawberry.input(description="Close the reports about one item.")
class ResolveReportInput:
    report_id: strawberry.ID = strawberry.field(description="A `ModerationQueueItem.reportId`.")
    decision: ReportDecision = strawberry.field(description="ACTIONED or DISMISSED.")
    message: str | None = strawberry.field(default=None, description="A note (at most 500).")


def _target(value: str, allowed: tuple[str, ...]) -> tuple[TargetType, UUID]:
    parsed = from_global_id(value)
    if parsed is None or parsed[0] not in allowed:
        raise NotFound("Target", ("input", "targetId"))
    return _TARGETS[parsed[0]], parsed[1]


ActionCall = Callable[[UUID, UnitOfWork, Clock], Awaitable[ModerationAction]]
"""A moderation use case on (viewer, unit of work, clock)."""


async def _action_payload(info: strawberry.Info, call: ActionCall) -> ModerationActionPayload:
    """Run the use case and hand back the log entry it wrote (or the user errors)."""
    ctx, viewer = info.context, await info.context.member()

    async def present(action: ModerationAction) -> Fields:
        view = await ctx.services.moderation_reads.log_entry(action)
        return {"entry": log_entry(view, viewer.id)}

    return await payload(
        ModerationActionPayload,
        lambda: call(viewer.id, ctx.services.uow(), ctx.services.clock),
        present,
    )


MemberUseCase = Callable[[UUID, UUID, UUID, UnitOfWork, Clock], Awaitable[ModerationAction]]


def _on_member(input: MemberActionInput | MuteMemberInput, use_case: MemberUseCase) -> ActionCall:
    """Call a use case on (viewer, circle, member, unit of work, clock); the IDs are
    parsed in the call, so a bad one comes back as a user error."""

    def call(actor_id: UUID, uow: UnitOfWork, clock: Clock) -> Awaitable[ModerationAction]:
        circle_id = global_id(input.circle_id, "Circle", "circleId")
        member_id = global_id(input.member_id, "Member", "memberId")
        return use_case(actor_id, circle_id, member_id, uow, clock)

    return call


def _content_id(input: HideContentInput | RestoreContentInput) -> UUID:
    return _target(input.target_id, ("Post", "Reply"))[1]


_ARG = strawberry.argument(description="The input.")


@strawberry.type
class ModerationMutations:
    @strawberry.mutation(
        description="Report a post, a reply or a member to the circle's moderators. One open "
        "report per target; you are never named to the member or to moderators."
    )
    async def report(
        self, info: strawberry.Info, input: Annotated[ReportInput, _ARG]
    ) -> ReportPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> ReportType:
            target_type, target_id = _target(input.target_id, ("Post", "Reply", "Member"))
            circle_id = (
                global_id(input.circle_id, "Circle", "circleId") if input.circle_id else None
            )
            command = reports.FileReport(
                viewer.id, target_type, target_id, input.reason, input.note, circle_id
            )
            services = ctx.services
            filed = await reports.file_report(
                command, services.uow(), services.clock, services.limiter
            )
            return ReportType(
                id=to_global_id("Report", filed.id),
                reason=filed.reason,
                status=filed.status,
                created_at=filed.created_at,
            )

        def present(filed: ReportType) -> Fields:
            support = reporter_support(filed.reason, viewer.region, ctx.services.crisis_directory)
            if support is None:
                return {"report": filed}
            return {
                "report": filed,
                "support_guide": support.guide,
                "crisis_resources": CrisisResourcesType.from_domain(support.resources),
            }

        return await payload(ReportPayload, run, present)

    @strawberry.mutation(
        description="Hide a post or reply: readers see it as hidden by a moderator, the author "
        "still sees it with the reason. Owner or moderators."
    )
    async def hide_content(
        self, info: strawberry.Info, input: Annotated[HideContentInput, _ARG]
    ) -> ModerationActionPayload:
        return await _action_payload(
            info,
            lambda actor, uow, clock: actions.hide_content(
                actor, _content_id(input), input.reason, input.message, uow, clock
            ),
        )

    @strawberry.mutation(description="Show hidden content again. Owner or moderators.")
    async def restore_content(
        self, info: strawberry.Info, input: Annotated[RestoreContentInput, _ARG]
    ) -> ModerationActionPayload:
        return await _action_payload(
            info,
            lambda actor, uow, clock: actions.restore_content(
                actor, _content_id(input), input.message, uow, clock
            ),
        )

    @strawberry.mutation(
        description="Take a member out of a circle (they may rejoin; `banMember` keeps them "
        "out). Owner or moderators; only the owner acts on moderators."
    )
    async def remove_member(
        self, info: strawberry.Info, input: Annotated[MemberActionInput, _ARG]
    ) -> ModerationActionPayload:
        return await _action_payload(
            info,
            _on_member(
                input,
                lambda actor, circle, member, uow, clock: actions.remove_member(
                    actor, circle, member, input.reason, input.message, uow, clock
                ),
            ),
        )

    @strawberry.mutation(
        description="Lift a ban so the member may join again. Owner or moderators."
    )
    async def unban_member(
        self, info: strawberry.Info, input: Annotated[MemberActionInput, _ARG]
    ) -> ModerationActionPayload:
        return await _action_payload(
            info,
            _on_member(
                input,
                lambda actor, circle, member, uow, clock: actions.unban_member(
                    actor, circle, member, input.message, uow, clock
                ),
            ),
        )

    @strawberry.mutation(
        description="Mute a member until a time: they read the circle but can't post or reply. "
        "Owner or moderators; only the owner acts on moderators."
    )
    async def mute_member(
        self, info: strawberry.Info, input: Annotated[MuteMemberInput, _ARG]
    ) -> ModerationActionPayload:
        return await _action_payload(
            info,
            _on_member(
                input,
                lambda actor, circle, member, uow, clock: actions.mute_member(
                    actor, circle, member, input.until, input.reason, input.message, uow, clock
                ),
            ),
        )

    @strawberry.mutation(
        description="Close every open report about one item as ACTIONED (the member concerned "
        "gets a notice) or DISMISSED. Owner or moderators."
    )
    async def resolve_report(
        self, info: strawberry.Info, input: Annotated[ResolveReportInput, _ARG]
    ) -> ModerationActionPayload:
        return await _action_payload(
            info,
            lambda actor, uow, clock: actions.resolve_report(
                actor,
                global_id(input.report_id, "Report", "reportId"),
                input.decision,
                input.message,
                uow,
                clock,
            ),
        )
