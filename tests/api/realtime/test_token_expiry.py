"""A websocket signed in with a Firebase ID token is closed with 4401 when the
token expires, so the app reconnects with a fresh one."""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from collections.abc import AsyncIterator

import google.oauth2.id_token
import jwt
import pytest
import websockets
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.conftest import test_settings
from tests.support.live import live_server

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


def _token(key: rsa.RSAPrivateKey, uid: str, ttl: int) -> str:
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


async def _read_until_closed(ws: websockets.ClientConnection) -> None:
    while True:
        await asyncio.wait_for(ws.recv(), 10)


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


async def test_the_socket_closes_with_4401_when_the_token_expires(
    firebase_server: str, signing_key: tuple[rsa.RSAPrivateKey, dict[str, str]]
) -> None:
    # given a socket signed in with a token that expires in 2 seconds
    token = _token(signing_key[0], "alice", ttl=2)
    async with websockets.connect(
        f"ws://{firebase_server}/graphql", subprotocols=["graphql-transport-ws"]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": token}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert ack["type"] == "connection_ack"
        assert isinstance(ack["payload"]["expiresAt"], int)
        # when the token expires, then the server closes with 4401
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await _read_until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_an_expired_token_is_refused_at_connection(
    firebase_server: str, signing_key: tuple[rsa.RSAPrivateKey, dict[str, str]]
) -> None:
    token = _token(signing_key[0], "alice", ttl=-60)
    async with websockets.connect(
        f"ws://{firebase_server}/graphql", subprotocols=["graphql-transport-ws"]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": token}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
