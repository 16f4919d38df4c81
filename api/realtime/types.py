"""GraphQL types of live circle activity."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.members.types import MemberType

if TYPE_CHECKING:
    from api.checkins.types import SharedCheckInType
from api.posts.types import PostType, ReactionCount, ReplyType
from domain.posts.model import ReactionKind


@strawberry.interface(description="Something that happened in a circle, delivered live.")
class CircleEvent:
    circle_id: strawberry.ID = strawberry.field(description="The circle it happened in.")
    committed_at: datetime | None = strawberry.field(
        default=None, description="When the change was committed (null for notices)."
    )


@strawberry.type(description="A new post.")
class PostCreated(CircleEvent):
    post: PostType = strawberry.field(description="The post, as the viewer may see it.")


@strawberry.type(description="A post was edited.")
class PostEdited(CircleEvent):
    post: PostType = strawberry.field(description="The post after the edit.")


@strawberry.type(description="A post was removed; it stays as a tombstone.")
class PostRemoved(CircleEvent):
    post: PostType = strawberry.field(description="The tombstone (no body).")


@strawberry.type(description="A new reply.")
class ReplyCreated(CircleEvent):
    post_id: strawberry.ID = strawberry.field(description="The post replied to.")
    reply: ReplyType = strawberry.field(description="The reply, as the viewer may see it.")


@strawberry.type(description="A reply was edited.")
class ReplyEdited(CircleEvent):
    post_id: strawberry.ID = strawberry.field(description="The post it replies to.")
    reply: ReplyType = strawberry.field(description="The reply after the edit.")


@strawberry.type(description="A reply was removed; it stays as a tombstone (no body).")
class ReplyRemoved(CircleEvent):
    post_id: strawberry.ID = strawberry.field(description="The post it replied to.")
    reply: ReplyType = strawberry.field(description="The tombstone.")


@strawberry.type(description="Reactions on a post or reply changed.")
class ReactionsChanged(CircleEvent):
    target_id: strawberry.ID = strawberry.field(description="The post or reply.")
    reaction_counts: list[ReactionCount] = strawberry.field(description="The new counts.")
    viewer_reactions: list[ReactionKind] = strawberry.field(description="Kinds the viewer sent.")


@strawberry.type(description="Someone joined the circle.")
class MemberJoined(CircleEvent):
    member: MemberType = strawberry.field(description="Their public profile.")
    member_count: int = strawberry.field(description="Active members now.")


@strawberry.type(description="Someone left the circle or was removed.")
class MemberLeft(CircleEvent):
    member_id: strawberry.ID = strawberry.field(description="Who left.")
    member_count: int = strawberry.field(description="Active members now.")


@strawberry.type(
    description="Events may have been missed (the server's event link was interrupted): "
    "refetch what is on screen."
)
class EventsMayHaveBeenMissed(CircleEvent):
    reason: str = strawberry.field(description="Why, for logs.")


@strawberry.type(description="A member shared a check-in with the circle (mood and emotions only).")
class CheckInShared(CircleEvent):
    check_in: Annotated[SharedCheckInType, strawberry.lazy("api.checkins.types")] = (
        strawberry.field(description="What the circle sees of it: never the private note.")
    )


@strawberry.type(
    description="A check-in share ended: its sharer took this circle off it (`editCheckIn`), "
    "deleted the check-in, left the circle (or was removed or banned), withdrew the "
    "health-data consent or deleted their account. The event is the same for every cause. "
    "Drop the `SharedCheckIn` with this id from the list (Apollo: `cache.evict`). Only this "
    "circle's members hear of it."
)
class CheckInShareWithdrawn(CircleEvent):
    shared_check_in_id: strawberry.ID = strawberry.field(
        description="The `SharedCheckIn.id` that no longer exists."
    )
