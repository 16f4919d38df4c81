"""Circle queries: discovery and the viewer's circles."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.circles.types import CircleType
from api.pagination import Connection, connection, decode_cursor, page_size
from domain.circles.model import Topic
from infra.db.reads import circles as circle_reads

_FIRST = strawberry.argument(description="Page size, 1 to 50.")
_AFTER = strawberry.argument(description="Cursor to continue after.")


def _page(kind: str, pairs: list, size: int, after: str | None) -> Connection[CircleType]:  # type: ignore[type-arg]
    page = pairs[:size]
    items = [CircleType.build(c, m) for c, m in page]
    keys = [(c.created_at, c.id) for c, _ in page]
    return connection(kind, items, keys, len(pairs) > size, after)


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
        first: Annotated[int | None, _FIRST] = None,
        after: Annotated[str | None, _AFTER] = None,
    ) -> Connection[CircleType]:
        viewer = await info.context.member()
        size = page_size(first)
        async with info.context.services.reads() as conn:
            pairs = await circle_reads.discover(
                conn,
                viewer.id,
                topic,
                (search or "")[:100] or None,
                size,
                decode_cursor("circle", after),
            )
        return _page("circle", pairs, size, after)

    @strawberry.field(description="Circles you are in or asked to join, newest first.")
    async def my_circles(
        self,
        info: strawberry.Info,
        first: Annotated[int | None, _FIRST] = None,
        after: Annotated[str | None, _AFTER] = None,
    ) -> Connection[CircleType]:
        viewer = await info.context.member()
        size = page_size(first)
        async with info.context.services.reads() as conn:
            pairs = await circle_reads.mine(
                conn, viewer.id, size, decode_cursor("my-circle", after)
            )
        return _page("my-circle", pairs, size, after)
