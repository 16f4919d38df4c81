"""GraphQL types for circles and memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from api.checkins.shared import shared_check_ins
from api.checkins.types import SharedCheckInType
from api.circles.pinned import PinnedItem, load_pinned
from api.enums import RoleEnum, StatusEnum, TopicEnum, VisibilityEnum  # noqa: F401
from api.errors import forbidden
from api.members.types import MemberType
from api.moderation.types import (
    ModerationLogEntry,
    ModerationQueueItem,
    moderation_log,
    moderation_queue,
)
from api.node import Node, register_node, register_pair_node, to_global_id, to_pair_id
from api.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.posts.assemble import feed_page
from api.posts.types import PostType
from api.safety.resources import ResourceType, resources_connection
from api.support.queries import awaiting_count, circle_support_stats
from api.support.types import SupportStats
from domain.circles.model import (
    Circle,
    Membership,
    MembershipStatus,
    Role,
    Topic,
    Visibility,
    can_moderate,
    can_read,
    can_see_circle,
)
from domain.circles.reads import MembershipView
from domain.circles.visibility import visible_membership
from domain.moderation.model import ReportStatus
from domain.support.model import StatsPeriod


@strawberry.type(
    description="The viewer's own place in a circle. `node(id:)` resolves it for the viewer only."
)
class ViewerMembership(Node):
    role: Role = strawberry.field(description="The viewer's role.")
    status: MembershipStatus = strawberry.field(
        description="Whether the viewer is in, waiting or banned."
    )
    since: datetime = strawberry.field(description="When the viewer joined or asked to join.")


@strawberry.type(
    description="A member of a circle, as the circle's members see them. `node(id:)` "
    "resolves an ACTIVE membership for the circle's active members and any other (a join "
    "request, a ban) for its owner and moderators; the member always sees their own. Null "
    "for everyone else and between members who blocked each other."
)
class CircleMember(Node):
    member: MemberType = strawberry.field(description="The member's public profile.")
    role: Role = strawberry.field(description="Their role in the circle.")
    status: MembershipStatus = strawberry.field(description="ACTIVE, or PENDING for join requests.")
    since: datetime = strawberry.field(description="When they joined or asked to join.")
    circle_id: strawberry.ID = strawberry.field(description="The circle.")


def viewer_membership(membership: Membership | None) -> ViewerMembership | None:
    if membership is None:
        return None
    return ViewerMembership(
        id=to_pair_id("ViewerMembership", membership.circle_id, membership.member_id),
        role=membership.role,
        status=membership.status,
        since=membership.created_at,
    )


def circle_member(view: MembershipView, viewer_id: UUID) -> CircleMember:
    """A membership with the member's public profile, as the circle sees it."""
    return CircleMember(
        id=to_pair_id("CircleMember", view.circle_id, view.member_id),
        member=MemberType.from_profile(view.member, viewer_id),
        role=view.role,
        status=view.status,
        since=view.since,
        circle_id=to_global_id("Circle", view.circle_id),
    )


@register_pair_node("CircleMember")
async def resolve_circle_members(
    info: strawberry.Info, keys: list[tuple[UUID, UUID]]
) -> list[CircleMember | None]:
    viewer = await info.context.member_or_none()
    if viewer is None:
        return [None] * len(keys)
    hidden = (await info.context.filters()).hidden_authors
    found: list[CircleMember | None] = []
    for circle_id, member_id in keys:
        pair = await info.context.loaders.circle_by_id.load(circle_id)
        view = None
        if pair is not None and member_id not in hidden:
            view = await info.context.services.circle_reads.membership(circle_id, member_id)
        view = visible_membership(view, viewer.id, pair[1] if pair else None, hidden)
        found.append(circle_member(view, viewer.id) if view else None)
    return found


@register_pair_node("ViewerMembership")
async def resolve_viewer_memberships(
    info: strawberry.Info, keys: list[tuple[UUID, UUID]]
) -> list[ViewerMembership | None]:
    viewer = await info.context.member_or_none()
    found: list[ViewerMembership | None] = []
    for circle_id, member_id in keys:
        pair = await info.context.loaders.circle_by_id.load(circle_id)
        mine = viewer is not None and member_id == viewer.id and pair is not None
        found.append(viewer_membership(pair[1]) if mine and pair else None)
    return found


