"""Sign-in adapters: turn a bearer token into an :class:`Identity`."""

from infra.auth.verifier import (
    CompositeVerifier,
    DevTokenVerifier,
    FirebaseTokenVerifier,
    Identity,
    TokenVerifier,
    parse_bearer,
)

__all__ = [
    "CompositeVerifier",
    "DevTokenVerifier",
    "FirebaseTokenVerifier",
    "Identity",
    "TokenVerifier",
    "parse_bearer",
]
