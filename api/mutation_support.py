"""Shared plumbing for mutations: run a use case, turn domain errors into userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

from api.errors import UserError, forbidden, user_errors
from api.node import parse_id
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound

T = TypeVar("T")


def _in_input(error: DomainError) -> DomainError:
    if error.field and error.field[0] != "input":
        error.field = ("input", *error.field)
    return error


async def attempt(call: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Run a use case. Input problems come back as user errors (with field paths
    under ``input``); a permission failure becomes a top-level FORBIDDEN error."""
    try:
        return await call(), []
    except Forbidden as exc:
        raise forbidden(exc.message) from exc
    except DomainError as exc:
        if exc.code is ErrorCode.FORBIDDEN:
            raise forbidden(exc.message) from exc
        for inner in getattr(exc, "errors", (exc,)):
            _in_input(inner)
        return None, user_errors(_in_input(exc))


def global_id(value: str, type_name: str, field: str) -> UUID:
    """The UUID of a global ID of ``type_name``, or NOT_FOUND on ``input.<field>``."""
    raw = parse_id(value, type_name, field)
    if raw is None:
        raise NotFound(type_name, ("input", field))
    return raw
