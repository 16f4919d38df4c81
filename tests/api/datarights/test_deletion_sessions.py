"""Deleting an account needs a fresh sign-in, and ends the member's live sessions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import google.oauth2.id_token
import httpx
import pytest
import websockets
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api.conftest import running_app
from tests.conftest import test_settings
from tests.support.firebase_tokens import CertEndpoint, certificates, claims, new_rsa_key, sign
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server, ws_client

PROJECT = "demo-project"
DELETE = """mutation($input: DeleteMyAccountInput!) {
  deleteMyAccount(input: $input) { deletedMemberId userErrors { code field } } }"""
DELETE_INPUT = {"input": {"confirm": "DELETE", "deleteContent": False}}


@pytest.fixture(scope="module")
def google_key() -> rsa.RSAPrivateKey:
    return new_rsa_key()


@pytest.fixture
async def firebase_gql(
    monkeypatch: pytest.MonkeyPatch, google_key: rsa.RSAPrivateKey, clean_database: str
) -> AsyncIterator[GraphQLClient]:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    endpoint = CertEndpoint(certificates(google_key))
    monkeypatch.setattr(google.oauth2.id_token, "_fetch_certs", endpoint.fetch)
    settings = test_settings(firebase_project_id=PROJECT, hearth_sign_in="firebase")
    async with running_app(settings) as (_, http):
        yield GraphQLClient(http)


def signed_in_ago(key: rsa.RSAPrivateKey, uid: str, seconds: int) -> str:
    """A token issued now, for a sign-in ``seconds`` ago (tokens refresh hourly
    without a new sign-in, so ``auth_time`` can be much older than ``iat``)."""
    values = claims(uid=uid, aud=PROJECT)
    values["auth_time"] = int(time.time()) - seconds
    return sign(key, values)


async def test_an_old_sign_in_must_sign_in_again_before_deleting(
    firebase_gql: GraphQLClient, google_key: rsa.RSAPrivateKey
) -> None:
    fresh = signed_in_ago(google_key, "fb-alice", 10)
    await firebase_gql.onboard_with_token(fresh, "Quiet Fox")
    stale = signed_in_ago(google_key, "fb-alice", 6 * 60)

    refused = await firebase_gql.data(DELETE, DELETE_INPUT, token=stale)
    assert refused["deleteMyAccount"] == {
        "deletedMemberId": None,
        "userErrors": [{"code": "REAUTH_REQUIRED", "field": None}],
    }
    assert (await firebase_gql.data("{ me { displayName } }", token=stale))["me"] is not None

    recent = signed_in_ago(google_key, "fb-alice", 4 * 60)
    done = await firebase_gql.data(DELETE, DELETE_INPUT, token=recent)
    assert done["deleteMyAccount"]["userErrors"] == []
    assert (await firebase_gql.data("{ me { displayName } }", token=recent))["me"] is None


async def test_the_deleted_members_sockets_close_with_4410_and_others_stay(
    clean_database: str,
) -> None:
    async with (
        live_server(test_settings()) as base,
        httpx.AsyncClient(base_url=f"http://{base}") as http,
    ):
        gql = GraphQLClient(http)
        await gql.onboard("alice", "Quiet Fox")
        await gql.onboard("bob", "Brave Owl")
        async with (
            ws_client(base, "dev:alice") as alice_ws,
            ws_client(base, "dev:bob") as bob_ws,
        ):
            await alice_ws.subscribe("subscription { myActivity { unreadCount } }")
            assert (await alice_ws.next_data())["data"]["myActivity"]["unreadCount"] == 0
            await bob_ws.subscribe("subscription { myActivity { unreadCount } }")
            await bob_ws.next_data()

            result = await gql.data(DELETE, DELETE_INPUT, as_="alice")
            assert result["deleteMyAccount"]["userErrors"] == []

            with pytest.raises(websockets.ConnectionClosed) as closed:
                await _read_until_closed(alice_ws.connection)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4410
            await bob_ws.send({"type": "ping"})
            assert (await bob_ws.connection.recv()) is not None  # still open


async def _read_until_closed(connection: websockets.ClientConnection) -> None:
    while True:
        await asyncio.wait_for(connection.recv(), 5)
