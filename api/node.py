"""Relay's ``Node`` interface, global IDs, and the ``node``/``nodes`` fields.

Global IDs are opaque (base64url of ``Type:uuid``) and computed once when an
object is built, so ``id`` is a plain attribute, not a resolver.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

import strawberry

from api.errors import HearthError, TopLevelCode

MAX_NODES = 100
NodeResolver = Callable[[strawberry.Info, list[UUID]], Awaitable[list[Any]]]
NODE_RESOLVERS: dict[str, NodeResolver] = {}
PairResolver = Callable[[strawberry.Info, list[tuple[UUID, UUID]]], Awaitable[list[Any]]]
PAIR_RESOLVERS: dict[str, PairResolver] = {}


@strawberry.interface(description="An object with a global ID (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="The object's opaque global ID.")


def to_global_id(type_name: str, raw_id: UUID) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{raw_id}".encode()).decode())


def from_global_id(global_id: str) -> tuple[str, UUID] | None:
    try:
        decoded = base64.urlsafe_b64decode(global_id.encode()).decode()
        type_name, _, raw = decoded.partition(":")
        return type_name, UUID(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def to_pair_id(type_name: str, first: UUID, second: UUID) -> strawberry.ID:
    """The global ID of an object keyed by two UUIDs (a membership: circle and member)."""
    return strawberry.ID(
        base64.urlsafe_b64encode(f"{type_name}:{first}:{second}".encode()).decode()
    )


def from_pair_id(global_id: str) -> tuple[str, tuple[UUID, UUID]] | None:
    try:
        decoded = base64.urlsafe_b64decode(global_id.encode()).decode()
        type_name, first, second = decoded.split(":")
        return type_name, (UUID(first), UUID(second))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def parse_id(global_id: str, expected: str, field: str) -> UUID | None:
    """The UUID inside a global ID of the expected type, or None."""
    parsed = from_global_id(global_id)
    if parsed is None or parsed[0] != expected:
        return None
    return parsed[1]


def register_node(type_name: str) -> Callable[[NodeResolver], NodeResolver]:
    def decorate(resolver: NodeResolver) -> NodeResolver:
        NODE_RESOLVERS[type_name] = resolver
        return resolver

    return decorate


def register_pair_node(type_name: str) -> Callable[[PairResolver], PairResolver]:
    def decorate(resolver: PairResolver) -> PairResolver:
        PAIR_RESOLVERS[type_name] = resolver
        return resolver

    return decorate


async def load_node(info: strawberry.Info, type_name: str, raw_id: UUID) -> Any:
    """One object of a registered type, exactly as ``node(id:)`` answers it (None when
    the viewer may not see it). For a field whose type lives in a module that imports
    this field's own module: ``Post.circle`` (``api.circles.types`` lists posts)."""
    found = await NODE_RESOLVERS[type_name](info, [raw_id])
    return found[0]


async def resolve_nodes(info: strawberry.Info, ids: list[str]) -> list[Any]:
    await info.context.member()  # every node needs sign-in and a finished onboarding
    parsed: list[tuple[str, Any] | None] = [from_global_id(i) or from_pair_id(i) for i in ids]
    by_type: dict[str, list[Any]] = {}
    for item in parsed:
        if item is not None and (item[0] in NODE_RESOLVERS or item[0] in PAIR_RESOLVERS):
            if isinstance(item[1], tuple) != (item[0] in PAIR_RESOLVERS):
                continue  # a single ID for a pair type, or the other way round
            by_type.setdefault(item[0], []).append(item[1])
    found: dict[tuple[str, Any], Any] = {}
    for type_name, raw_ids in by_type.items():
        resolver = NODE_RESOLVERS.get(type_name) or PAIR_RESOLVERS[type_name]
        objects = await resolver(info, raw_ids)
        found.update(((type_name, i), obj) for i, obj in zip(raw_ids, objects, strict=True))
    return [found.get(item) if item else None for item in parsed]


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description="Fetch any object by its global ID. Needs sign-in and a profile "
        "(NOT_ONBOARDED otherwise); objects that do not "
        "exist or that the viewer may not see resolve to null."
    )
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")],
    ) -> Node | None:
        found: Node | None = (await resolve_nodes(info, [id]))[0]
        return found

    @strawberry.field(
        description="Fetch several objects by global ID, in the same order; null for each "
        f"one the viewer may not see. At most {MAX_NODES} IDs."
    )
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global IDs.")],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise HearthError(
                f"Ask for at most {MAX_NODES} IDs at once.", TopLevelCode.BAD_USER_INPUT
            )
        return await resolve_nodes(info, list(ids))
