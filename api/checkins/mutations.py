"""Check-in mutations: check in, edit, delete, and reminder settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated
from uuid import UUID

import strawberry

from api.checkins.inputs import (
    CheckInInput,
    CheckInPayload,
    DeleteCheckInInput,
    DeleteCheckInPayload,
    EditCheckInInput,
    SetCheckInReminderInput,
    SetCheckInReminderPayload,
)
from api.checkins.types import CheckInReminderType, CheckInType
from api.mutation_support import Fields, global_id, payload
from api.node import to_global_id
from api.safety.prompts import safety_prompt
from domain.checkins import services as checkins
from domain.checkins.model import CheckIn
from domain.members.model import Member
from domain.safety.team import TargetKind

_ARG = strawberry.argument(description="The input.")


def _circle_ids(values: Sequence[str]) -> list[UUID]:
    return [global_id(v, "Circle", "shareWithCircleIds") for v in values]


async def _payload(
    info: strawberry.Info, viewer: Member, run: Callable[[], Awaitable[CheckIn]]
) -> CheckInPayload:
    """The check-in, and the safety prompt when its note was rated CONCERN or higher:
    only the member sees it (no staff queue, no moderator)."""

    def present(made: CheckIn) -> Fields:
        prompt = safety_prompt(info, viewer, TargetKind.CHECK_IN, made.id, made.risk_level)
        return {"check_in": CheckInType.build(made), "safety": prompt}

    return await payload(CheckInPayload, run, present)


@strawberry.type
class CheckInMutations:
    @strawberry.mutation(
        description="Check in: how you feel now. The note stays private; mood and emotions "
        "can be shared with circles you are an active member of."
    )
    async def check_in(
        self, info: strawberry.Info, input: Annotated[CheckInInput, _ARG]
    ) -> CheckInPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> CheckIn:
            command = checkins.CheckInCommand(
                member_id=viewer.id,
                mood=input.mood,
                emotions=input.emotions,
                note=input.note,
                share_with_circle_ids=_circle_ids(input.share_with_circle_ids),
                idempotency_key=input.idempotency_key,
            )
            services = ctx.services
            return await checkins.check_in(
                command, services.uow(), services.clock, services.detector
            )

        return await _payload(info, viewer, run)

    @strawberry.mutation(description="Change one of your check-ins within 24 hours of making it.")
    async def edit_check_in(
        self, info: strawberry.Info, input: Annotated[EditCheckInInput, _ARG]
    ) -> CheckInPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> CheckIn:
            shares = input.share_with_circle_ids
            command = checkins.EditCheckIn(
                member_id=viewer.id,
                check_in_id=global_id(input.check_in_id, "CheckIn", "checkInId"),
                mood=input.mood,
                emotions=input.emotions,
                note=input.note,
                share_with_circle_ids=_circle_ids(shares) if shares is not None else None,
            )
            services = ctx.services
            return await checkins.edit_check_in(
                command, services.uow(), services.clock, services.detector
            )

        return await _payload(info, viewer, run)

    @strawberry.mutation(description="Delete one of your check-ins, and every share of it.")
    async def delete_check_in(
        self, info: strawberry.Info, input: Annotated[DeleteCheckInInput, _ARG]
    ) -> DeleteCheckInPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> UUID:
            check_in_id = global_id(input.check_in_id, "CheckIn", "checkInId")
            return await checkins.delete_check_in(viewer.id, check_in_id, ctx.services.uow())

        return await payload(
            DeleteCheckInPayload,
            run,
            lambda deleted: {"deleted_check_in_id": to_global_id("CheckIn", deleted)},
        )

    @strawberry.mutation(
        description="Choose when to be reminded to check in, in your profile's timezone. "
        "A day you already checked in on gets no reminder."
    )
    async def set_check_in_reminder(
        self, info: strawberry.Info, input: Annotated[SetCheckInReminderInput, _ARG]
    ) -> SetCheckInReminderPayload:
        ctx, viewer = info.context, await info.context.member()
        command = checkins.SetCheckInReminder(
            member_id=viewer.id,
            enabled=input.enabled,
            local_times=input.local_times,
            weekdays=input.weekdays,
        )
        return await payload(
            SetCheckInReminderPayload,
            lambda: checkins.set_check_in_reminder(command, ctx.services.uow(), ctx.services.clock),
            lambda reminder: {"reminder": CheckInReminderType.build(reminder)},
        )
