"""What the access log says about a request beyond HTTP: the GraphQL operation's name
and a pseudonymous member id (an HMAC of the member's id, never the id itself), so
that operators can follow one member's requests without learning who they are."""

from __future__ import annotations

import hashlib
import hmac
from contextvars import ContextVar
from uuid import UUID

# A dict per request, set by the access-log middleware and filled in as the request
# runs (a dict, so that child tasks' notes reach the middleware too).
REQUEST_LOG: ContextVar[dict[str, str] | None] = ContextVar("hearth_request_log", default=None)


def note(**fields: str) -> None:
    """Add fields to this request's access log line (no-op outside a request)."""
    current = REQUEST_LOG.get()
    if current is not None:
        current.update(fields)


def member_hash(secret: str, member_id: UUID) -> str:
    """A stable pseudonym for a member in logs: 16 hex characters of an HMAC."""
    digest = hmac.new(secret.encode(), member_id.bytes, hashlib.sha256).hexdigest()
    return digest[:16]
