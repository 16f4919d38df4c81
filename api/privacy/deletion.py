"""``deleteMyAccount``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from api.mutation_support import payload
from api.node import to_global_id
from api.privacy.types import DeleteMyAccountInput, DeleteMyAccountPayload
from domain.members.identity import Identity
from domain.privacy import deletion


def signed_in_at(identity: Identity, now: datetime) -> datetime | None:
    """When the viewer signed in: the Firebase token's ``auth_time``; a development
    sign-in counts as just now."""
    if identity.dev:
        return now
    auth_time = identity.claims.get("auth_time")
    if isinstance(auth_time, bool) or not isinstance(auth_time, int | float):
        return None
    return datetime.fromtimestamp(auth_time, UTC)


@strawberry.type
class DeletionMutations:
    @strawberry.mutation(
        description="Delete your account for good. Needs a sign-in from the last 5 minutes "
        '(REAUTH_REQUIRED otherwise: sign in again) and `confirm: "DELETE"`. Your profile, '
        "check-ins, notes, shares, reminders, devices, notifications, preferences, consents, "
        "exports, reactions and memberships are deleted; your posts and replies stay from "
        '"a former member" with no link to you, or are deleted too with `deleteContent`. '
        "Your open websockets close with code 4410. See docs/privacy.md."
    )
    async def delete_my_account(
        self,
        info: strawberry.Info,
        input: Annotated[DeleteMyAccountInput, strawberry.argument(description="The input.")],
    ) -> DeleteMyAccountPayload:
        ctx = info.context
        identity, member = await ctx.identity(), await ctx.member()
        services = ctx.services
        command = deletion.DeleteAccount(
            member_id=member.id,
            confirm=input.confirm,
            delete_content=input.delete_content,
            signed_in_at=signed_in_at(identity, services.clock.now()),
        )
        answer = await payload(
            DeleteMyAccountPayload,
            lambda: deletion.delete_account(
                command, services.uow(), services.clock, services.sign_in_accounts
            ),
            lambda deleted: {"deleted_member_id": to_global_id("Member", deleted.member_id)},
        )
        ctx.forget_member()
        return answer
