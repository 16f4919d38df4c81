"""Who signed in, and how a request names its bearer token.

The verification itself (Firebase, dev tokens, the token cache) lives behind the
:class:`TokenVerifier` port in ``infra.auth.verifier``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from domain.errors import Unauthenticated


@dataclass(frozen=True)
class Identity:
    """Who signed in: the Firebase uid and the token's claims (empty for dev tokens)."""

    uid: str
    claims: Mapping[str, Any] = field(default_factory=dict, hash=False)
    dev: bool = False
    """A development sign-in (``dev:<uid>``): it has no claims and counts as fresh."""

    def __post_init__(self) -> None:
        # A cached Identity is shared between requests: keep its claims read-only.
        object.__setattr__(self, "claims", MappingProxyType(dict(self.claims)))


class TokenVerifier(Protocol):
    """Anything that can turn a bearer token into an :class:`Identity`."""

    async def verify(self, token: str) -> Identity: ...


def parse_bearer(header_value: str | None) -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header.

    ``None`` when there is no header (an anonymous request). A header that is
    present but is not a bearer token raises :class:`Unauthenticated`.
    """
    if header_value is None:
        return None
    parts = header_value.strip().split(None, 1)
    if not parts:
        raise Unauthenticated("empty Authorization header")
    if parts[0].lower() != "bearer":
        raise Unauthenticated("Authorization header must use the Bearer scheme")
    if len(parts) < 2:
        raise Unauthenticated("Authorization header has no token")
    token = parts[1].strip()
    if not token or any(ch.isspace() for ch in token):
        raise Unauthenticated("Authorization header has a malformed token")
    return token
