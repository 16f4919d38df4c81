"""Who may see what of a circle's memberships (reads; writes check ``can_*``)."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from domain.circles.model import Membership, MembershipStatus, can_moderate, can_read
from domain.circles.reads import MembershipView


def may_see_membership(
    viewer_id: UUID, viewers: Membership | None, member_id: UUID, status: MembershipStatus
) -> bool:
    """Who may see a membership: the member; the circle's active members an ACTIVE one
    (as ``Circle.members`` lists it); its owner and moderators any other."""
    if member_id == viewer_id:
        return True
    if status is MembershipStatus.ACTIVE:
        return can_read(viewers)
    return can_moderate(viewers)


def visible_membership(
    found: MembershipView | None,
    viewer_id: UUID,
    viewers: Membership | None,
    hidden: Collection[UUID],
) -> MembershipView | None:
    """``found`` if the viewer (with ``viewers`` membership in its circle) may see it:
    see :func:`may_see_membership`; never between members who blocked each other."""
    if found is None or found.member_id in hidden:
        return None
    if not may_see_membership(viewer_id, viewers, found.member_id, found.status):
        return None
    return found
