"""Sign-in through the real firebase-admin client, offline.

Tokens are real RS256 JWTs signed with a throwaway key; Google's certificate fetch
(``google.oauth2.id_token._fetch_certs``) is replaced by a stand-in that serves the
matching self-signed certificate (``tests/support/firebase_tokens.py``), so
firebase-admin and google-auth run their own verification code end to end.
"""

from __future__ import annotations

import datetime
import socket
import traceback
import uuid
from collections.abc import Iterator

import firebase_admin
import firebase_admin._token_gen
import google.auth._helpers
import google.auth.credentials
import google.auth.exceptions
import google.oauth2.id_token
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from domain.clock import FixedClock
from domain.errors import AuthUnavailable, Unauthenticated
from infra.auth import (
    CompositeVerifier,
    DevTokenVerifier,
    FirebaseTokenVerifier,
    Identity,
    parse_bearer,
)
from tests.support import firebase_tokens
from tests.support.firebase_tokens import (
    KID,
    CertEndpoint,
    certificates,
    new_rsa_key,
    sign,
    unsigned,
)

PROJECT = "demo-hearth"


def claims(uid: str = "u1", aud: str = PROJECT, ttl: int = 600, now: int | None = None) -> dict:
    return firebase_tokens.claims(uid=uid, aud=aud, ttl=ttl, now=now)


@pytest.fixture(scope="session")
def signing_key() -> tuple[rsa.RSAPrivateKey, dict[str, str]]:
    key = new_rsa_key()
    return key, certificates(key)


@pytest.fixture
def key(signing_key: tuple[rsa.RSAPrivateKey, dict[str, str]]) -> rsa.RSAPrivateKey:
    return signing_key[0]


@pytest.fixture
def certs(
    monkeypatch: pytest.MonkeyPatch, signing_key: tuple[rsa.RSAPrivateKey, dict[str, str]]
) -> CertEndpoint:
    endpoint = CertEndpoint(signing_key[1])
    monkeypatch.setattr(google.oauth2.id_token, "_fetch_certs", endpoint.fetch)
    return endpoint


@pytest.fixture
def fb_app(monkeypatch: pytest.MonkeyPatch, certs: CertEndpoint) -> Iterator[firebase_admin.App]:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    app = firebase_admin.initialize_app(
        google.auth.credentials.AnonymousCredentials(),
        {"projectId": PROJECT},
        name=f"sign-in-test-{uuid.uuid4().hex}",
    )
    yield app
    firebase_admin.delete_app(app)


@pytest.fixture
def verifier(fb_app: firebase_admin.App) -> FirebaseTokenVerifier:
    return FirebaseTokenVerifier(fb_app)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    """One hand-moved clock for both the verifier's cache and google-auth's exp check."""
    fixed = FixedClock(datetime.datetime.now(datetime.UTC).replace(microsecond=0))
    monkeypatch.setattr(google.auth._helpers, "utcnow", lambda: fixed.now().replace(tzinfo=None))
    return fixed


def advance(clock: FixedClock, seconds: float) -> None:
    clock.set(clock.now() + datetime.timedelta(seconds=seconds))


# --- FirebaseTokenVerifier: real RS256 verification -------------------------------------


async def test_valid_token_verifies_to_identity_with_uid_and_claims(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey
) -> None:
    # given
    token = sign(key, claims(uid="alice"))

    # when
    identity = await verifier.verify(token)

    # then
    assert isinstance(identity, Identity)
    assert identity.uid == "alice"
    assert identity.claims["email"] == "alice@example.com"
    assert identity.claims["aud"] == PROJECT


async def test_expired_token_is_unauthenticated(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey
) -> None:
    # given
    token = sign(key, claims(ttl=-10))

    # when / then
    with pytest.raises(Unauthenticated, match="expired"):
        await verifier.verify(token)


async def test_token_for_another_project_is_unauthenticated(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey
) -> None:
    # given
    token = sign(key, claims(aud="someone-elses-project"))

    # when / then
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


async def test_token_signed_by_a_foreign_key_is_unauthenticated(
    verifier: FirebaseTokenVerifier,
) -> None:
    # given: right kid and claims, but the signature comes from a key Google never published
    token = sign(new_rsa_key(), claims())

    # when / then
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


