"""A websocket signed in with a Firebase ID token is closed with 4419 when the token
expires, and the standard graphql-ws client reconnects with a fresh one by itself; a
token that cannot be checked now (Google's keys unreachable) closes it with 4503."""

from __future__ import annotations

import asyncio
import json

import google.auth.exceptions
import google.oauth2.id_token
import pytest
import websockets
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api.realtime.conftest import token_for as _token


async def _read_until_closed(ws: websockets.ClientConnection) -> None:
    while True:
        await asyncio.wait_for(ws.recv(), 10)


async def test_the_socket_closes_with_4419_when_the_token_expires(
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
        # when the token expires, then the server closes with 4419
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await _read_until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4419


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
    assert closed.value.rcvd.code == 4401


async def test_a_socket_closes_with_4503_when_googles_keys_cannot_be_fetched(
    firebase_server: str,
    signing_key: tuple[rsa.RSAPrivateKey, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given Google's certificate endpoint is down (and the token was never seen before)
    def unreachable(request: object, url: str) -> dict[str, str]:
        raise google.auth.exceptions.TransportError(f"Could not fetch certificates at {url}")

    monkeypatch.setattr(google.oauth2.id_token, "_fetch_certs", unreachable)
    token = _token(signing_key[0], "bob", ttl=3600)
    async with websockets.connect(
        f"ws://{firebase_server}/graphql", subprotocols=["graphql-transport-ws"]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": token}}))
        # then the socket closes with 4503 (retry later), not 4401 (sign in again)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4503
