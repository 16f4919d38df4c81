"""Inputs and payloads of circle mutations."""

from __future__ import annotations

import strawberry

from api.circles.types import CircleMember, CircleType, InviteType, ViewerMembership
from api.errors import UserError
from domain.circles.model import Role, Topic, Visibility

_ERRORS = "Why the input was refused."


@strawberry.input(description="A new circle. The creator becomes its owner.")
class CreateCircleInput:
    name: str = strawberry.field(description="3 to 60 characters.")
    description: str = strawberry.field(description="At most 500 characters.")
    topics: list[Topic] = strawberry.field(description="1 to 5 topics.")
    visibility: Visibility = strawberry.field(description="PUBLIC or PRIVATE.")
    capacity: int = strawberry.field(
        default=30, description="2 to 100 active members; 30 by default."
    )
    guidelines: str = strawberry.field(
        default="", description="The circle's own guidelines (at most 2,000)."
    )


@strawberry.input(description="Changes to a circle. Omitted fields stay. Owner or moderators.")
class UpdateCircleInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    name: str | None = strawberry.field(default=None, description="3 to 60 characters.")
    description: str | None = strawberry.field(default=None, description="At most 500 characters.")
    topics: list[Topic] | None = strawberry.field(default=None, description="1 to 5 topics.")
    visibility: Visibility | None = strawberry.field(default=None, description="PUBLIC or PRIVATE.")
    capacity: int | None = strawberry.field(
        default=None, description="2 to 100, not below the members now."
    )
    guidelines: str | None = strawberry.field(default=None, description="At most 2,000 characters.")
    nudge_after_minutes: int | None = strawberry.field(
        default=None,
        description="Minutes a post waits without a reply before a member who offered to "
        "listen is nudged (5 to 240).",
    )


@strawberry.input(description="Join a circle, or ask to join a private one.")
class JoinCircleInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    invite_code: str | None = strawberry.field(
        default=None, description="An invite code; without one a private circle gets a request."
    )


@strawberry.input(description="A new invite code for a circle. Owner or moderators.")
class CreateInviteInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    max_uses: int = strawberry.field(
        default=10, description="How many people can use it (1 to 100)."
    )
    valid_for_hours: int = strawberry.field(
        default=72, description="How long it works (1 to 720 hours)."
    )


@strawberry.input(description="A circle and one of its members.")
class CircleMemberInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    member_id: strawberry.ID = strawberry.field(description="The member.")


@strawberry.input(description="Give a member a role. Owner only; OWNER hands ownership on.")
class SetMemberRoleInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")
    member_id: strawberry.ID = strawberry.field(description="The member.")
    role: Role = strawberry.field(description="The new role.")


@strawberry.input(description="A circle.")
class CircleInput:
    circle_id: strawberry.ID = strawberry.field(description="The circle.")


@strawberry.type(description="The result of creating or changing a circle.")
class CirclePayload:
    circle: CircleType | None = strawberry.field(description="The circle; null on user errors.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `joinCircle`.")
class JoinCirclePayload:
    circle: CircleType | None = strawberry.field(description="The circle; null on user errors.")
    membership: ViewerMembership | None = strawberry.field(
        description="ACTIVE when joined, PENDING when the request waits for a moderator."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `createInvite`.")
class CreateInvitePayload:
    invite: InviteType | None = strawberry.field(
        description="The invite; its code is shown only now."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of a change to someone's membership.")
class MembershipPayload:
    membership: CircleMember | None = strawberry.field(
        description="The membership after the change; null when it was removed or on user errors."
    )
    removed_membership_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The `CircleMember` id that no longer exists (a declined join request): "
        "evict it from your cache. Null otherwise.",
    )
    circle: CircleType | None = strawberry.field(
        default=None,
        description="The circle after the change, with your own `viewerMembership` (handing "
        "ownership on changes yours too); null on user errors.",
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `deleteCircle`.")
class DeleteCirclePayload:
    deleted_circle_id: strawberry.ID | None = strawberry.field(
        description="The circle deleted; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `leaveCircle`.")
class LeaveCirclePayload:
    circle_id: strawberry.ID | None = strawberry.field(
        description="The circle left; null on user errors."
    )
    circle: CircleType | None = strawberry.field(
        default=None,
        description="The circle after you left (`viewerMembership` null, `memberCount` "
        "updated); null when you may no longer see it (a private circle) or on user errors.",
    )
    removed_membership_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Your `CircleMember` id in that circle, which no longer exists: evict it.",
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
