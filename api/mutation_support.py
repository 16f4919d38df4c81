"""Shared plumbing for mutations: run a use case, turn domain errors into userErrors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from api.errors import UserError, forbidden, user_errors
from domain.errors import DomainError, ErrorCode, Forbidden

T = TypeVar("T")


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Await a use case. Input problems come back as user errors; a permission
    failure becomes a top-level FORBIDDEN error."""
    try:
        return await call, []
    except Forbidden as exc:
        raise forbidden(exc.message) from exc
    except DomainError as exc:
        if exc.code is ErrorCode.FORBIDDEN:
            raise forbidden(exc.message) from exc
        return None, user_errors(exc)
