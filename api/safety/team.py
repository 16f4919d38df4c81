"""The safety team's queries and mutations (staff only), and the member's side:
"I'm safe right now" and "I'd like someone to reach out"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar
from uuid import UUID

import strawberry

from api.errors import UserError, forbidden
from api.mutation_support import Fields, global_id, payload
from api.node import from_global_id, register_node
from api.pagination import After, Connection, First, decode_ranked_cursor, page_size
from api.safety.team_types import (
    STAFF_ONLY,
    SafetyItem,
    SafetyItemAuthor,
    queue_connection,
)
from domain.clock import Clock
from domain.errors import Forbidden, NotFound
from domain.members.model import Member
from domain.safety import services as safety
from domain.safety import staff as staff_actions
from domain.safety.team import ItemStatus, TargetKind
from domain.safety.team import SafetyItem as Item
from domain.uow import UnitOfWork

_ARG = strawberry.argument(description="The input.")
_ERRORS = "Problems with the input; empty when it worked."
_TARGET_TYPES = {"Post": TargetKind.POST, "Reply": TargetKind.REPLY, "CheckIn": TargetKind.CHECK_IN}


async def staff_viewer(info: strawberry.Info) -> Member:
    """The signed-in staff member. UNAUTHENTICATED when signed out, FORBIDDEN for
    anyone without a staff role (checked before anything else, input included)."""
    ctx = info.context
    identity = await ctx.identity()
    try:
        await staff_actions.require_staff(identity.uid, ctx.services.uow())
    except Forbidden as exc:
        raise forbidden(exc.message) from exc
    member: Member = await ctx.member()
    return member


@register_node("SafetyItem")
async def resolve_items(info: strawberry.Info, ids: list[UUID]) -> list[SafetyItem | None]:
    """Staff see items by ID; for everyone else they do not exist (null)."""
    ctx = info.context
    identity = await ctx.identity()
    if await staff_actions.staff_grant(ctx.services.uow(), identity.uid) is None:
        return [None] * len(ids)
    found = await ctx.services.safety_reads.items_by_ids(ids)
    return [SafetyItem.build(found[i]) if i in found else None for i in ids]


@strawberry.input(description="Which safety item.")
class SafetyItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item's global ID.")
    note: str | None = strawberry.field(
        default=None,
        description="What was done or is being done (required to resolve; up to 2,000 "
        "characters). Never put the member's words here.",
    )


@strawberry.input(description="Why the author of an item is needed.")
class RevealSafetyItemAuthorInput:
    item_id: strawberry.ID = strawberry.field(description="The item's global ID.")
    reason: str = strawberry.field(
        description="Why you need to know who wrote it (10 to 500 characters). Recorded in "
        "the audit trail with your name."
    )


@strawberry.input(description="Go on or off call.")
class SetSafetyOnCallInput:
    on_call: bool = strawberry.field(
        description="True to be pushed about new URGENT items and re-alerts."
    )


@strawberry.input(description="The content a safety prompt was about.")
class ImSafeRightNowInput:
    target_id: strawberry.ID = strawberry.field(
        description="The `targetId` of the safety prompt: your post, reply or check-in."
    )


@strawberry.input(description="The check-in to ask about.")
class AskSomeoneToReachOutInput:
    check_in_id: strawberry.ID = strawberry.field(description="Your check-in's global ID.")


@strawberry.type(description="The result of a change to a safety item.")
class SafetyItemPayload:
    item: SafetyItem | None = strawberry.field(description="The item after the change.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `revealSafetyItemAuthor`.")
class RevealSafetyItemAuthorPayload:
    author: SafetyItemAuthor | None = strawberry.field(
        description="Who wrote the item's content; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `setSafetyOnCall`.")
class SetSafetyOnCallPayload:
    on_call: bool | None = strawberry.field(description="Whether you are on call now.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `imSafeRightNow`.")
class ImSafeRightNowPayload:
    recorded_at: datetime | None = strawberry.field(
        description="When it was recorded; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `askSomeoneToReachOut`.")
class AskSomeoneToReachOutPayload:
    requested: bool = strawberry.field(
        description="True when the safety team has the request (asking twice keeps one)."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


T = TypeVar("T")
P = TypeVar("P")
StaffCall = Callable[[Member, UnitOfWork, Clock], Awaitable[T]]


async def _as_staff(
    info: strawberry.Info,
    kind: Callable[..., P],
    call: StaffCall[T],
    present: Callable[[T], Fields | Awaitable[Fields]],
) -> P:
    """Check that the viewer is staff (FORBIDDEN before anything else, input
    included), then run the use case on (staff member, unit of work, clock)."""
    staff = await staff_viewer(info)
    services = info.context.services
    return await payload(kind, lambda: call(staff, services.uow(), services.clock), present)


def _item_id(value: str) -> UUID:
    return global_id(value, "SafetyItem", "itemId")


@strawberry.type
class SafetyTeamQueries:
    @strawberry.field(
        description=f"{STAFF_ONLY} The safety queue: unresolved items ordered by risk (highest "
        "first), then age (oldest first). Shows the text, the circle and the rating's reasons; "
        "never a check-in's note, and never an anonymous author (see "
        "`revealSafetyItemAuthor`)."
    )
    async def safety_queue(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        include_resolved: Annotated[
            bool, strawberry.argument(description="Also list resolved items.")
        ] = False,
    ) -> Connection[SafetyItem]:
        await staff_viewer(info)
        size = page_size(first)
        position = decode_ranked_cursor("safety", after)
        reads = info.context.services.safety_reads
        found = await reads.queue_page(size, position, include_resolved)
        return queue_connection(found, size, after)


@strawberry.type
class SafetyTeamMutations:
    @strawberry.mutation(
        description=f"{STAFF_ONLY} Take an OPEN item: it becomes ACKNOWLEDGED and stops "
        "re-alerting. INVALID_TRANSITION for an item that is not OPEN."
    )
    async def acknowledge_safety_item(
        self, info: strawberry.Info, input: Annotated[SafetyItemInput, _ARG]
    ) -> SafetyItemPayload:
        return await _move(info, input, ItemStatus.ACKNOWLEDGED)

    @strawberry.mutation(
        description=f"{STAFF_ONLY} Resolve an ACKNOWLEDGED item with a note on what was done. "
        "INVALID_TRANSITION for an item that is not ACKNOWLEDGED."
    )
    async def resolve_safety_item(
        self, info: strawberry.Info, input: Annotated[SafetyItemInput, _ARG]
    ) -> SafetyItemPayload:
        return await _move(info, input, ItemStatus.RESOLVED)

    @strawberry.mutation(
        description=f"{STAFF_ONLY} Who wrote an item's content, anonymous or not, once you "
        "record why you need it. The reveal and its reason are audited."
    )
    async def reveal_safety_item_author(
        self, info: strawberry.Info, input: Annotated[RevealSafetyItemAuthorInput, _ARG]
    ) -> RevealSafetyItemAuthorPayload:
        async def present(author_id: UUID) -> Fields:
            found = await info.context.services.safety_reads.author(author_id)
            return {"author": SafetyItemAuthor.build(found)}

        return await _as_staff(
            info,
            RevealSafetyItemAuthorPayload,
            lambda staff, uow, clock: staff_actions.reveal_author(
                staff.firebase_uid, staff.id, _item_id(input.item_id), input.reason, uow, clock
            ),
            present,
        )

    @strawberry.mutation(
        description=f"{STAFF_ONLY} Go on or off call: on-call staff are pushed about new URGENT "
        "items and re-alerts (the push never carries the member's words)."
    )
    async def set_safety_on_call(
        self, info: strawberry.Info, input: Annotated[SetSafetyOnCallInput, _ARG]
    ) -> SetSafetyOnCallPayload:
        return await _as_staff(
            info,
            SetSafetyOnCallPayload,
            lambda staff, uow, clock: staff_actions.set_on_call(
                staff.firebase_uid, staff.id, input.on_call, uow, clock
            ),
            lambda grant: {"on_call": grant.on_call},
        )

    @strawberry.mutation(
        description='Say "I\'m safe right now" after a safety prompt about your own post, '
        "reply or check-in. It is recorded for the safety team; nothing else changes."
    )
    async def im_safe_right_now(
        self, info: strawberry.Info, input: Annotated[ImSafeRightNowInput, _ARG]
    ) -> ImSafeRightNowPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> datetime:
            parsed = from_global_id(input.target_id)
            if parsed is None or parsed[0] not in _TARGET_TYPES:
                raise NotFound("Post, reply or check-in", ("targetId",))
            said = await safety.say_safe(
                viewer.id,
                _TARGET_TYPES[parsed[0]],
                parsed[1],
                ctx.services.uow(),
                ctx.services.clock,
            )
            return said.at

        return await payload(ImSafeRightNowPayload, run, lambda at: {"recorded_at": at})

    @strawberry.mutation(
        description="\"I'd like someone to reach out\": asks Hearth's safety team to contact "
        "you about one of your check-ins. They see that you asked, never your note."
    )
    async def ask_someone_to_reach_out(
        self, info: strawberry.Info, input: Annotated[AskSomeoneToReachOutInput, _ARG]
    ) -> AskSomeoneToReachOutPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> bool:
            check_in_id = global_id(input.check_in_id, "CheckIn", "checkInId")
            await safety.ask_to_be_reached(
                viewer.id, check_in_id, ctx.services.uow(), ctx.services.clock
            )
            return True

        return await payload(
            AskSomeoneToReachOutPayload,
            run,
            lambda done: {"requested": done},
            lambda: {"requested": False},
        )


async def _move(info: strawberry.Info, input: SafetyItemInput, to: ItemStatus) -> SafetyItemPayload:
    async def present(item: Item) -> Fields:
        return {"item": (await resolve_items(info, [item.id]))[0]}

    return await _as_staff(
        info,
        SafetyItemPayload,
        lambda staff, uow, clock: staff_actions.move_item(
            staff.firebase_uid, staff.id, _item_id(input.item_id), to, input.note, uow, clock
        ),
        present,
    )
