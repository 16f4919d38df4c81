"""Offering to listen: setSupportAvailability, clearSupportAvailability and
``me.supportAvailability``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api.circles.types import CircleType, load_circle_type
from api.errors import UserError
from api.members.own import answers
from api.mutation_support import global_id, payload
from api.node import to_global_id
from domain.support import services
from domain.support.model import SupportAvailability

_ERRORS = "Why the input was refused."


@strawberry.type(description='You said "I\'m around to listen" for a while.')
class SupportAvailabilityType:
    id: strawberry.ID = strawberry.field(
        description="Stable for each member: one offer at a time per member (for caches)."
    )
    until: datetime = strawberry.field(
        description="When it ends (at most 12 hours after it was set)."
    )
    all_circles: bool = strawberry.field(
        description="True when you offered it in every circle you were in when you set it."
    )
    set_at: datetime = strawberry.field(description="When you set it.")
    circle_ids: strawberry.Private[tuple[UUID, ...]]

    @strawberry.field(description="The circles you offered to listen in (still yours).")
    async def circles(self, info: strawberry.Info) -> list[CircleType]:
        found = [await load_circle_type(info, c) for c in self.circle_ids]
        return [c for c in found if c is not None]

    @classmethod
    def build(cls, availability: SupportAvailability) -> SupportAvailabilityType:
        return cls(
            id=availability_id(availability.member_id),
            until=availability.until,
            all_circles=availability.all_circles,
            set_at=availability.set_at,
            circle_ids=availability.circle_ids,
        )


def availability_id(member_id: UUID) -> strawberry.ID:
    """The offer's id: one per member, whichever circles and times it has."""
    return to_global_id("SupportAvailability", member_id)


@strawberry.input(description='Say "I\'m around to listen" for a while.')
class SetSupportAvailabilityInput:
    until: datetime = strawberry.field(
        description="When it ends: in the future, at most 12 hours from now (with a UTC offset)."
    )
    circle_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Circles you are an active member of; omitted or empty: all of them.",
    )


@strawberry.type(
    description="The result of `setSupportAvailability` or `clearSupportAvailability`."
)
class SupportAvailabilityPayload:
    availability: SupportAvailabilityType | None = strawberry.field(
        description="Your offer now; null when cleared or on user errors."
    )
    cleared_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="On `clearSupportAvailability`: the id of the offer that ended, for "
        "caches to evict (null when there was none).",
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@answers("supportAvailability")
async def own_availability(info: strawberry.Info) -> SupportAvailabilityType | None:
    viewer = await info.context.member()
    services_ = info.context.services
    found = await services.current_availability(viewer.id, services_.uow(), services_.clock)
    return SupportAvailabilityType.build(found) if found else None


@strawberry.type
class SupportMutations:
    @strawberry.mutation(
        description='Say "I\'m around to listen" until a time (at most 12 hours ahead) in '
        "some or all of your circles. While it lasts, when a post there waits too long for a "
        "reply (the circle's `nudgeAfterMinutes`), you may get a push asking you to look. "
        "Replaces an earlier offer."
    )
    async def set_support_availability(
        self,
        info: strawberry.Info,
        input: Annotated[SetSupportAvailabilityInput, strawberry.argument(description="When.")],
    ) -> SupportAvailabilityPayload:
        viewer = await info.context.member()
        ctx = info.context.services

        async def run() -> SupportAvailability:
            circle_ids = [global_id(c, "Circle", "circleIds") for c in input.circle_ids or []]
            command = services.SetAvailability(viewer.id, input.until, circle_ids)
            return await services.set_availability(command, ctx.uow(), ctx.clock)

        return await payload(
            SupportAvailabilityPayload,
            run,
            lambda done: {"availability": SupportAvailabilityType.build(done)},
        )

    @strawberry.mutation(description="Stop offering to listen (nothing happens if you weren't).")
    async def clear_support_availability(self, info: strawberry.Info) -> SupportAvailabilityPayload:
        viewer = await info.context.member()
        ctx = info.context.services

        async def run() -> bool:
            had = await services.current_availability(viewer.id, ctx.uow(), ctx.clock)
            await services.clear_availability(viewer.id, ctx.uow())
            return had is not None

        return await payload(
            SupportAvailabilityPayload,
            run,
            lambda had: {"cleared_id": availability_id(viewer.id) if had else None},
        )
