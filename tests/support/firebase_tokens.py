"""Real Firebase-style ID tokens for offline tests.

Tokens are RS256 JWTs signed with a throwaway key. Google's certificate fetch
(``google.oauth2.id_token._fetch_certs``) is replaced by :class:`CertEndpoint`,
which serves the matching self-signed certificate, so firebase-admin and
google-auth run their own verification code end to end.
"""

from __future__ import annotations

import base64
import datetime
import json
import time
from typing import Any

import google.auth.exceptions
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KID = "kid-1"


def claims(
    uid: str = "u1", aud: str = "demo-project", ttl: int = 600, now: int | None = None
) -> dict:
    """The claims of a Firebase ID token for ``uid`` issued to project ``aud``."""
    now = int(time.time()) if now is None else now
    return {
        "iss": f"https://securetoken.google.com/{aud}",
        "aud": aud,
        "sub": uid,
        "user_id": uid,
        "iat": now,
        "auth_time": now,
        "exp": now + ttl,
        "email": f"{uid}@example.com",
        "firebase": {"sign_in_provider": "password", "identities": {}},
    }


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificates(key: rsa.RSAPrivateKey, kid: str = KID) -> dict[str, str]:
    """What Google's x509 endpoint serves: ``{kid: PEM certificate}`` for ``key``."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken-test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return {kid: cert.public_bytes(serialization.Encoding.PEM).decode()}


def sign(key: rsa.RSAPrivateKey, payload: dict, kid: str | None = KID) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


def unsigned(payload: dict) -> str:
    """An ``alg: none`` token: what the Auth emulator issues, never valid in production."""

    def b64(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': KID})}.{b64(payload)}."


class CertEndpoint:
    """Stands in for Google's x509 certificate endpoint."""

    def __init__(self, certs: dict[str, str]) -> None:
        self.certs = certs
        self.calls = 0
        self.failing = False

    def fetch(self, request: Any, certs_url: str) -> dict[str, str]:
        self.calls += 1
        if self.failing:
            # What the real _fetch_certs raises on a non-200 answer (and what
            # google-auth's requests transport raises when the connection fails).
            raise google.auth.exceptions.TransportError(
                f"Could not fetch certificates at {certs_url}"
            )
        return self.certs
