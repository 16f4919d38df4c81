"""Member mutations: onboarding and profile edits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from api.members.types import (
    CompleteOnboardingInput,
    CompleteOnboardingPayload,
    MemberType,
    UpdateProfileInput,
    UpdateProfilePayload,
)
from api.mutation_support import payload
from domain.members import services as members
from domain.members.model import Member

P = TypeVar("P")


async def _own_profile(
    info: strawberry.Info, kind: Callable[..., P], call: Callable[[], Awaitable[Member]]
) -> P:
    """Run a change to the signed-in member's profile; the payload has the profile as
    it is now, and the request forgets the member it had read."""
    answer = await payload(
        kind, call, lambda member: {"member": MemberType.from_model(member, member.id)}
    )
    info.context.forget_member()
    return answer


@strawberry.type
class MemberMutations:
    @strawberry.mutation(
        description="Create the signed-in account's profile and record consent to the "
        "community guidelines (and, when given, the health-data consent). Needs sign-in."
    )
    async def complete_onboarding(
        self,
        info: strawberry.Info,
        input: Annotated[
            CompleteOnboardingInput, strawberry.argument(description="The new profile.")
        ],
    ) -> CompleteOnboardingPayload:
        ctx = info.context
        identity = await ctx.identity()
        command = members.CompleteOnboarding(
            firebase_uid=identity.uid,
            display_name=input.display_name,
            timezone=input.timezone,
            region=input.region,
            confirms_adult=input.confirms_adult,
            accepted_guidelines_version=input.accepted_guidelines_version,
            accepted_health_data_consent_version=input.accepted_health_data_consent_version,
        )
        services = ctx.services
        return await _own_profile(
            info,
            CompleteOnboardingPayload,
            lambda: members.complete_onboarding(
                command, services.uow(), services.clock, services.contacts, services.skeletons
            ),
        )

    @strawberry.mutation(description="Edit the signed-in member's profile. Needs sign-in.")
    async def update_profile(
        self,
        info: strawberry.Info,
        input: Annotated[UpdateProfileInput, strawberry.argument(description="The changes.")],
    ) -> UpdateProfilePayload:
        ctx = info.context
        identity = await ctx.identity()
        command = members.UpdateProfile(
            firebase_uid=identity.uid,
            display_name=input.display_name,
            pronouns=input.pronouns,
            bio=input.bio,
            timezone=input.timezone,
            region=input.region,
        )
        services = ctx.services
        return await _own_profile(
            info,
            UpdateProfilePayload,
            lambda: members.update_profile(
                command,
                services.uow(),
                services.clock,
                services.limiter,
                services.contacts,
                services.skeletons,
            ),
        )