async def test_unsigned_alg_none_token_is_unauthenticated_outside_the_emulator(
    verifier: FirebaseTokenVerifier,
) -> None:
    # given: FIREBASE_AUTH_EMULATOR_HOST is unset (fb_app fixture) and the token has no signature
    token = unsigned(claims())

    # when / then
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


async def test_hs256_token_is_unauthenticated(verifier: FirebaseTokenVerifier) -> None:
    # given: an HMAC token with a guessable secret and a kid that exists
    token = jwt.encode(claims(), "not-a-secret" * 3, algorithm="HS256", headers={"kid": KID})

    # when / then
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


async def test_token_without_kid_is_unauthenticated(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey
) -> None:
    # given
    token = sign(key, claims(), kid=None)

    # when / then
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "x" * 20_000])
async def test_garbage_is_unauthenticated_and_never_quoted(
    verifier: FirebaseTokenVerifier, token: str
) -> None:
    # given: a token that is not a JWT at all

    # when
    with pytest.raises(Unauthenticated) as caught:
        await verifier.verify(token)

    # then: neither the message nor a logged traceback (with its causes) carries the token
    if token:
        assert token not in "".join(traceback.format_exception(caught.value))


async def test_rejection_message_does_not_contain_the_token(
    verifier: FirebaseTokenVerifier,
) -> None:
    # given
    token = sign(new_rsa_key(), claims())

    # when
    with pytest.raises(Unauthenticated) as caught:
        await verifier.verify(token)

    # then
    assert token not in "".join(traceback.format_exception(caught.value))


async def test_certificate_fetch_failure_is_auth_unavailable_not_unauthenticated(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey, certs: CertEndpoint
) -> None:
    # given
    certs.failing = True
    token = sign(key, claims())

    # when
    with pytest.raises(AuthUnavailable) as caught:
        await verifier.verify(token)

    # then
    assert not isinstance(caught.value, Unauthenticated)
    assert isinstance(caught.value.__cause__, firebase_admin.auth.CertificateFetchError)
    assert token not in str(caught.value)


async def test_unreachable_certificate_endpoint_is_auth_unavailable(
    monkeypatch: pytest.MonkeyPatch, key: rsa.RSAPrivateKey
) -> None:
    # given: google-auth's real HTTP transport, pointed at a loopback port nobody listens on
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(
        firebase_admin._token_gen, "ID_TOKEN_CERT_URI", f"http://127.0.0.1:{port}/certs"
    )
    app = firebase_admin.initialize_app(
        google.auth.credentials.AnonymousCredentials(),
        {"projectId": PROJECT},
        name=f"sign-in-test-{uuid.uuid4().hex}",
    )
    try:
        verifier = FirebaseTokenVerifier(app)

        # when / then
        with pytest.raises(AuthUnavailable):
            await verifier.verify(sign(key, claims()))
    finally:
        firebase_admin.delete_app(app)


# --- the verified-token cache ------------------------------------------------------------


async def test_verified_token_is_served_from_cache_without_refetching_keys(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey, certs: CertEndpoint
) -> None:
    # given: a token verified once
    token = sign(key, claims(uid="bob"))
    first = await verifier.verify(token)
    certs.failing = True
    calls_before = certs.calls

    # when: the same token comes again while Google's keys are unreachable
    second = await verifier.verify(token)

    # then
    assert second == first
    assert second.uid == "bob"
    assert certs.calls == calls_before


async def test_rejected_tokens_are_not_cached(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey
) -> None:
    # given
    token = sign(key, claims(ttl=-10))
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)

    # when / then: still rejected, and nothing was stored
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)
    assert verifier.cache_size == 0


async def test_cached_token_stops_being_accepted_after_its_exp(
    fb_app: firebase_admin.App, key: rsa.RSAPrivateKey, clock: FixedClock
) -> None:
    # given: a token that lives 30 seconds, verified and cached
    verifier = FirebaseTokenVerifier(fb_app, clock=clock)
    token = sign(key, claims(ttl=30, now=int(clock.now().timestamp())))
    assert (await verifier.verify(token)).uid == "u1"
    advance(clock, 29)
    assert (await verifier.verify(token)).uid == "u1"

    # when: its exp passes
    advance(clock, 2)

    # then
    with pytest.raises(Unauthenticated, match="expired"):
        await verifier.verify(token)
    assert verifier.cache_size == 0