@strawberry.type(name="Circle", description="A small peer-support group.")
class CircleType(Node):
    name: str = strawberry.field(description="3 to 60 characters.")
    description: str = strawberry.field(description="At most 500 characters.")
    topics: list[Topic] = strawberry.field(description="What the circle is about.")
    visibility: Visibility = strawberry.field(description="Who can find it.")
    capacity: int = strawberry.field(description="At most this many active members (2 to 100).")
    guidelines: str = strawberry.field(description="The circle's own guidelines.")
    created_at: datetime = strawberry.field(description="When it was created.")
    member_count: int = strawberry.field(description="Active members now. Visible to everyone.")
    viewer_membership: ViewerMembership | None = strawberry.field(
        description="The viewer's role and status here; null when not a member."
    )
    nudge_after_minutes: int = strawberry.field(
        description="How long a post waits without a reply before a member who offered to "
        "listen gets a push (5 to 240; 20 by default). Owners and moderators change it "
        "with `updateCircle`."
    )
    raw_id: strawberry.Private[UUID]
    membership: strawberry.Private[Membership | None]

    @classmethod
    def build(cls, circle: Circle, membership: Membership | None) -> CircleType:
        return cls(
            id=to_global_id("Circle", circle.id),
            name=circle.name,
            description=circle.description,
            topics=list(circle.topics),
            visibility=circle.visibility,
            capacity=circle.capacity,
            guidelines=circle.guidelines,
            created_at=circle.created_at,
            member_count=circle.active_count,
            viewer_membership=viewer_membership(membership),
            nudge_after_minutes=circle.nudge_after_minutes,
            raw_id=circle.id,
            membership=membership,
        )

    @strawberry.field(description="Posts, newest first. Active members only.")
    async def posts(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[PostType]:
        if not can_read(self.membership):
            raise forbidden("Only the circle's active members can read its posts.")
        return await feed_page(info, self.raw_id, first, after)

    @strawberry.field(
        description="Mood check-ins members shared with the circle, newest share first: "
        "mood and emotions, never notes. Active members only."
    )
    async def shared_check_ins(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[SharedCheckInType]:
        if not can_read(self.membership):
            raise forbidden("Only the circle's active members can see its shared check-ins.")
        return await shared_check_ins(info, self.raw_id, first, after)

    @strawberry.field(description="Active members, longest-standing first. Active members only.")
    async def members(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[CircleMember]:
        if not can_read(self.membership):
            raise forbidden("Only the circle's active members can see who is in it.")
        hidden = (await info.context.filters()).hidden_authors
        return await _memberships(
            info, self.raw_id, MembershipStatus.ACTIVE, first, after, tuple(hidden)
        )

    @strawberry.field(
        description="What the owner and moderators pinned on top (at most 3), oldest pin "
        "first: Resources and Posts. A pinned post that is removed disappears from here. "
        "Active members only."
    )
    async def pinned(self, info: strawberry.Info) -> list[PinnedItem]:
        if not can_read(self.membership):
            raise forbidden("Only the circle's active members can see its pins.")
        return await load_pinned(info, self.raw_id)

    @strawberry.field(
        description="Trusted information for the circle's topics (see `resources`), by title."
    )
    def resources(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[ResourceType]:
        return resources_connection(info.context.services.resources, self.topics, first, after)

    @strawberry.field(
        description="Posts here waiting for a first reply, counted as `me.awaitingSupport` "
        "counts them for you (the badge). Active members only."
    )
    async def awaiting_support_count(self, info: strawberry.Info) -> int:
        if not can_read(self.membership):
            raise forbidden("Only the circle's active members can see what waits for a reply.")
        viewer = await info.context.member()
        return await awaiting_count(info, viewer.id, self.raw_id)

    @strawberry.field(
        description="How fast the circle answers: time to first reply (median, p90), the "
        "share of posts unanswered after 1 and 24 hours, and its listeners. Owner and "
        "moderators only."
    )
    async def support_stats(
        self,
        info: strawberry.Info,
        period: Annotated[
            StatsPeriod, strawberry.argument(description="The window, ending now (WEEK).")
        ] = StatsPeriod.WEEK,
    ) -> SupportStats:
        if not can_moderate(self.membership):
            raise forbidden("Only the circle's owner and moderators can see its support stats.")
        return await circle_support_stats(info, self.raw_id, period)

    @strawberry.field(description="People asking to join. Owner and moderators only.")
    async def join_requests(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[CircleMember]:
        if not can_moderate(self.membership):
            raise forbidden("Only the circle's owner and moderators can see join requests.")
        return await _memberships(info, self.raw_id, MembershipStatus.PENDING, first, after)

    @strawberry.field(
        description="Reported items, grouped by target, most severe first, then longest "
        "waiting. Owner and moderators only. Reporters are never shown."
    )
    async def moderation_queue(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            ReportStatus, strawberry.argument(description="Which items (OPEN by default).")
        ] = ReportStatus.OPEN,
    ) -> Connection[ModerationQueueItem]:
        if not can_moderate(self.membership):
            raise forbidden("Only the circle's owner and moderators can see its reports.")
        return await moderation_queue(info, self.raw_id, status, first, after)

    @strawberry.field(
        description="Every moderator action in this circle, newest first: who, what, when, "
        "the target and the reason. Append-only. Owner and moderators only."
    )
    async def moderation_log(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[ModerationLogEntry]:
        if not can_moderate(self.membership):
            raise forbidden("Only the circle's owner and moderators can see its moderation log.")
        return await moderation_log(info, self.raw_id, first, after)


async def _memberships(
    info: strawberry.Info,
    circle_id: UUID,
    status: MembershipStatus,
    first: int | None,
    after: str | None,
    hidden: tuple[UUID, ...] = (),
) -> Connection[CircleMember]:
    size = page_size(first)
    viewer = await info.context.member()
    kind = f"membership-{status.value.lower()}"
    found = await info.context.services.circle_reads.memberships_page(
        circle_id, status, size, decode_cursor(kind, after), hidden
    )
    page = found[:size]
    items = [circle_member(v, viewer.id) for v in page]
    keys = [(v.since, v.member_id) for v in page]
    return connection(kind, items, keys, len(found) > size, after)


async def load_circle_type(info: strawberry.Info, circle_id: UUID) -> CircleType | None:
    """The circle if the viewer may see it (public, or an active member)."""
    pair = await info.context.loaders.circle_by_id.load(circle_id)
    if pair is None or not can_see_circle(*pair):
        return None
    return CircleType.build(*pair)


@register_node("Circle")
async def resolve_circles(info: strawberry.Info, ids: list[UUID]) -> list[CircleType | None]:
    if await info.context.member_or_none() is None:
        return [None] * len(ids)
    return [await load_circle_type(info, i) for i in ids]


@strawberry.type(
    description="A single-use-or-more code that lets people join a private circle. Not a "
    "`Node`: its code is shown once, so it cannot be fetched again."
)
class InviteType:
    id: strawberry.ID = strawberry.field(description="The invite's opaque global ID.")
    code: str = strawberry.field(description="Share this; it is shown only once.")
    expires_at: datetime = strawberry.field(description="When it stops working.")
    max_uses: int = strawberry.field(description="How many people can use it.")
