"""Cursor connections with opaque keyset cursors (Relay)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Generic, TypeVar
from uuid import UUID

import strawberry

from api.errors import HearthError, TopLevelCode

T = TypeVar("T")
K = TypeVar("K")
MAX_PAGE = 50
DEFAULT_PAGE = 20

# The arguments of every connection field: ``first: First = None, after: After = None``.
First = Annotated[int | None, strawberry.argument(description="Page size, 1 to 50.")]
After = Annotated[str | None, strawberry.argument(description="Cursor to continue after.")]


@strawberry.type(description="Where a page of a connection stands (Relay's PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more items follow.")
    has_previous_page: bool = strawberry.field(
        description="True when items come before this page: the page was asked for with "
        "`after`. Lists page forwards only (`first`/`after`)."
    )
    start_cursor: str | None = strawberry.field(
        description="The first item's cursor; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null for an empty page."
    )


@strawberry.type(description="One item of a connection and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, with cursors (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items with their cursors.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")

    @strawberry.field(description="The items without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def _encoded(kind: str, *parts: str) -> str:
    text = "|".join((kind, *parts))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decoded(kind: str, cursor: str, count: int, parse: Callable[[list[str]], K]) -> K:
    """What ``parse`` makes of a cursor's ``count`` parts; a BAD_USER_INPUT error if it
    is not one of this list's (``kind``) cursors."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        got_kind, *parts = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        if got_kind != kind or len(parts) != count:
            raise ValueError(kind)
        return parse(parts)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise HearthError(
            "That cursor is not valid for this list.", TopLevelCode.BAD_USER_INPUT
        ) from exc


def encode_cursor(kind: str, at: datetime, raw_id: UUID) -> str:
    return _encoded(kind, at.isoformat(), str(raw_id))


def decode_cursor(kind: str, cursor: str | None) -> tuple[datetime, UUID] | None:
    """The keyset position (time, id) inside a cursor of this list's ``kind``."""
    if cursor is None:
        return None
    return _decoded(kind, cursor, 2, lambda p: (datetime.fromisoformat(p[0]), UUID(p[1])))


def encode_ranked_cursor(kind: str, rank: int, at: datetime, raw_id: UUID) -> str:
    return _encoded(kind, str(rank), at.isoformat(), str(raw_id))


def decode_ranked_cursor(kind: str, cursor: str | None) -> tuple[int, datetime, UUID] | None:
    """The position (rank, time, id) inside a cursor of a ranked list (a queue)."""
    if cursor is None:
        return None
    return _decoded(
        kind, cursor, 3, lambda p: (int(p[0]), datetime.fromisoformat(p[1]), UUID(p[2]))
    )


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 < size <= MAX_PAGE:
        raise HearthError(f"`first` must be 1 to {MAX_PAGE}.", TopLevelCode.BAD_USER_INPUT)
    return size


def connection(
    kind: str,
    items: Sequence[T],
    keys: Sequence[tuple[datetime, UUID]],
    has_next: bool,
    after: str | None = None,
) -> Connection[T]:
    """A page of items, each with the keyset position its cursor encodes; ``after`` is
    the cursor the page was asked for with."""
    edges = [
        Edge(cursor=encode_cursor(kind, at, raw_id), node=item)
        for item, (at, raw_id) in zip(items, keys, strict=True)
    ]
    return connection_of(edges, has_next, after)


def connection_of(edges: list[Edge[T]], has_next: bool, after: str | None) -> Connection[T]:
    """A page of edges whose cursors are already made."""
    info = PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info)