async def test_cache_entry_lasts_at_most_five_minutes_then_the_token_is_verified_again(
    fb_app: firebase_admin.App, key: rsa.RSAPrivateKey, certs: CertEndpoint, clock: FixedClock
) -> None:
    # given: a token valid for an hour, verified once, and Google's keys now unreachable
    verifier = FirebaseTokenVerifier(fb_app, clock=clock)
    token = sign(key, claims(ttl=3600, now=int(clock.now().timestamp())))
    await verifier.verify(token)
    certs.failing = True

    # when: just under five minutes later it is still served from the cache
    advance(clock, 299)
    assert (await verifier.verify(token)).uid == "u1"
    advance(clock, 2)

    # then: after five minutes the verifier goes back to Firebase
    with pytest.raises(AuthUnavailable):
        await verifier.verify(token)


async def test_cache_is_bounded(fb_app: firebase_admin.App, key: rsa.RSAPrivateKey) -> None:
    # given
    verifier = FirebaseTokenVerifier(fb_app, cache_max_entries=2)

    # when
    for uid in ("a", "b", "c"):
        await verifier.verify(sign(key, claims(uid=uid)))

    # then
    assert verifier.cache_size == 2


# --- DevTokenVerifier ---------------------------------------------------------------------


async def test_dev_verifier_accepts_dev_uid() -> None:
    # given
    dev = DevTokenVerifier()

    # when
    identity = await dev.verify("dev:alice")

    # then
    assert identity == Identity(uid="alice", claims={}, dev=True)


@pytest.mark.parametrize(
    "token", ["dev:", "dev:a b", "alice", "dev:alice/admin", "DEV:alice", "dev:" + "a" * 129]
)
async def test_dev_verifier_rejects_anything_but_dev_uid(token: str) -> None:
    # given
    dev = DevTokenVerifier()

    # when / then
    with pytest.raises(Unauthenticated):
        await dev.verify(token)


# --- CompositeVerifier --------------------------------------------------------------------


async def test_composite_sends_dev_tokens_to_dev_and_others_to_firebase(
    verifier: FirebaseTokenVerifier, key: rsa.RSAPrivateKey
) -> None:
    # given
    composite = CompositeVerifier(firebase=verifier, dev=DevTokenVerifier())

    # when
    from_dev = await composite.verify("dev:carol")
    from_firebase = await composite.verify(sign(key, claims(uid="dave")))

    # then
    assert from_dev.uid == "carol"
    assert from_dev.claims == {}
    assert from_firebase.uid == "dave"
    assert from_firebase.claims["aud"] == PROJECT


async def test_composite_refuses_dev_tokens_when_dev_is_disabled(
    verifier: FirebaseTokenVerifier,
) -> None:
    # given
    composite = CompositeVerifier(firebase=verifier, dev=None)

    # when / then
    with pytest.raises(Unauthenticated, match="dev sign-in is disabled"):
        await composite.verify("dev:alice")


async def test_composite_refuses_firebase_tokens_when_firebase_is_not_configured(
    key: rsa.RSAPrivateKey,
) -> None:
    # given
    composite = CompositeVerifier(firebase=None, dev=DevTokenVerifier())

    # when / then
    with pytest.raises(Unauthenticated, match="Firebase sign-in is not configured"):
        await composite.verify(sign(key, claims()))


# --- parse_bearer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer   dev:alice  ", "dev:alice"),
    ],
)
def test_parse_bearer_returns_the_token_or_none_without_header(
    header: str | None, expected: str | None
) -> None:
    # given / when
    token = parse_bearer(header)

    # then
    assert token == expected


@pytest.mark.parametrize(
    "header", ["", "   ", "Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Bearer a b", "Token abc"]
)
def test_parse_bearer_rejects_malformed_header(header: str) -> None:
    # given / when / then
    with pytest.raises(Unauthenticated):
        parse_bearer(header)
