"""Circle queries: discovery and the viewer's circles."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.circles.types import CircleType
from api.pagination import After, Connection, First, connection, decode_cursor, page_size
from domain.circles.model import Topic
from domain.circles.reads import CircleWithViewer


def _page(
    kind: str, found: list[CircleWithViewer], size: int, after: str | None
) -> Connection[CircleType]:
    page = found[:size]
    items = [CircleType.build(p.circle, p.membership) for p in page]
    keys = [(p.circle.created_at, p.circle.id) for p in page]
    return connection(kind, items, keys, len(found) > size, after)


@strawberry.type
class CircleQueries:
    @strawberry.field(
        description="Discover circles, newest first: public ones, and private ones you are in."
    )
    async def circles(
        self,
        info: strawberry.Info,
        topic: Annotated[
            Topic | None, strawberry.argument(description="Only circles about this.")
        ] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Words in the name or description.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[CircleType]:
        viewer = await info.context.member()
        size = page_size(first)
        found = await info.context.services.circle_reads.discover(
            viewer.id, topic, (search or "")[:100] or None, size, decode_cursor("circle", after)
        )
        return _page("circle", found, size, after)

    @strawberry.field(description="Circles you are in or asked to join, newest first.")
    async def my_circles(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[CircleType]:
        viewer = await info.context.member()
        size = page_size(first)
        found = await info.context.services.circle_reads.mine(
            viewer.id, size, decode_cursor("my-circle", after)
        )
        return _page("my-circle", found, size, after)
