"""Safe retries: an optional idempotency key on the mutations that create things.

A phone resends a mutation when the answer is lost. With the same ``idempotencyKey``
from the same member within ``KEY_TTL`` the use case returns the first send's result
and creates nothing, and takes no rate-limit slot. The key is claimed first thing in
the write's own transaction (a unique ``(member_id, key)``), so of two sends racing
exactly one writes; the other waits for it and replays its result. A send that fails
(a user error, a rate limit) rolls its claim back, so a retry runs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.errors import DomainError, ErrorCode, ValidationError

KEY_TTL = timedelta(hours=24)
KEY_MAX = 100


class Operation(StrEnum):
    """The mutations that take a key."""

    CREATE_POST = "CREATE_POST"
    REPLY_TO_POST = "REPLY_TO_POST"
    CHECK_IN = "CHECK_IN"
    REACT = "REACT"


@dataclass(frozen=True, slots=True)
class StoredKey:
    member_id: UUID
    key: str
    operation: Operation
    result_id: UUID
    created_at: datetime


class IdempotencyRepository(Protocol):
    async def claim(self, stored: StoredKey, expired_before: datetime) -> bool:
        """Store the key (first dropping the member's same key if it was stored before
        ``expired_before``). False when a live one exists; waits for a concurrent
        transaction that holds the same key to finish first."""
        ...

    async def get(self, member_id: UUID, key: str) -> StoredKey | None: ...


def check_key(key: str | None, field: tuple[str, ...]) -> str | None:
    """The key as given, or INVALID: 1 to 100 printable characters (a UUID is ideal)."""
    if key is None:
        return None
    if not 1 <= len(key) <= KEY_MAX or not key.isprintable() or key.strip() != key:
        message = f"An idempotency key is 1 to {KEY_MAX} printable characters, e.g. a UUID."
        raise ValidationError([DomainError(ErrorCode.INVALID, message, field)])
    return key


class _Uow(Protocol):
    idempotency: IdempotencyRepository


async def claim_or_replay(
    uow: _Uow,
    member_id: UUID,
    key: str,
    operation: Operation,
    result_id: UUID,
    now: datetime,
    field: tuple[str, ...],
) -> UUID | None:
    """Inside the caller's transaction, before anything else: None when this send
    claimed the key for ``result_id`` (go on and write it), else the result id of the
    first send (write nothing). A key used before for another operation is INVALID."""
    stored = StoredKey(member_id, key, operation, result_id, now)
    if await uow.idempotency.claim(stored, now - KEY_TTL):
        return None
    first = await uow.idempotency.get(member_id, key)
    if first is None:  # expired and dropped between the two statements
        raise DomainError(ErrorCode.CONFLICT, "That changed at the same time. Please try again.")
    if first.operation is not operation:
        raise DomainError(
            ErrorCode.INVALID, "This idempotency key was already used for another change.", field
        )
    return first.result_id
