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

from domain.errors import DomainError, ErrorCode, ServiceUnavailable, ValidationError
from domain.ratelimits.policy import RateLimited


class TopLevelCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    AUTH_UNAVAILABLE = "AUTH_UNAVAILABLE"
    FORBIDDEN = "FORBIDDEN"
    NOT_ONBOARDED = "NOT_ONBOARDED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    SUBSCRIPTION_OVERFLOW = "SUBSCRIPTION_OVERFLOW"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    UNKNOWN_REGION = "UNKNOWN_REGION"
    RATE_LIMITED = "RATE_LIMITED"


class HearthError(GraphQLError):
    """A top-level error with a stable ``extensions.code``; never masked."""

    def __init__(self, message: str, code: TopLevelCode, **extensions: object) -> None:
        super().__init__(message, extensions={"code": code.value, **extensions})


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


def rate_limited(error: RateLimited) -> HearthError:
    """For a mutation without a payload: the same as the ``RATE_LIMITED`` user error,
    as a top-level error with ``extensions.code`` and ``extensions.retryAfter``."""
    return HearthError(error.message, TopLevelCode.RATE_LIMITED, retryAfter=error.retry_after)


def should_mask_error(error: GraphQLError) -> bool:
    """Mask only unexpected exceptions: typed and GraphQL errors stay readable."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return not isinstance(original, DomainError | ServiceUnavailable | OSError)


# Refused requests (parse, validation and limit errors) get a code of their own.
# graphql-core and Strawberry's limiters report these without one; their messages are
# pinned by tests/api/test_request_limits.py.
_REFUSALS = (
    ("Document contains more than", "TOKEN_LIMIT_EXCEEDED"),
    ("Syntax Error", "GRAPHQL_PARSE_FAILED"),
    ("exceeds maximum operation depth", "DEPTH_LIMIT_EXCEEDED"),
    ("aliases found. Allowed", "ALIAS_LIMIT_EXCEEDED"),
)


def tag_refusal(error: GraphQLError) -> None:
    """Give a request error without a code one: a limit's own, or
    GRAPHQL_VALIDATION_FAILED for any other document the schema refuses."""
    if (error.extensions or {}).get("code") or error.path:
        return  # coded already, or a field's error (those are resolvers' own)
    if should_mask_error(error) and not error.locations:
        return  # an exception that escaped execution, pointing nowhere in the document
    code = next((c for text, c in _REFUSALS if text in error.message), None)
    error.extensions = {**(error.extensions or {}), "code": code or "GRAPHQL_VALIDATION_FAILED"}


def tag_unavailable(error: GraphQLError) -> bool:
    """Give an error caused by an unreachable dependency (the database layer's
    ``ServiceUnavailable``, or a refused or reset connection while it opens one) its
    code and a retry hint (``extensions.retryAfter``, in seconds). True when it was one."""
    original = error.original_error
    if isinstance(original, ServiceUnavailable):
        retry_after = original.retry_after
    elif isinstance(original, OSError):
        retry_after = ServiceUnavailable().retry_after
        error.message = str(ServiceUnavailable())
    else:
        return False
    error.extensions = {"code": TopLevelCode.SERVICE_UNAVAILABLE.value, "retryAfter": retry_after}
    return True


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
    ErrorCode.ALREADY_PINNED: "It is already pinned in this circle.",
    ErrorCode.TOO_MANY_PINS: "The circle already has as many pins as it may.",
    ErrorCode.RATE_LIMITED: "Too many attempts; wait a little (see retryAfter).",
    ErrorCode.NAME_CONFUSABLE: "Looks like another member's display name.",
    ErrorCode.INVALID_TRANSITION: "The item is not in a state that allows this change.",
    ErrorCode.SELF_TARGET: "You can't do this to yourself or your own content.",
    ErrorCode.ALREADY_BLOCKED: "You already blocked this member.",
    ErrorCode.NOT_BLOCKED: "You have not blocked this member.",
    ErrorCode.ALREADY_REPORTED: "You already have an open report about this.",
    ErrorCode.MUTED: "A moderator muted you in this circle for now: you can read, not post.",
    ErrorCode.HEALTH_CONSENT_REQUIRED: "Needs the current health-data consent first.",
    ErrorCode.REAUTH_REQUIRED: "Sign in again first: this needs a sign-in from the last 5 minutes.",
}

UserErrorCode = strawberry.enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why an input was refused. Stable: clients may switch on it.",
)
_DEPRECATED_CODES: dict[ErrorCode, str] = {
    ErrorCode.FORBIDDEN: "Never returned in userErrors: a permission failure is a top-level "
    "error with extensions.code FORBIDDEN. Will be removed after 2027-06-01.",
}
for _value in UserErrorCode.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = _CODE_DESCRIPTIONS[ErrorCode(_value.value)]
    _value.deprecation_reason = _DEPRECATED_CODES.get(ErrorCode(_value.value))


@strawberry.type(description="A problem with the input of a mutation, meant to be shown.")
class UserError:
    code: ErrorCode = strawberry.field(description="What kind of problem this is.")
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "displayName"]; '
        "null when the problem is not about one field."
    )
    message: str = strawberry.field(description="A sentence to show to the member.")
    retry_after: int | None = strawberry.field(
        default=None,
        description="With RATE_LIMITED: whole seconds until the action is allowed again. "
        "Null for every other code.",
    )


def user_errors(error: DomainError) -> list[UserError]:
    errors: Sequence[DomainError] = error.errors if isinstance(error, ValidationError) else [error]
    return [
        UserError(
            code=e.code,
            field=list(e.field) or None,
            message=e.message,
            retry_after=e.retry_after if isinstance(e, RateLimited) else None,
        )
        for e in errors
    ]
