"""``Circle.pinned``: what a circle's moderators keep on top, as Resources and Posts.

Posts are resolved by the same code as ``node(id:)`` (``api.posts.assemble``), so
their visibility and anonymity are exactly those of any other read of a post.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from api.posts.assemble import resolve_posts
from api.posts.types import PostType
from api.safety.resources import ResourceType
from domain.circles.pins import PinKind, live_pins

PinnedItem = Annotated[
    ResourceType | PostType,
    strawberry.union(
        "PinnedItem", description="Something a circle's moderators pinned: a Resource or a Post."
    ),
]


async def load_pinned(info: strawberry.Info, circle_id: UUID) -> list[ResourceType | PostType]:
    """The circle's live pins, oldest first. The viewer must be able to read the circle."""
    services = info.context.services
    pins = await services.circle_reads.pins(circle_id)
    post_ids = [p.item_id for p in pins if p.kind is PinKind.POST]
    found = await resolve_posts(info, post_ids) if post_ids else []
    posts = {p.raw_id: p for p in found if p is not None and not p.is_removed}
    items: list[ResourceType | PostType] = []
    for pin in live_pins(pins, services.resources, posts.keys()):
        if pin.kind is PinKind.POST:
            items.append(posts[pin.item_id])
        else:
            resource = services.resources.get(pin.item_id)
            assert resource is not None  # live_pins kept only resources in the catalogue
            items.append(ResourceType.build(resource))
    return items
