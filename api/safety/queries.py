"""Safety queries: crisisResources, the "get help now" entry."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError

from api.errors import HearthError, TopLevelCode
from api.safety.types import CrisisResourcesType
from domain.errors import DomainError
from domain.safety.crisis import resolve_region, resources_for


@strawberry.type
class SafetyQueries:
    @strawberry.field(
        description="Where to get help now: the emergency numbers and crisis lines for a "
        "region, plus international directories of helplines. Hearth is peer support, not a "
        "crisis or emergency service; if someone is in danger, call the emergency number. "
        "No sign-in needed. Without `region`, a signed-in member gets their own region's "
        "resources; anyone else gets the international directories. An unknown region code "
        "is an UNKNOWN_REGION error."
    )
    async def crisis_resources(
        self,
        info: strawberry.Info,
        region: Annotated[
            str | None,
            strawberry.argument(
                description='An ISO 3166-1 alpha-2 region code, e.g. "GB" or "US" (any case). '
                "Leave it out to use the signed-in member's region."
            ),
        ] = None,
    ) -> CrisisResourcesType:
        member_region = None if region is not None else await _viewer_region(info)
        try:
            code = resolve_region(region, member_region)
            resources = resources_for(info.context.services.crisis_directory, code)
        except DomainError as exc:
            raise HearthError(exc.message, TopLevelCode(exc.code.value)) from exc
        return CrisisResourcesType.from_domain(resources)


async def _viewer_region(info: strawberry.Info) -> str | None:
    """The signed-in member's region. Help must never wait on sign-in: a missing,
    expired or unverifiable token, or an account without a profile, gives None."""
    if info.context.token is None:
        return None
    try:
        member = await info.context.member_or_none()
    except GraphQLError:
        return None
    return member.region if member else None
