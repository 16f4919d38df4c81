"""``Circle.sharedCheckIns`` and ``node(id:)`` of a ``SharedCheckIn``: what a circle sees
of the check-ins its members share with it (never the note; see
``domain.checkins.reads``). Resolved only for the circle's active members.
"""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.checkins.types import SharedCheckInType
from api.members.types import MemberType
from api.node import register_pair_node, to_global_id, to_pair_id
from api.pagination import Connection, connection, decode_cursor, page_size
from domain.checkins.model import MOOD_LABELS
from domain.checkins.reads import SharedCheckInView, may_see_share
from domain.circles.model import can_read


def build_shared_check_in(view: SharedCheckInView, viewer_id: UUID | None) -> SharedCheckInType:
    return SharedCheckInType(
        id=to_pair_id("SharedCheckIn", view.check_in_id, view.circle_id),
        circle_id=to_global_id("Circle", view.circle_id),
        sharer=MemberType.from_profile(view.sharer, viewer_id),
        mood=view.mood,
        mood_label=MOOD_LABELS[view.mood],
        emotions=list(view.emotions),
        checked_in_at=view.checked_in_at,
        shared_at=view.shared_at,
    )


async def shared_check_ins(
    info: strawberry.Info, circle_id: UUID, first: int | None, after: str | None
) -> Connection[SharedCheckInType]:
    """The circle's shares, newest first. The caller checks that the viewer may read
    the circle."""
    size = page_size(first)
    viewer = await info.context.member()
    hidden = tuple((await info.context.filters()).hidden_authors)
    found = await info.context.services.check_in_reads.shared_page(
        circle_id, size, decode_cursor("shared-check-in", after), hidden
    )
    page = found[:size]
    items = [build_shared_check_in(v, viewer.id) for v in page]
    keys = [(v.shared_at, v.check_in_id) for v in page]
    return connection("shared-check-in", items, keys, len(found) > size, after)


@register_pair_node("SharedCheckIn")
async def resolve_shared_check_ins(
    info: strawberry.Info, keys: list[tuple[UUID, UUID]]
) -> list[SharedCheckInType | None]:
    """A share resolves, as ``Circle.sharedCheckIns`` lists it, only for the circle's
    active members, while the sharer is still an active member and neither has blocked
    the other; null for everyone else."""
    viewer = await info.context.member_or_none()
    if viewer is None:
        return [None] * len(keys)
    hidden = (await info.context.filters()).hidden_authors
    reads = info.context.services.check_in_reads
    found: list[SharedCheckInType | None] = []
    for check_in_id, circle_id in keys:
        pair = await info.context.loaders.circle_by_id.load(circle_id)
        viewers = pair[1] if pair else None
        readable = pair is not None and can_read(viewers)  # else no need to look
        share = await reads.shared_one(circle_id, check_in_id) if readable else None
        if share is None or not may_see_share(share, viewers, hidden):
            found.append(None)
            continue
        found.append(build_shared_check_in(share, viewer.id))
    return found
