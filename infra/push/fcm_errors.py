"""How a firebase-admin send result is classified: sent, retry later, or prune the
device (its token or installation is gone). Used by ``infra.push.fcm``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from firebase_admin import exceptions, messaging

from domain.notifications.push import PushOutcome, PushResult

_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
_TARGET_FIELDS = frozenset({"message.token", "message.fid"})
_INVALID_TARGET_MESSAGE = re.compile(r"not a valid FCM registration token", re.IGNORECASE)

_PRUNE_TYPES: tuple[type[Exception], ...] = (
    messaging.UnregisteredError,
    messaging.SenderIdMismatchError,
)
_RETRY_TYPES: tuple[type[Exception], ...] = (
    messaging.QuotaExceededError,
    exceptions.ResourceExhaustedError,
    exceptions.UnavailableError,
    exceptions.InternalError,
    exceptions.DeadlineExceededError,
)


def to_result(response: messaging.SendResponse) -> PushResult:
    if response.success:
        return PushResult(PushOutcome.SENT, message_id=response.message_id)
    error = response.exception
    outcome = _classify(error)
    retry_after = _retry_after(error) if outcome is PushOutcome.RETRY else None
    return PushResult(outcome, error_code=_error_code(error), retry_after=retry_after)


def _retry_after(error: Exception | None) -> float | None:
    """The answer's ``Retry-After`` in seconds (a number or an HTTP date), if any."""
    response = getattr(error, "http_response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _classify(error: Exception | None) -> PushOutcome:
    if isinstance(error, _PRUNE_TYPES):
        return PushOutcome.PRUNE_DEVICE
    if isinstance(error, exceptions.InvalidArgumentError):
        return PushOutcome.PRUNE_DEVICE if _is_about_target(error) else PushOutcome.FAILED
    if isinstance(error, _RETRY_TYPES):
        return PushOutcome.RETRY
    if isinstance(error, exceptions.UnknownError) and isinstance(
        error.cause, requests.exceptions.RequestException
    ):
        return PushOutcome.RETRY  # a transport failure without an HTTP answer
    return PushOutcome.FAILED


def _is_about_target(error: exceptions.InvalidArgumentError) -> bool:
    """True when a 400 INVALID_ARGUMENT is about the device identifier, not the payload."""
    body = _error_body(error)
    message = body.get("message")
    if not isinstance(message, str):
        message = str(error)
    if _INVALID_TARGET_MESSAGE.search(message):
        return True
    for detail in _details(body):
        if detail.get("@type") != _BAD_REQUEST_TYPE:
            continue
        violations = detail.get("fieldViolations")
        if isinstance(violations, list) and any(
            isinstance(v, dict) and v.get("field") in _TARGET_FIELDS for v in violations
        ):
            return True
    return False


def _error_code(error: Exception | None) -> str:
    """FCM's own errorCode (UNREGISTERED, ...) if it sent one, else the platform code."""
    if isinstance(error, exceptions.FirebaseError):
        for detail in _details(_error_body(error)):
            code = detail.get("errorCode")
            if detail.get("@type") == _FCM_ERROR_TYPE and isinstance(code, str) and code:
                return code
        return str(error.code)
    return "UNKNOWN"


def _error_body(error: exceptions.FirebaseError) -> dict[str, Any]:
    response = error.http_response
    if response is None:
        return {}
    try:
        parsed = response.json()
    except ValueError:
        return {}
    body = parsed.get("error") if isinstance(parsed, dict) else None
    return body if isinstance(body, dict) else {}


def _details(body: dict[str, Any]) -> list[dict[str, Any]]:
    details = body.get("details")
    if not isinstance(details, list):
        return []
    return [d for d in details if isinstance(d, dict)]
