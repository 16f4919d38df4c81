"""The Relay ``node`` and ``nodes`` fields."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from api.errors import HearthError, TopLevelCode

MAX_NODES = 100


async def _resolve(info: strawberry.Info, global_id: relay.GlobalID) -> relay.Node | None:
    await info.context.identity()  # every node needs sign-in
    try:
        node_type = global_id.resolve_type(info)
    except Exception:
        return None
    if node_type is None:
        return None
    node = node_type.resolve_node(global_id.node_id, info=info, required=False)
    if hasattr(node, "__await__"):
        node = await node
    return node  # type: ignore[no-any-return]


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description="Fetch any object by its global ID. Needs sign-in; objects that do not "
        "exist or that the viewer may not see resolve to null."
    )
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="A global ID.")],
    ) -> relay.Node | None:
        return await _resolve(info, id)

    @strawberry.field(
        description="Fetch several objects by global ID, in the same order; null for each "
        "one the viewer may not see. At most 100 IDs."
    )
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[relay.GlobalID], strawberry.argument(description="Global IDs.")],
    ) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise HearthError(
                f"Ask for at most {MAX_NODES} IDs at once.", TopLevelCode.BAD_USER_INPUT
            )
        return [await _resolve(info, global_id) for global_id in ids]
