"""A websocket signed in with a Firebase ID token is closed with 4419 when the token
expires, and the standard graphql-ws client reconnects with a fresh one by itself."""

from __future__ import annotations

import asyncio
import json

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
