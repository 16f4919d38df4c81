"""Post, reply and reaction mutations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

import strawberry

from api.mutation_support import Fields, global_id, payload, read_back
from api.node import from_global_id
from api.observability import SUPPORT_FIRST_REPLY_SECONDS
from api.posts import inputs as i
from api.posts.assemble import resolve_posts, resolve_replies
from api.posts.notices import contact_notices
from api.safety.prompts import safety_prompt
from domain.members.model import Member
from domain.posts import reactions
from domain.posts import services as posts
from domain.posts.model import ContentWarning
from domain.safety.contact_details import ContactKind
from domain.safety.model import RiskLevel
from domain.safety.team import TargetKind

_ARG = strawberry.argument(description="The input.")
P = TypeVar("P")


def _warning(raw: i.ContentWarningInput | None) -> ContentWarning | None:
    return posts.check_warning(raw.topics, raw.note) if raw else None


@dataclass(frozen=True)
class Written:
    """What a write returns: the post's or reply's id, the kinds of contact details
    masked in this write, and the risk detector's rating of what was written."""

    id: UUID
    masked: tuple[ContactKind, ...] = ()
    risk_level: RiskLevel = RiskLevel.NONE


@dataclass(frozen=True)
class _Kind(Generic[P]):
    """Posts or replies: their payload, its field, how to read one back, and the kind
    of target a safety prompt is about."""

    payload: Callable[..., P]
    field: str
    resolve: Callable[[strawberry.Info, list[UUID]], Awaitable[list[Any]]]
    target: TargetKind


_POST = _Kind(i.PostPayload, "post", resolve_posts, TargetKind.POST)
_REPLY = _Kind(i.ReplyPayload, "reply", resolve_replies, TargetKind.REPLY)


async def _write(
    info: strawberry.Info,
    kind: _Kind[P],
    run: Callable[[], Awaitable[Written]],
    author: Member | None = None,
) -> P:
    """Run a write; its payload has the post or reply it wrote (read back), the notices
    for the author and, with ``author`` (a create or edit), the rating's safety prompt."""

    async def present(written: Written) -> Fields:
        item = (await read_back(lambda: kind.resolve(info, [written.id]), [None]))[0]
        prompt = (
            safety_prompt(info, author, kind.target, written.id, written.risk_level)
            if author
            else None
        )
        return {kind.field: item, "notices": contact_notices(written.masked), "safety": prompt}

    return await payload(kind.payload, run, present)


Edit = Callable[[Member, Any], Awaitable[tuple[Any, tuple[ContactKind, ...]]]]
"""An edit use case on (viewer, services): the edited post or reply, and what it masked."""
Removal = Callable[[Member, Any], Awaitable[Any]]
"""A removal use case on (viewer, services): the removed post or reply."""


async def _edit(info: strawberry.Info, kind: _Kind[P], edit: Edit) -> P:
    viewer = await info.context.member()

    async def run() -> Written:
        edited, masked = await edit(viewer, info.context.services)
        return Written(edited.id, masked, edited.risk_level)

    return await _write(info, kind, run, viewer)


async def _remove(info: strawberry.Info, kind: _Kind[P], remove: Removal) -> P:
    viewer = await info.context.member()

    async def run() -> Written:
        return Written((await remove(viewer, info.context.services)).id)

    return await _write(info, kind, run)


def _target(value: str) -> tuple[str, UUID]:
    parsed = from_global_id(value)
    if parsed is None or parsed[0] not in ("Post", "Reply"):
        global_id("", "Post", "targetId")  # raises NOT_FOUND on input.targetId
    assert parsed is not None
    return parsed


