"""Shared plumbing for mutations: run a use case, turn its outcome into a payload (the
object, or ``userErrors`` for the domain's errors)."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
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
P = TypeVar("P")
Fields = Mapping[str, Any]
"""Some of a payload's fields, by their Python names (``user_errors`` aside)."""
# Pauses before each try of a read after a committed write (about 2 s in all).
READ_BACK_PAUSES = (0.0, 0.2, 0.5, 1.2)


def _in_input(error: DomainError) -> DomainError:
    if error.field and error.field[0] != "input":
        error.field = ("input", *error.field)
    return error


async def _attempt(call: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
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


async def payload(
    kind: Callable[..., P],
    call: Callable[[], Awaitable[T]],
    present: Callable[[T], Fields | Awaitable[Fields]] = lambda _: {},
    failed: Callable[[], Fields | Awaitable[Fields]] = dict,
) -> P:
    """Every mutation's answer: run the use case ``call`` (as :func:`_attempt` does) and
    build a ``kind`` payload. On success its fields are what ``present`` makes of the
    outcome, with no user errors; on user errors they are ``failed()`` (what is not
    nullable, e.g. a ``Boolean!``) with the errors. A field named by neither keeps its
    default, or is null."""
    outcome, errors = await _attempt(call)
    if errors:
        fields = await _fields(failed())
    else:
        fields = await _fields(present(outcome))  # type: ignore[arg-type]  # set: no errors
    return kind(**{**_nulls(kind), **fields, "user_errors": errors})


async def _fields(made: Fields | Awaitable[Fields]) -> Fields:
    return await made if inspect.isawaitable(made) else made


def _nulls(kind: Any) -> dict[str, None]:
    """The payload's fields that have no default, as nulls."""
    return {
        f.name: None
        for f in dataclasses.fields(kind)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


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
