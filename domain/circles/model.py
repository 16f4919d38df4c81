"""Circles: small peer-support groups, and who belongs to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Topic(StrEnum):
    """What a circle is about (also used for content warnings)."""

    ANXIETY = "ANXIETY"
    DEPRESSION = "DEPRESSION"
    GRIEF = "GRIEF"
    LONELINESS = "LONELINESS"
    STRESS = "STRESS"
    TRAUMA = "TRAUMA"
    BIPOLAR = "BIPOLAR"
    EATING_DISORDERS = "EATING_DISORDERS"
    SUBSTANCE_USE = "SUBSTANCE_USE"
    SELF_HARM_RECOVERY = "SELF_HARM_RECOVERY"
    RELATIONSHIPS = "RELATIONSHIPS"
    PARENTING = "PARENTING"
    LGBTQ = "LGBTQ"
    CHRONIC_ILLNESS = "CHRONIC_ILLNESS"
    CAREGIVING = "CAREGIVING"
    OTHER = "OTHER"


class Visibility(StrEnum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


class Role(StrEnum):
    OWNER = "OWNER"
    MODERATOR = "MODERATOR"
    MEMBER = "MEMBER"


class MembershipStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PENDING = "PENDING"
    BANNED = "BANNED"


@dataclass(slots=True)
class Circle:
    id: UUID
    name: str
    description: str
    topics: tuple[Topic, ...]
    visibility: Visibility
    capacity: int
    guidelines: str
    created_at: datetime
    created_by: UUID
    active_count: int = 0
    nudge_after_minutes: int = 20
    """How long a post waits for a first reply before an available member is nudged
    (domain.support); owners and moderators set it, 5 to 240."""


@dataclass(slots=True)
class Membership:
    circle_id: UUID
    member_id: UUID
    role: Role
    status: MembershipStatus
    created_at: datetime
    updated_at: datetime
    muted_until: datetime | None = None
    """A moderator's mute: the member reads but can't post or reply until then."""

    @property
    def is_active(self) -> bool:
        return self.status is MembershipStatus.ACTIVE

    @property
    def can_moderate(self) -> bool:
        return self.is_active and self.role in (Role.OWNER, Role.MODERATOR)

    def is_muted(self, now: datetime) -> bool:
        return self.muted_until is not None and self.muted_until > now


@dataclass(slots=True)
class Invite:
    id: UUID
    circle_id: UUID
    code_hash: str
    created_by: UUID
    created_at: datetime
    expires_at: datetime
    max_uses: int
    uses: int = 0


def can_read(membership: Membership | None) -> bool:
    """Only ACTIVE members read a circle's posts, replies and reactions, even when
    the circle is public: a circle is a safe space, not a public feed."""
    return membership is not None and membership.is_active


def can_see_circle(circle: Circle, membership: Membership | None) -> bool:
    """Public circles are discoverable by everyone signed in; private circles only
    by their active members."""
    return circle.visibility is Visibility.PUBLIC or can_read(membership)


def can_moderate(membership: Membership | None) -> bool:
    return membership is not None and membership.can_moderate
