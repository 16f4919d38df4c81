"""Shared plumbing for mutations: run a use case, turn domain errors into userErrors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

from api.errors import UserError, forbidden, user_errors
from api.node import parse_id
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound, ServiceUnavailable

IDEMPOTENCY_KEY = (
    "Optional: a key you make for this one action (a UUID is ideal; 1 to 100 "
    "characters) and resend unchanged when you retry it. A repeat with the same key "
    "from you within 24 hours returns the first send's result, creates nothing and takes "
    "no rate-limit slot; the rest of a repeat's input is not looked at. A key already "
    "used for another kind of change is INVALID. See docs/api.md, Safe retries."
)

T = TypeVar("T")
F = TypeVar("F")
# Pauses before each try of a read after a committed write (about 2 s in all).
READ_BACK_PAUSES = (0.0, 0.2, 0.5, 1.2)


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


async def read_back(read: Callable[[], Awaitable[T]], fallback: F) -> T | F:
    """What a mutation reads after its write has committed, to build its payload.

    The write stands whatever happens here, so the answer must not say it failed: a
    lost database connection is retried on a fresh one, and if the database stays out
    of reach the payload goes without the object (``fallback``) and without errors,
    which says "done; refetch to see it" (docs/api.md).
    """
    for pause in READ_BACK_PAUSES:
        if pause:
            await asyncio.sleep(pause)
        try:
            return await read()
        except ServiceUnavailable:
            continue
    return fallback
