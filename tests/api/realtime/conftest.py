"""Realtime tests run a real uvicorn server and talk to it over real sockets."""

from __future__ import annotations

import datetime
import time
from collections.abc import AsyncIterator

import google.oauth2.id_token
import httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.conftest import test_settings
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server


@pytest.fixture
async def live(clean_database: str) -> AsyncIterator[tuple[str, GraphQLClient]]:
    async with (
        live_server(test_settings()) as base,
        httpx.AsyncClient(base_url=f"http://{base}") as http,
    ):
        yield base, GraphQLClient(http)


PROJECT = "demo-project"


@pytest.fixture(scope="module")
def signing_key() -> tuple[rsa.RSAPrivateKey, dict[str, str]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
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
    return key, {"kid-1": cert.public_bytes(serialization.Encoding.PEM).decode()}


def token_for(key: rsa.RSAPrivateKey, uid: str, ttl: int) -> str:
    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "sub": uid,
        "user_id": uid,
        "iat": now,
        "auth_time": now,
        "exp": now + ttl,
        "firebase": {"sign_in_provider": "password", "identities": {}},
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "kid-1"})


@pytest.fixture
async def firebase_server(
    clean_database: str,
    monkeypatch: pytest.MonkeyPatch,
    signing_key: tuple[rsa.RSAPrivateKey, dict[str, str]],
) -> AsyncIterator[str]:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.setattr(google.oauth2.id_token, "_fetch_certs", lambda request, url: signing_key[1])
    settings = test_settings(firebase_project_id=PROJECT, hearth_sign_in="firebase")
    async with live_server(settings) as base:
        yield base
