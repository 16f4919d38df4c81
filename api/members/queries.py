"""Member queries."""

from __future__ import annotations

import strawberry

from api.members.types import CommunityGuidelines, MemberType
from domain.members import guidelines


@strawberry.type
class MemberQueries:
    @strawberry.field(
        description="The signed-in member's profile; null when the account has not "
        "completed onboarding yet. Needs sign-in."
    )
    async def me(self, info: strawberry.Info) -> MemberType | None:
        member = await info.context.member_or_none()
        return MemberType.from_model(member, member.id) if member else None

    @strawberry.field(
        description="The current community guidelines, with the disclaimer that Hearth is "
        "not a crisis or emergency service. No sign-in needed."
    )
    def community_guidelines(self) -> CommunityGuidelines:
        return CommunityGuidelines(
            version=guidelines.CURRENT_GUIDELINES_VERSION,
            summary=guidelines.SUMMARY,
            disclaimer=guidelines.DISCLAIMER,
        )
