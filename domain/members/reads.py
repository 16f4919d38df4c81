"""What readers see of members, and the read port the API asks about them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.members.model import Member
from domain.moderation.model import ViewerFilters


@dataclass(frozen=True, slots=True)
class PublicProfile:
    """A member as other members see them: pseudonym, pronouns, bio, since when.
    Never the timezone or the region (see :func:`own_details`)."""

    member_id: UUID
    display_name: str
    pronouns: str | None
    bio: str | None
    member_since: datetime


@dataclass(frozen=True, slots=True)
class OwnDetails:
    """What only the member themself sees of their profile."""

    timezone: str | None = None
    region: str | None = None


NO_OWN_DETAILS = OwnDetails()


def public_profile(member: Member) -> PublicProfile:
    return PublicProfile(
        member.id, member.display_name, member.pronouns, member.bio, member.created_at
    )


def is_self(member_id: UUID, viewer_id: UUID | None) -> bool:
    """The member's private fields (timezone, region, check-ins, inbox, ...) are shown
    to the member themself only."""
    return member_id == viewer_id


def own_details(member: Member, viewer_id: UUID | None) -> OwnDetails:
    """The member's timezone and region for themself; nothing for anyone else."""
    if not is_self(member.id, viewer_id):
        return NO_OWN_DETAILS
    return OwnDetails(member.timezone, member.region)


class MemberReads(Protocol):
    """Members by id and by sign-in uid, a batch per call."""

    async def by_ids(self, ids: Sequence[UUID]) -> Mapping[UUID, Member]: ...

    async def viewers_by_uids(
        self, uids: Sequence[str]
    ) -> Mapping[str, tuple[Member, ViewerFilters]]:
        """Members by sign-in uid, each with what they must not see (blocks both ways,
        muted topics), in one statement."""
        ...
