"""Signing in with real Firebase ID tokens (RS256) through HTTP.

The app runs with ``HEARTH_SIGN_IN=firebase`` and the real firebase-admin verifier;
only Google's certificate endpoint is replaced (see tests/support/firebase_tokens.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import firebase_admin
import google.oauth2.id_token
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api.conftest import running_app
from tests.conftest import test_settings
from tests.support.firebase_tokens import (
    CertEndpoint,
    certificates,
    claims,
    new_rsa_key,
    sign,
    unsigned,
)
from tests.support.graphql import ONBOARD, GraphQLClient, error_codes

PROJECT = "demo-project"
ME = "{ me { id displayName } }"


@pytest.fixture(scope="module")
def google_key() -> rsa.RSAPrivateKey:
    return new_rsa_key()


@pytest.fixture
def certs(monkeypatch: pytest.MonkeyPatch, google_key: rsa.RSAPrivateKey) -> CertEndpoint:
    endpoint = CertEndpoint(certificates(google_key))
    monkeypatch.setattr(google.oauth2.id_token, "_fetch_certs", endpoint.fetch)
    return endpoint


def hearth_firebase_apps() -> list[str]:
    return [name for name in firebase_admin._apps if name.startswith("hearth-")]


@pytest.fixture
async def gql(
    monkeypatch: pytest.MonkeyPatch, certs: CertEndpoint, clean_database: str
) -> AsyncIterator[GraphQLClient]:
    """A client of an app that accepts Firebase ID tokens of PROJECT only."""
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    before = hearth_firebase_apps()
    settings = test_settings(firebase_project_id=PROJECT, hearth_sign_in="firebase")
    async with running_app(settings) as (_, http):
        yield GraphQLClient(http)
    # the lifespan deletes the Firebase app it created
    assert hearth_firebase_apps() == before


def token_for(key: rsa.RSAPrivateKey, uid: str = "alice", **kw: Any) -> str:
    return sign(key, claims(uid=uid, aud=kw.pop("aud", PROJECT), **kw))


def onboarding_input() -> dict[str, Any]:
    return {
        "displayName": "Quiet Fox",
        "timezone": "Europe/London",
        "region": "GB",
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
    }


async def test_a_valid_token_signs_in_and_the_account_can_onboard(
    gql: GraphQLClient, google_key: rsa.RSAPrivateKey
) -> None:
    # given: a fresh Firebase account
    token = token_for(google_key, uid="firebase-alice")

    # when / then: signed in, no profile yet
    assert await gql.data(ME, token=token) == {"me": None}

    # when: it onboards with the same token
    data = await gql.data(ONBOARD, {"input": onboarding_input()}, token=token)

    # then
    assert data["completeOnboarding"]["userErrors"] == []
    me = (await gql.data(ME, token=token))["me"]
    assert me == {"id": data["completeOnboarding"]["member"]["id"], "displayName": "Quiet Fox"}


async def test_two_tokens_of_the_same_account_see_the_same_profile(
    gql: GraphQLClient, google_key: rsa.RSAPrivateKey
) -> None:
    # given: onboarded with one token
    await gql.data(ONBOARD, {"input": onboarding_input()}, token=token_for(google_key, "bob"))

    # when: a refreshed token (new iat/exp) for the same uid
    refreshed = token_for(google_key, "bob", ttl=3000)

    # then
    assert (await gql.data(ME, token=refreshed))["me"]["displayName"] == "Quiet Fox"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda key: token_for(key, ttl=-60), id="expired"),
        pytest.param(lambda key: token_for(key, aud="someone-elses-project"), id="wrong-audience"),
        pytest.param(lambda key: token_for(new_rsa_key()), id="foreign-key"),
        pytest.param(lambda key: unsigned(claims(uid="alice", aud=PROJECT)), id="alg-none"),
        pytest.param(lambda key: "not.a.jwt", id="garbage"),
    ],
)
async def test_a_bad_token_is_unauthenticated(
    gql: GraphQLClient, google_key: rsa.RSAPrivateKey, make_token: Any
) -> None:
    # when
    result = await gql(ME, token=make_token(google_key))

    # then
    assert result["data"] == {"me": None}
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["errors"][0]["message"] == "Your sign-in is missing, invalid or expired."


async def test_a_bad_token_cannot_onboard(
    gql: GraphQLClient, google_key: rsa.RSAPrivateKey
) -> None:
    # when
    result = await gql(ONBOARD, {"input": onboarding_input()}, token=token_for(google_key, ttl=-60))

    # then: refused, and nothing was created for that uid
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert await gql.data(ME, token=token_for(google_key)) == {"me": None}


async def test_when_googles_keys_cannot_be_fetched_sign_in_is_unavailable(
    gql: GraphQLClient, google_key: rsa.RSAPrivateKey, certs: CertEndpoint
) -> None:
    # given
    certs.failing = True

    # when
    result = await gql(ME, token=token_for(google_key))

    # then: a retryable error, not "you are signed out"
    assert error_codes(result) == ["AUTH_UNAVAILABLE"]
    assert certs.calls >= 1


async def test_an_accepted_token_keeps_working_while_googles_keys_are_unreachable(
    gql: GraphQLClient, google_key: rsa.RSAPrivateKey, certs: CertEndpoint
) -> None:
    # given: a token accepted once
    token = token_for(google_key)
    assert await gql.data(ME, token=token) == {"me": None}

    # when: Google's endpoint goes down
    certs.failing = True

    # then: the verified-token cache still signs it in
    assert await gql.data(ME, token=token) == {"me": None}


@pytest.mark.parametrize("token", ["dev:alice", "dev:admin"])
async def test_dev_tokens_are_refused_when_sign_in_is_firebase_only(
    gql: GraphQLClient, token: str
) -> None:
    result = await gql(ME, token=token)

    assert error_codes(result) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "authorization", ["Basic x", "Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token abc"]
)
async def test_a_malformed_authorization_header_fails_only_fields_that_need_sign_in(
    gql: GraphQLClient, authorization: str
) -> None:
    # when
    result = await gql(
        "{ me { id } communityGuidelines { version } }", headers={"Authorization": authorization}
    )

    # then
    assert result["data"] == {"me": None, "communityGuidelines": {"version": "2026-11"}}
    assert error_codes(result) == ["UNAUTHENTICATED"]


async def test_the_token_is_never_echoed_back(
    gql: GraphQLClient, google_key: rsa.RSAPrivateKey
) -> None:
    token = token_for(new_rsa_key())

    response = await gql.post(ME, token=token)

    assert token not in response.text
    assert token.split(".")[2] not in response.text


async def test_firebase_and_dev_mode_accepts_both(
    monkeypatch: pytest.MonkeyPatch,
    certs: CertEndpoint,
    google_key: rsa.RSAPrivateKey,
    clean_database: str,
) -> None:
    # given: the default when a project is set outside production
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    settings = test_settings(firebase_project_id=PROJECT, hearth_sign_in=None)
    assert settings.sign_in.value == "firebase+dev"
    async with running_app(settings) as (_, http):
        gql = GraphQLClient(http)

        # when / then
        assert await gql.data(ME, token=token_for(google_key)) == {"me": None}
        assert await gql.data(ME, as_="carol") == {"me": None}


async def test_firebase_apps_are_deleted_when_the_app_stops(
    monkeypatch: pytest.MonkeyPatch, certs: CertEndpoint, clean_database: str
) -> None:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    before = set(hearth_firebase_apps())
    settings = test_settings(firebase_project_id=PROJECT, hearth_sign_in="firebase")

    async with running_app(settings) as (app, _):
        running = app.state.services.firebase_app
        assert running.name in hearth_firebase_apps()
        assert running.project_id == PROJECT

    assert set(hearth_firebase_apps()) == before
