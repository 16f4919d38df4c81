"""Blocking and muting topics: mutations, and the viewer's own lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

import strawberry

from api.errors import UserError
from api.members.own import answers
from api.members.types import MemberType
from api.moderation.types import member_type
from api.mutation_support import global_id, payload
from api.pagination import Connection, connection, decode_cursor, page_size
from domain.circles.model import Topic
from domain.moderation import blocks

_ERRORS = "Why the input was refused."


@strawberry.input(description="A member to block or unblock.")
class BlockMemberInput:
    member_id: strawberry.ID = strawberry.field(description="The member.")


@strawberry.type(description="The result of `blockMember` or `unblockMember`.")
class BlockMemberPayload:
    member_id: strawberry.ID | None = strawberry.field(
        description="The member (un)blocked; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Your personal topic filters.")
class MuteTopicsInput:
    topics: list[Topic] = strawberry.field(
        description="Every topic to mute (replaces the list; empty unmutes all)."
    )


@strawberry.type(description="The result of `muteTopics`.")
class MuteTopicsPayload:
    muted_topics: list[Topic] = strawberry.field(description="The topics muted now.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


async def _block_payload(
    info: strawberry.Info,
    input: BlockMemberInput,
    use_case: Callable[[UUID, UUID], Awaitable[None]],
) -> BlockMemberPayload:
    viewer = await info.context.member()

    async def run() -> strawberry.ID:
        await use_case(viewer.id, global_id(input.member_id, "Member", "memberId"))
        return input.member_id

    return await payload(BlockMemberPayload, run, lambda done: {"member_id": done})


@strawberry.type
class BlockingMutations:
    @strawberry.mutation(
        description="Block a member, silently: you no longer see their posts, replies, "
        "reactions or live activity, their replies don't notify you, and they no longer "
        "see yours (anonymous ones included). They are not told."
    )
    async def block_member(
        self,
        info: strawberry.Info,
        input: Annotated[BlockMemberInput, strawberry.argument(description="Who.")],
    ) -> BlockMemberPayload:
        services = info.context.services
        return await _block_payload(
            info,
            input,
            lambda viewer_id, member_id: blocks.block_member(
                viewer_id, member_id, services.uow(), services.clock
            ),
        )

    @strawberry.mutation(description="Unblock a member you blocked.")
    async def unblock_member(
        self,
        info: strawberry.Info,
        input: Annotated[BlockMemberInput, strawberry.argument(description="Who.")],
    ) -> BlockMemberPayload:
        services = info.context.services
        return await _block_payload(
            info,
            input,
            lambda viewer_id, member_id: blocks.unblock_member(
                viewer_id, member_id, services.uow()
            ),
        )

    @strawberry.mutation(
        description="Set your muted topics: posts whose content warning carries one are "
        "folded in feeds (`Post.folded`) and don't push."
    )
    async def mute_topics(
        self,
        info: strawberry.Info,
        input: Annotated[MuteTopicsInput, strawberry.argument(description="The topics.")],
    ) -> MuteTopicsPayload:
        ctx, viewer = info.context, await info.context.member()
        return await payload(
            MuteTopicsPayload,
            lambda: blocks.mute_topics(
                viewer.id, input.topics, ctx.services.uow(), ctx.services.clock
            ),
            lambda muted: {"muted_topics": list(muted)},
            lambda: {"muted_topics": []},
        )


@answers("blockedMembers")
async def blocked_members(
    info: strawberry.Info, first: int | None, after: str | None
) -> Connection[MemberType]:
    """The viewer's blocked members, most recently blocked first."""
    viewer = await info.context.member()
    size = page_size(first)
    reads = info.context.services.moderation_reads
    found = await reads.blocked_page(viewer.id, size, decode_cursor("blocked", after))
    page = found[:size]
    items = [member_type(b.member, None) for b in page]
    keys = [(b.blocked_at, b.member.id) for b in page]
    return connection("blocked", items, keys, len(found) > size)  # type: ignore[arg-type]
