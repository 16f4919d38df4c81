"""Inputs and payloads of post, reply and reaction mutations."""

from __future__ import annotations

import strawberry

from api.errors import UserError
from api.mutation_support import IDEMPOTENCY_KEY
from api.node import Node
from api.posts.notices import ContentNotice
from api.posts.types import PostType, ReplyType
from api.safety.prompts import SafetyPrompt
from domain.circles.model import Topic
from domain.posts.model import ReactionKind

_ERRORS = "Why the input was refused."


@strawberry.input(description="A content warning for a post.")
class ContentWarningInput:
    topics: list[Topic] = strawberry.field(
        default_factory=list, description="Topics it touches on."
    )
    note: str | None = strawberry.field(default=None, description="Your own words (at most 200).")


@strawberry.input(description="A new post in a circle you are an active member of.")
class CreatePostInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    body: str = strawberry.field(description="1 to 5,000 characters of plain text.")
    content_warning: ContentWarningInput | None = strawberry.field(
        default=None, description="Warn readers about what the post touches on."
    )
    anonymous: bool = strawberry.field(
        default=False, description="Hide who posted it from everyone, moderators included."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="New text for your post.")
class EditPostInput:
    post_id: strawberry.ID = strawberry.field(description="The post.")
    body: str = strawberry.field(description="1 to 5,000 characters.")
    content_warning: ContentWarningInput | None = strawberry.field(
        default=None, description="Replaces the content warning; null removes it."
    )


@strawberry.input(description="A post.")
class PostInput:
    post_id: strawberry.ID = strawberry.field(description="The post.")


@strawberry.input(description="A reply to a post.")
class ReplyToPostInput:
    post_id: strawberry.ID = strawberry.field(description="The post.")
    body: str = strawberry.field(description="1 to 2,000 characters.")
    anonymous: bool = strawberry.field(default=False, description="Hide who replied from everyone.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="New text for your reply.")
class EditReplyInput:
    reply_id: strawberry.ID = strawberry.field(description="The reply.")
    body: str = strawberry.field(description="1 to 2,000 characters.")


@strawberry.input(description="A reply.")
class ReplyInput:
    reply_id: strawberry.ID = strawberry.field(description="The reply.")


@strawberry.input(description="A supportive reaction on a post or reply.")
class ReactionInput:
    target_id: strawberry.ID = strawberry.field(description="A post or reply.")
    kind: ReactionKind = strawberry.field(description="The reaction.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=IDEMPOTENCY_KEY + " `react` only: `unreact` is safe to repeat and ignores it.",
    )


@strawberry.type(description="The result of a change to a post.")
class PostPayload:
    post: PostType | None = strawberry.field(
        description="The post after the change; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
    notices: list[ContentNotice] = strawberry.field(
        default_factory=list,
        description="What Hearth changed in what you wrote, and why (for example contact "
        "details removed). Empty when nothing was changed.",
    )
    safety: SafetyPrompt | None = strawberry.field(
        default=None,
        description="Support for the author when what they wrote was rated CONCERN or "
        "higher (their content is still published); null otherwise.",
    )


@strawberry.type(description="The result of a change to a reply.")
class ReplyPayload:
    reply: ReplyType | None = strawberry.field(
        description="The reply after the change; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
    notices: list[ContentNotice] = strawberry.field(
        default_factory=list,
        description="What Hearth changed in what you wrote, and why. Empty when nothing was.",
    )
    safety: SafetyPrompt | None = strawberry.field(
        default=None,
        description="Support for the author when what they wrote was rated CONCERN or "
        "higher (their content is still published); null otherwise.",
    )


@strawberry.type(description="The result of `react` or `unreact`.")
class ReactionPayload:
    target: Node | None = strawberry.field(
        description="The post or reply with its new counts; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
