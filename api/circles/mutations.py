"""Circle mutations. Resolvers parse input, call a use case and map the result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated
from uuid import UUID

import strawberry

from api.circles import inputs as i
from api.circles.types import (
    CircleMember,
    CircleType,
    InviteType,
    load_circle_type,
    viewer_membership,
)
from api.loaders import forget
from api.members.types import MemberType
from api.mutation_support import Fields, global_id, payload, read_back
from api.node import to_global_id, to_pair_id
from domain.circles import membership_services as memberships
from domain.circles import services as circles
from domain.circles.model import Membership
from domain.clock import Clock
from domain.members.reads import public_profile
from domain.uow import UnitOfWork


async def _circle(info: strawberry.Info, circle_id: UUID) -> CircleType:
    loader = info.context.loaders.circle_by_id
    forget(loader, circle_id)
    pair = await loader.load(circle_id)
    assert pair is not None
    return CircleType.build(*pair)


async def _circle_member(info: strawberry.Info, membership: Membership) -> CircleMember:
    forget(info.context.loaders.member_by_id, membership.member_id)
    member = await info.context.loaders.member_by_id.load(membership.member_id)
    viewer = await info.context.member()
    return CircleMember(
        id=to_pair_id("CircleMember", membership.circle_id, membership.member_id),
        member=MemberType.from_profile(public_profile(member), viewer.id),
        role=membership.role,
        status=membership.status,
        since=membership.created_at,
        circle_id=to_global_id("Circle", membership.circle_id),
    )


async def _circle_payload(info: strawberry.Info, circle_id: UUID) -> Fields:
    return {"circle": await read_back(lambda: _circle(info, circle_id), None)}


async def _visible_circle(info: strawberry.Info, circle_id: UUID) -> CircleType | None:
    """The circle as the viewer now sees it (fresh), or None when it is hidden to them."""
    forget(info.context.loaders.circle_by_id, circle_id)
    return await load_circle_type(info, circle_id)


def _input(description: str) -> object:
    return strawberry.argument(description=description)


@strawberry.type
class CircleMutations:
    @strawberry.mutation(description="Create a circle; you become its owner.")
    async def create_circle(
        self, info: strawberry.Info, input: Annotated[i.CreateCircleInput, _input("The circle.")]
    ) -> i.CirclePayload:
        ctx, viewer = info.context, await info.context.member()
        command = circles.CreateCircle(
            viewer.id,
            input.name,
            input.description,
            input.topics,
            input.visibility,
            input.capacity,
            input.guidelines,
        )
        return await payload(
            i.CirclePayload,
            lambda: circles.create_circle(
                command, ctx.services.uow(), ctx.services.clock, ctx.services.limiter
            ),
            lambda circle: _circle_payload(info, circle.id),
        )

    @strawberry.mutation(description="Change a circle. Owner or moderators.")
    async def update_circle(
        self, info: strawberry.Info, input: Annotated[i.UpdateCircleInput, _input("The changes.")]
    ) -> i.CirclePayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> UUID:
            command = circles.UpdateCircle(
                viewer.id,
                global_id(input.circle_id, "Circle", "circleId"),
                input.name,
                input.description,
                input.topics,
                input.visibility,
                input.capacity,
                input.guidelines,
                input.nudge_after_minutes,
            )
            return (await circles.update_circle(command, ctx.services.uow())).id

        return await payload(
            i.CirclePayload, run, lambda circle_id: _circle_payload(info, circle_id)
        )

    @strawberry.mutation(
        description="Join a public circle at once, a private one with an invite code, or ask "
        "to join a private one (PENDING)."
    )
    async def join_circle(
        self, info: strawberry.Info, input: Annotated[i.JoinCircleInput, _input("What to join.")]
    ) -> i.JoinCirclePayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> circles.JoinResult:
            circle_id = global_id(input.circle_id, "Circle", "circleId")
            services = ctx.services
            return await circles.join_circle(
                viewer.id,
                circle_id,
                input.invite_code,
                services.uow(),
                services.clock,
                services.limiter,
            )

        async def present(joined: circles.JoinResult) -> Fields:
            circle = (
                await read_back(lambda: _circle(info, joined.circle.id), None)
                if joined.membership.is_active
                else None
            )
            return {"circle": circle, "membership": viewer_membership(joined.membership)}

        return await payload(i.JoinCirclePayload, run, present)

    @strawberry.mutation(description="Create an invite code for a circle. Owner or moderators.")
    async def create_invite(
        self, info: strawberry.Info, input: Annotated[i.CreateInviteInput, _input("The invite.")]
    ) -> i.CreateInvitePayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> InviteType:
            invite, code = await circles.create_invite(
                viewer.id,
                global_id(input.circle_id, "Circle", "circleId"),
                input.max_uses,
                timedelta(hours=input.valid_for_hours),
                ctx.services.uow(),
                ctx.services.clock,
                ctx.services.limiter,
            )
            return InviteType(
                id=to_global_id("Invite", invite.id),
                code=code,
                expires_at=invite.expires_at,
                max_uses=invite.max_uses,
            )

        return await payload(i.CreateInvitePayload, run, lambda invite: {"invite": invite})

    @strawberry.mutation(description="Let a pending member in. Owner or moderators.")
    async def approve_join_request(
        self, info: strawberry.Info, input: Annotated[i.CircleMemberInput, _input("Who.")]
    ) -> i.MembershipPayload:
        return await _membership_change(info, input, memberships.approve_join_request)

    @strawberry.mutation(description="Turn down a join request. Owner or moderators.")
    async def decline_join_request(
        self, info: strawberry.Info, input: Annotated[i.CircleMemberInput, _input("Who.")]
    ) -> i.MembershipPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> tuple[UUID, UUID]:
            circle_id, member_id = _pair(input)
            await memberships.decline_join_request(
                viewer.id, circle_id, member_id, ctx.services.uow()
            )
            return circle_id, member_id

        async def present(pair: tuple[UUID, UUID]) -> Fields:
            return {
                "removed_membership_id": to_pair_id("CircleMember", *pair),
                "circle": await read_back(lambda: _visible_circle(info, pair[0]), None),
            }

        return await payload(i.MembershipPayload, run, present)

    @strawberry.mutation(
        description="Leave a circle, or withdraw a join request. Owners hand on first."
    )
    async def leave_circle(
        self, info: strawberry.Info, input: Annotated[i.CircleInput, _input("The circle.")]
    ) -> i.LeaveCirclePayload:
        viewer = await info.context.member()

        async def present(circle_id: UUID) -> Fields:
            return {
                "circle_id": to_global_id("Circle", circle_id),
                "circle": await read_back(lambda: _visible_circle(info, circle_id), None),
                "removed_membership_id": to_pair_id("CircleMember", circle_id, viewer.id),
            }

        return await payload(
            i.LeaveCirclePayload,
            _on_circle(info, viewer.id, input, memberships.leave_circle),
            present,
        )

    @strawberry.mutation(
        description="Delete a circle for good, with its posts, replies, reactions and shared "
        "check-ins. Owner only. Live activity streams for it end."
    )
    async def delete_circle(
        self, info: strawberry.Info, input: Annotated[i.CircleInput, _input("The circle.")]
    ) -> i.DeleteCirclePayload:
        viewer = await info.context.member()
        return await payload(
            i.DeleteCirclePayload,
            _on_circle(info, viewer.id, input, circles.delete_circle),
            lambda circle_id: {"deleted_circle_id": to_global_id("Circle", circle_id)},
        )

    @strawberry.mutation(description="Set a member's role. Owner only; OWNER hands ownership on.")
    async def set_member_role(
        self, info: strawberry.Info, input: Annotated[i.SetMemberRoleInput, _input("Who and what.")]
    ) -> i.MembershipPayload:
        return await _membership_change(
            info,
            input,
            lambda actor, circle, member, uow, clock: memberships.set_member_role(
                actor, circle, member, input.role, uow, clock
            ),
        )

    @strawberry.mutation(description="Ban a member from a circle for good. Owner or moderators.")
    async def ban_member(
        self, info: strawberry.Info, input: Annotated[i.CircleMemberInput, _input("Who.")]
    ) -> i.MembershipPayload:
        return await _membership_change(info, input, memberships.ban_member)


MembershipChange = Callable[[UUID, UUID, UUID, UnitOfWork, Clock], Awaitable[Membership]]
"""A use case on (viewer, circle, member, unit of work, clock)."""


async def _membership_change(
    info: strawberry.Info,
    input: i.CircleMemberInput | i.SetMemberRoleInput,
    change: MembershipChange,
) -> i.MembershipPayload:
    """Run the change (the IDs are parsed in it, so a bad one is a user error); the
    payload has the membership and the circle as the viewer now sees them."""
    ctx, viewer = info.context, await info.context.member()

    async def run() -> Membership:
        circle_id, member_id = _pair(input)
        return await change(viewer.id, circle_id, member_id, ctx.services.uow(), ctx.services.clock)

    async def present(membership: Membership) -> Fields:
        member = await read_back(lambda: _circle_member(info, membership), None)
        circle = await read_back(lambda: _visible_circle(info, membership.circle_id), None)
        return {"membership": member, "circle": circle}

    return await payload(i.MembershipPayload, run, present)


def _on_circle(
    info: strawberry.Info,
    viewer_id: UUID,
    input: i.CircleInput,
    use_case: Callable[[UUID, UUID, UnitOfWork], Awaitable[object]],
) -> Callable[[], Awaitable[UUID]]:
    """A use case on (viewer, circle, unit of work), to run as ``payload``'s call: the
    ID is parsed in it, so a bad one is a user error. It returns the circle's id."""

    async def run() -> UUID:
        circle_id = global_id(input.circle_id, "Circle", "circleId")
        await use_case(viewer_id, circle_id, info.context.services.uow())
        return circle_id

    return run


def _pair(input: i.CircleMemberInput | i.SetMemberRoleInput) -> tuple[UUID, UUID]:
    return global_id(input.circle_id, "Circle", "circleId"), global_id(
        input.member_id, "Member", "memberId"
    )
