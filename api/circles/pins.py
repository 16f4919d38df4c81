"""``pinToCircle`` / ``unpinFromCircle``: owner and moderators keep up to three
resources or posts on top of a circle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

import strawberry

from api.circles.types import CircleType
from api.errors import UserError
from api.loaders import forget
from api.mutation_support import Fields, global_id, payload
from api.node import from_global_id
from domain.circles import pins
from domain.circles.pins import PinKind, PinTarget
from domain.errors import NotFound

_KINDS = {"Post": PinKind.POST, "Resource": PinKind.RESOURCE}
_ERRORS = "Why the input was refused."


@strawberry.input(description="A circle and something to pin on it. Owner or moderators.")
class PinToCircleInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    item_id: strawberry.ID = strawberry.field(
        description="A Resource, or a Post of this circle (not a removed one)."
    )


@strawberry.input(description="A circle and something pinned on it. Owner or moderators.")
class UnpinFromCircleInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    item_id: strawberry.ID = strawberry.field(description="The pinned Resource or Post.")


@strawberry.type(description="The result of pinToCircle or unpinFromCircle.")
class PinsPayload:
    circle: CircleType | None = strawberry.field(
        description="The circle, with its pins as they are now; null on error."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


def _target(item_id: str) -> PinTarget:
    parsed = from_global_id(item_id)
    if parsed is None or parsed[0] not in _KINDS:
        raise NotFound("Resource or post", ("input", "itemId"))
    return PinTarget(_KINDS[parsed[0]], parsed[1])


async def _payload(info: strawberry.Info, run: Callable[[], Awaitable[UUID]]) -> PinsPayload:
    """The circle with its pins as they are after the change."""

    async def present(circle_id: UUID) -> Fields:
        loader = info.context.loaders.circle_by_id
        forget(loader, circle_id)
        pair = await loader.load(circle_id)
        assert pair is not None
        return {"circle": CircleType.build(*pair)}

    return await payload(PinsPayload, run, present)


@strawberry.type
class PinMutations:
    @strawberry.mutation(
        description="Pin a Resource or one of the circle's Posts on top of the circle, as "
        f"`Circle.pinned` shows. At most {pins.MAX_PINS} pins (TOO_MANY_PINS); ALREADY_PINNED; "
        "NOT_FOUND for unknown items, posts of other circles and removed posts. Owner and "
        "moderators only (FORBIDDEN for other members)."
    )
    async def pin_to_circle(
        self,
        info: strawberry.Info,
        input: Annotated[PinToCircleInput, strawberry.argument(description="What to pin where.")],
    ) -> PinsPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> UUID:
            circle_id = global_id(input.circle_id, "Circle", "circleId")
            await pins.pin_to_circle(
                viewer.id,
                circle_id,
                _target(input.item_id),
                ctx.services.uow(),
                ctx.services.resources,
                ctx.services.clock,
            )
            return circle_id

        return await _payload(info, run)

    @strawberry.mutation(
        description="Take a pin off a circle (also one whose post was removed since). "
        "Owner and moderators only (FORBIDDEN for other members); NOT_FOUND when it is not "
        "pinned there."
    )
    async def unpin_from_circle(
        self,
        info: strawberry.Info,
        input: Annotated[
            UnpinFromCircleInput, strawberry.argument(description="What to unpin where.")
        ],
    ) -> PinsPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> UUID:
            circle_id = global_id(input.circle_id, "Circle", "circleId")
            target = _target(input.item_id)
            await pins.unpin_from_circle(viewer.id, circle_id, target.item_id, ctx.services.uow())
            return circle_id

        return await _payload(info, run)