@strawberry.type
class PostMutations:
    @strawberry.mutation(description="Post in a circle you are an active member of.")
    async def create_post(
        self, info: strawberry.Info, input: Annotated[i.CreatePostInput, _ARG]
    ) -> i.PostPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> Written:
            warning = input.content_warning
            command = posts.CreatePost(
                viewer.id,
                global_id(input.circle_id, "Circle", "circleId"),
                input.body,
                input.anonymous,
                warning.topics if warning else None,
                warning.note if warning else None,
                input.idempotency_key,
            )
            services = ctx.services
            created = await posts.create_post(
                command,
                services.uow(),
                services.clock,
                services.limiter,
                services.contacts,
                services.detector,
            )
            return Written(created.id, created.contact_masked, created.risk_level)

        return await _write(info, _POST, run, viewer)

    @strawberry.mutation(description="Edit your own post.")
    async def edit_post(
        self, info: strawberry.Info, input: Annotated[i.EditPostInput, _ARG]
    ) -> i.PostPayload:
        return await _edit(
            info,
            _POST,
            lambda viewer, s: posts.edit_post(
                viewer.id,
                global_id(input.post_id, "Post", "postId"),
                input.body,
                _warning(input.content_warning),
                s.uow(),
                s.clock,
                s.contacts,
                s.detector,
            ),
        )

    @strawberry.mutation(description="Remove a post (yours, or any as a moderator). Replies stay.")
    async def delete_post(
        self, info: strawberry.Info, input: Annotated[i.PostInput, _ARG]
    ) -> i.PostPayload:
        return await _remove(
            info,
            _POST,
            lambda viewer, s: posts.delete_post(
                viewer.id, global_id(input.post_id, "Post", "postId"), s.uow(), s.clock
            ),
        )

    @strawberry.mutation(description="Reply to a post.")
    async def reply_to_post(
        self, info: strawberry.Info, input: Annotated[i.ReplyToPostInput, _ARG]
    ) -> i.ReplyPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> Written:
            post_id = global_id(input.post_id, "Post", "postId")
            services = ctx.services
            reply, post = await posts.reply_to_post(
                viewer.id,
                post_id,
                input.body,
                input.anonymous,
                services.uow(),
                services.clock,
                services.limiter,
                services.contacts,
                services.detector,
                input.idempotency_key,
            )
            if post.first_reply_at == reply.created_at and reply.author_id != post.author_id:
                # this reply is the post's first from someone else
                seconds = (reply.created_at - post.created_at).total_seconds()
                SUPPORT_FIRST_REPLY_SECONDS.observe(max(seconds, 0.0))
            return Written(reply.id, reply.contact_masked, reply.risk_level)

        return await _write(info, _REPLY, run, viewer)

    @strawberry.mutation(description="Edit your own reply.")
    async def edit_reply(
        self, info: strawberry.Info, input: Annotated[i.EditReplyInput, _ARG]
    ) -> i.ReplyPayload:
        return await _edit(
            info,
            _REPLY,
            lambda viewer, s: posts.edit_reply(
                viewer.id,
                global_id(input.reply_id, "Reply", "replyId"),
                input.body,
                s.uow(),
                s.clock,
                s.contacts,
                s.detector,
            ),
        )

    @strawberry.mutation(description="Remove a reply (yours, or any as a moderator).")
    async def delete_reply(
        self, info: strawberry.Info, input: Annotated[i.ReplyInput, _ARG]
    ) -> i.ReplyPayload:
        return await _remove(
            info,
            _REPLY,
            lambda viewer, s: posts.delete_reply(
                viewer.id, global_id(input.reply_id, "Reply", "replyId"), s.uow(), s.clock
            ),
        )

    @strawberry.mutation(
        description="Send a supportive reaction. Sending the same one twice keeps one."
    )
    async def react(
        self, info: strawberry.Info, input: Annotated[i.ReactionInput, _ARG]
    ) -> i.ReactionPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> tuple[str, UUID]:
            kind, target_id = _target(input.target_id)
            services = ctx.services
            reacted = await reactions.react(
                viewer.id,
                target_id,
                input.kind,
                services.uow(),
                services.clock,
                services.limiter,
                input.idempotency_key,
            )
            if reacted != target_id:  # a repeat of an earlier send, with another target
                return await _kind_of(services, reacted), reacted
            return kind, target_id

        return await _reaction_payload(info, run)

    @strawberry.mutation(description="Take back a reaction you sent.")
    async def unreact(
        self, info: strawberry.Info, input: Annotated[i.ReactionInput, _ARG]
    ) -> i.ReactionPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> tuple[str, UUID]:
            kind, target_id = _target(input.target_id)
            await reactions.unreact(viewer.id, target_id, input.kind, ctx.services.uow())
            return kind, target_id

        return await _reaction_payload(info, run)


async def _kind_of(services: Any, target_id: UUID) -> str:
    """Whether a reaction's target is a post or a reply."""
    async with services.uow() as uow:
        return "Post" if await uow.posts.get(target_id) is not None else "Reply"


async def _reaction_payload(
    info: strawberry.Info, run: Callable[[], Awaitable[tuple[str, UUID]]]
) -> i.ReactionPayload:
    async def present(done: tuple[str, UUID]) -> Fields:
        kind, target_id = done
        resolver = resolve_posts if kind == "Post" else resolve_replies
        return {"target": (await read_back(lambda: resolver(info, [target_id]), [None]))[0]}

    return await payload(i.ReactionPayload, run, present)
