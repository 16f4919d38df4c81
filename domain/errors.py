"""Typed domain errors.

Every rule the domain enforces fails with a :class:`DomainError` that carries a
stable machine-readable :class:`ErrorCode`, the input field it is about (a path,
for example ``("input", "displayName")``) and a human sentence. The API maps
validation-style errors to ``userErrors`` and access errors to top-level errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes shared by the domain and the GraphQL schema."""

    INVALID = "INVALID"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    TAKEN = "TAKEN"
    CONTAINS_CONTACT_INFO = "CONTAINS_CONTACT_INFO"
    UNKNOWN_TIMEZONE = "UNKNOWN_TIMEZONE"
    UNKNOWN_REGION = "UNKNOWN_REGION"
    MUST_BE_ADULT = "MUST_BE_ADULT"
    GUIDELINES_NOT_ACCEPTED = "GUIDELINES_NOT_ACCEPTED"
    ALREADY_ONBOARDED = "ALREADY_ONBOARDED"
    NOT_ONBOARDED = "NOT_ONBOARDED"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    CONFLICT = "CONFLICT"
    CIRCLE_FULL = "CIRCLE_FULL"
    BANNED = "BANNED"
    OWNER_MUST_TRANSFER = "OWNER_MUST_TRANSFER"
    INVITE_INVALID = "INVITE_INVALID"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    EDIT_WINDOW_CLOSED = "EDIT_WINDOW_CLOSED"
    RATE_LIMITED = "RATE_LIMITED"
    ALREADY_PINNED = "ALREADY_PINNED"
    TOO_MANY_PINS = "TOO_MANY_PINS"
    NAME_CONFUSABLE = "NAME_CONFUSABLE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    SELF_TARGET = "SELF_TARGET"
    ALREADY_BLOCKED = "ALREADY_BLOCKED"
    NOT_BLOCKED = "NOT_BLOCKED"
    ALREADY_REPORTED = "ALREADY_REPORTED"
    MUTED = "MUTED"
    HEALTH_CONSENT_REQUIRED = "HEALTH_CONSENT_REQUIRED"
    REAUTH_REQUIRED = "REAUTH_REQUIRED"


class DomainError(Exception):
    """A rule of the domain was broken. Safe to show to the member."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        field: Sequence[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field: tuple[str, ...] = tuple(field) if field else ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!s}, {self.message!r}, field={self.field!r})"


class ValidationError(DomainError):
    """One or more inputs are invalid. ``errors`` lists each problem."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        if not errors:
            raise ValueError("ValidationError needs at least one error")
        first = errors[0]
        super().__init__(first.code, first.message, first.field)
        self.errors: tuple[DomainError, ...] = tuple(errors)


class NotFound(DomainError):
    """The thing does not exist, or the viewer may not know that it exists."""

    def __init__(self, what: str, field: Sequence[str] | None = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"{what} was not found.", field)


class Forbidden(DomainError):
    """The viewer is signed in but may not do this."""

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(ErrorCode.FORBIDDEN, message)


class Unauthenticated(Exception):
    """No valid sign-in. Raised by token verifiers; mapped to UNAUTHENTICATED."""


class AuthUnavailable(Exception):
    """Sign-in could not be checked right now (for example the key fetch failed)."""


class ServiceUnavailable(Exception):
    """A dependency (the database) cannot be reached right now. Nothing the member did
    is wrong, and trying again in ``retry_after`` seconds is safe."""

    def __init__(self, retry_after: int = 2) -> None:
        super().__init__("Hearth can't reach its database right now. Please try again shortly.")
        self.retry_after = retry_after
