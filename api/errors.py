"""Errors as the schema shows them.

* ``UserError`` entries in a mutation's payload: bad input and broken rules.
* Top-level GraphQL errors with ``extensions.code``: sign-in (UNAUTHENTICATED,
  AUTH_UNAVAILABLE) and permission (FORBIDDEN) failures.
* Anything unexpected is masked in production as INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import strawberry
from graphql import GraphQLError

from domain.errors import DomainError, ErrorCode, ValidationError


class TopLevelCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    AUTH_UNAVAILABLE = "AUTH_UNAVAILABLE"
    FORBIDDEN = "FORBIDDEN"
    NOT_ONBOARDED = "NOT_ONBOARDED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    SUBSCRIPTION_OVERFLOW = "SUBSCRIPTION_OVERFLOW"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class HearthError(GraphQLError):
    """A top-level error with a stable ``extensions.code``; never masked."""

    def __init__(self, message: str, code: TopLevelCode) -> None:
        super().__init__(message, extensions={"code": code.value})


def unauthenticated(message: str = "Sign in to continue.") -> HearthError:
    return HearthError(message, TopLevelCode.UNAUTHENTICATED)


def auth_unavailable() -> HearthError:
    return HearthError(
        "Sign-in can't be checked right now. Please try again in a moment.",
        TopLevelCode.AUTH_UNAVAILABLE,
    )


def forbidden(message: str = "You are not allowed to do this.") -> HearthError:
    return HearthError(message, TopLevelCode.FORBIDDEN)


def not_onboarded() -> HearthError:
    return HearthError("Set up your profile first.", TopLevelCode.NOT_ONBOARDED)


def should_mask_error(error: GraphQLError) -> bool:
    """Mask only unexpected exceptions: typed and GraphQL errors stay readable."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return not isinstance(original, DomainError)


_CODE_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.INVALID: "The value is not valid.",
    ErrorCode.TOO_SHORT: "The value is too short.",
    ErrorCode.TOO_LONG: "The value is too long.",
    ErrorCode.TAKEN: "Someone else already uses this value.",
    ErrorCode.CONTAINS_CONTACT_INFO: "Contains an email address, phone number or link.",
    ErrorCode.UNKNOWN_TIMEZONE: "Not an IANA timezone name.",
    ErrorCode.UNKNOWN_REGION: "Not an ISO 3166 alpha-2 region code.",
    ErrorCode.MUST_BE_ADULT: "Hearth is for adults only.",
    ErrorCode.GUIDELINES_NOT_ACCEPTED: "The current community guidelines were not accepted.",
    ErrorCode.ALREADY_ONBOARDED: "The profile already exists.",
    ErrorCode.NOT_ONBOARDED: "The member has no profile yet.",
    ErrorCode.NOT_FOUND: "The thing does not exist or is not visible to you.",
    ErrorCode.FORBIDDEN: "You may not do this.",
    ErrorCode.CONFLICT: "Something changed at the same time; try again.",
    ErrorCode.CIRCLE_FULL: "The circle has reached its capacity.",
    ErrorCode.BANNED: "You were removed from this circle.",
    ErrorCode.OWNER_MUST_TRANSFER: "Hand ownership to someone else first.",
    ErrorCode.INVITE_INVALID: "The invite code is wrong, used up or expired.",
    ErrorCode.ALREADY_MEMBER: "You are already in this circle.",
    ErrorCode.EDIT_WINDOW_CLOSED: "It is too late to edit this.",
    ErrorCode.RATE_LIMITED: "Too many attempts; wait a little.",
    ErrorCode.HEALTH_CONSENT_REQUIRED: "Needs the current health-data consent first.",
    ErrorCode.REAUTH_REQUIRED: "Sign in again first: this needs a sign-in from the last 5 minutes.",
}

UserErrorCode = strawberry.enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why an input was refused. Stable: clients may switch on it.",
)
for _value in UserErrorCode.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = _CODE_DESCRIPTIONS[ErrorCode(_value.value)]


@strawberry.type(description="A problem with the input of a mutation, meant to be shown.")
class UserError:
    code: ErrorCode = strawberry.field(description="What kind of problem this is.")
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "displayName"]; '
        "null when the problem is not about one field."
    )
    message: str = strawberry.field(description="A sentence to show to the member.")


def user_errors(error: DomainError) -> list[UserError]:
    errors: Sequence[DomainError] = error.errors if isinstance(error, ValidationError) else [error]
    return [UserError(code=e.code, field=list(e.field) or None, message=e.message) for e in errors]
