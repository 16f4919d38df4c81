"""Awaiting what an executor left pending, as graphql-core does it: shared by the fast
path (``api.execution``) and the compiled plans (``api.execution.compiler``)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLOutputType
from graphql.pyutils import Path, gather_with_cancel


async def guarded(
    ex: Any, completed: Awaitable[Any], type_: GraphQLOutputType, details: Any, path: Path
) -> Any:
    """A pending completion whose error is handled at ``path`` (recorded, or raised on
    for a non-null type), like graphql-core's ``await_completed``."""
    try:
        return await completed
    except Exception as raw_error:
        ex.handle_field_error(raw_error, type_, details, path)
        return None


async def gather_fields(out: dict[str, Any], pending: list[str]) -> dict[str, Any]:
    """The fields of ``out`` named in ``pending``, awaited together."""
    if len(pending) == 1:
        out[pending[0]] = await out[pending[0]]
    else:
        done = await gather_with_cancel(*(out[name] for name in pending))
        out.update(zip(pending, done, strict=True))
    return out


async def gather_items(out: list[Any], pending: list[int]) -> list[Any]:
    """The items of ``out`` at the indexes in ``pending``, awaited together."""
    if len(pending) == 1:
        out[pending[0]] = await out[pending[0]]
    else:
        done = await gather_with_cancel(*(out[i] for i in pending))
        for index, value in zip(pending, done, strict=True):
            out[index] = value
    return out
