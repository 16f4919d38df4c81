"""Sign-in checks that need Firebase's Auth API, through the real firebase-admin client
against a loopback stand-in of that API (the emulator address):

* ``FirebaseTokenVerifier(check_revoked=True)`` refuses revoked tokens, disabled and
  deleted accounts, and answers AUTH_UNAVAILABLE (not UNAUTHENTICATED) when the Auth
  API fails;
* ``FirebaseSignInAccounts`` deletes the sign-in account, treats one already gone as
  deleted, and never raises when the Auth API fails (the Hearth account is gone).

Also the verifier's cache limits with their defaults, and read-only claims.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import firebase_admin
import google.auth.credentials
import pytest

from domain.clock import FixedClock
from domain.errors import AuthUnavailable, Unauthenticated
from infra.auth import FirebaseTokenVerifier, Identity
from infra.auth.accounts import FirebaseSignInAccounts, KeptSignInAccounts
from infra.auth.verifier import _VerifiedTokenCache
from tests.support.firebase_tokens import claims, unsigned

PROJECT = "demo-hearth-checks"


class _AuthApi(BaseHTTPRequestHandler):
    """accounts:lookup and accounts:delete, answering from ``users``; ``failing``
    makes every call a 503."""

    users: dict[str, dict[str, Any]] = {}
    calls: list[str] = []
    failing = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"] or 0)) or b"{}")
        self.calls.append(self.path.rsplit("/", 1)[-1])
        if self.failing:
            self._answer(503, {"error": {"code": 503, "message": "UNAVAILABLE"}})
        elif self.path.endswith("accounts:lookup"):
            found = [self.users[uid] for uid in body.get("localId", []) if uid in self.users]
            self._answer(200, {"kind": "identitytoolkit#GetAccountInfoResponse", "users": found})
        elif self.path.endswith("accounts:delete"):
            if self.users.pop(body.get("localId"), None) is None:
                self._answer(400, {"error": {"code": 400, "message": "USER_NOT_FOUND"}})
            else:
                self._answer(200, {"kind": "identitytoolkit#DeleteAccountResponse"})
        else:
            self._answer(404, {"error": {"code": 404, "message": "NOT_FOUND"}})

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        answer = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        return None


def user(uid: str, *, disabled: bool = False, valid_since: int = 0) -> dict[str, Any]:
    return {"localId": uid, "disabled": disabled, "validSince": str(valid_since)}


@pytest.fixture
def auth_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_AuthApi]]:
    _AuthApi.users, _AuthApi.calls, _AuthApi.failing = {}, [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AuthApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", f"127.0.0.1:{server.server_address[1]}")
    yield _AuthApi
    server.shutdown()
    server.server_close()


@pytest.fixture
def fb_app(auth_api: type[_AuthApi]) -> Iterator[firebase_admin.App]:
    app = firebase_admin.initialize_app(
        google.auth.credentials.AnonymousCredentials(),
        {"projectId": PROJECT},
        name=f"account-checks-{uuid.uuid4().hex}",
    )
    yield app
    firebase_admin.delete_app(app)


def token(uid: str = "u1", issued: int | None = None) -> str:
    """An emulator ID token (unsigned; accepted only with FIREBASE_AUTH_EMULATOR_HOST)."""
    return unsigned(claims(uid=uid, aud=PROJECT, now=issued))


# --- check_revoked -------------------------------------------------------------------


async def test_with_check_revoked_a_token_of_a_live_account_is_accepted(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi]
) -> None:
    auth_api.users["alice"] = user("alice")
    verifier = FirebaseTokenVerifier(fb_app, check_revoked=True)

    identity = await verifier.verify(token("alice"))

    assert identity.uid == "alice"
    assert auth_api.calls == ["accounts:lookup"]


async def test_with_check_revoked_a_token_issued_before_revocation_is_refused(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi]
) -> None:
    # given: the member signed out everywhere (tokens revoked) after this token was issued
    issued = int(time.time()) - 60
    auth_api.users["alice"] = user("alice", valid_since=issued + 30)
    revoking = FirebaseTokenVerifier(fb_app, check_revoked=True)

    # when / then
    with pytest.raises(Unauthenticated, match="revoked"):
        await revoking.verify(token("alice", issued))
    assert revoking.cache_size == 0
    # without check_revoked the Auth API is never asked (the default)
    assert (await FirebaseTokenVerifier(fb_app).verify(token("alice", issued))).uid == "alice"
    assert auth_api.calls == ["accounts:lookup"]


async def test_with_check_revoked_a_disabled_account_is_refused(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi]
) -> None:
    auth_api.users["alice"] = user("alice", disabled=True)
    verifier = FirebaseTokenVerifier(fb_app, check_revoked=True)

    with pytest.raises(Unauthenticated, match="disabled"):
        await verifier.verify(token("alice"))


async def test_with_check_revoked_a_deleted_account_is_refused(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi]
) -> None:
    verifier = FirebaseTokenVerifier(fb_app, check_revoked=True)

    with pytest.raises(Unauthenticated, match="no longer exists"):
        await verifier.verify(token("gone"))


async def test_with_check_revoked_an_auth_api_failure_is_unavailable_not_a_refusal(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi]
) -> None:
    # given: the member is fine, but the Auth API answers 503
    auth_api.users["alice"] = user("alice")
    auth_api.failing = True
    verifier = FirebaseTokenVerifier(fb_app, check_revoked=True)

    # when
    with pytest.raises(AuthUnavailable) as caught:
        await verifier.verify(token("alice"))

    # then: the client is told to try again, and nothing was cached
    assert not isinstance(caught.value, Unauthenticated)
    assert isinstance(caught.value.__cause__, firebase_admin.exceptions.FirebaseError)
    assert verifier.cache_size == 0


# --- FirebaseSignInAccounts ----------------------------------------------------------


async def test_deleting_a_sign_in_account_removes_it(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi]
) -> None:
    auth_api.users["alice"] = user("alice")

    deleted = await FirebaseSignInAccounts(fb_app).delete("alice")

    assert deleted is True
    assert auth_api.users == {}
    assert auth_api.calls == ["accounts:delete"]


async def test_a_sign_in_account_already_gone_counts_as_deleted(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="hearth.accounts"):
        deleted = await FirebaseSignInAccounts(fb_app).delete("never-there")

    assert deleted is True
    assert caplog.records == []


async def test_an_auth_api_failure_leaves_the_sign_in_account_and_says_so_without_the_uid(
    fb_app: firebase_admin.App, auth_api: type[_AuthApi], caplog: pytest.LogCaptureFixture
) -> None:
    auth_api.users["alice-uid-123"] = user("alice-uid-123")
    auth_api.failing = True

    with caplog.at_level(logging.WARNING, logger="hearth.accounts"):
        deleted = await FirebaseSignInAccounts(fb_app).delete("alice-uid-123")

    assert deleted is False
    assert "alice-uid-123" in auth_api.users
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "could not delete the Firebase account (UnavailableError)"


async def test_by_default_the_sign_in_account_is_left_alone_and_reported_as_kept(
    auth_api: type[_AuthApi],
) -> None:
    auth_api.users["alice"] = user("alice")

    deleted = await KeptSignInAccounts().delete("alice")

    assert deleted is False
    assert auth_api.calls == []
    assert "alice" in auth_api.users


# --- the cache's defaults and limits -----------------------------------------------------


class _Accepting(FirebaseTokenVerifier):
    """The real verifier with Firebase's answer stubbed: every token is valid for an
    hour (to count cache entries without signing thousands of tokens)."""

    def __init__(self, clock: FixedClock, **kw: Any) -> None:
        super().__init__(None, clock=clock, **kw)  # type: ignore[arg-type]
        self.asked = 0

    async def _verify_with_firebase(self, token: str) -> dict[str, Any]:
        self.asked += 1
        return {"uid": token, "exp": self._now + 3600}

    @property
    def _now(self) -> float:
        return START.timestamp()


START = datetime(2026, 12, 5, 9, tzinfo=UTC)


async def test_by_default_an_accepted_token_is_trusted_for_exactly_five_minutes() -> None:
    clock = FixedClock(START)
    verifier = _Accepting(clock)
    await verifier.verify("tok")
    clock.set(START + timedelta(seconds=299))
    await verifier.verify("tok")
    assert verifier.asked == 1

    clock.set(START + timedelta(seconds=300))
    await verifier.verify("tok")

    assert verifier.asked == 2


async def test_by_default_the_cache_holds_ten_thousand_tokens() -> None:
    verifier = _Accepting(FixedClock(START))

    for n in range(10_001):
        await verifier.verify(f"tok-{n}")

    assert verifier.cache_size == 10_000
    await verifier.verify("tok-0")  # the oldest went
    assert verifier.asked == 10_002


def test_a_ttl_of_one_second_still_caches_for_that_second() -> None:
    clock = FixedClock(START)
    tokens = _VerifiedTokenCache(clock, ttl_seconds=1, max_entries=3)
    key = _VerifiedTokenCache.key("tok")

    tokens.put(key, Identity("a"), START.timestamp() + 3600)

    assert tokens.get(key) == Identity("a")
    clock.set(START + timedelta(seconds=1))
    assert tokens.get(key) is None


def test_verifying_a_cached_token_again_when_full_drops_no_other_token() -> None:
    clock = FixedClock(START)
    tokens = _VerifiedTokenCache(clock, ttl_seconds=300, max_entries=3)
    keys = [_VerifiedTokenCache.key(f"tok-{n}") for n in range(3)]
    for n, key in enumerate(keys):
        tokens.put(key, Identity(str(n)), START.timestamp() + 3600)

    tokens.put(keys[1], Identity("1"), START.timestamp() + 3600)

    assert [tokens.get(k) for k in keys] == [Identity("0"), Identity("1"), Identity("2")]


def test_the_claims_of_an_identity_are_a_read_only_copy() -> None:
    claims_in = {"email": "a@example.com"}
    identity = Identity("a", claims_in)
    claims_in["email"] = "changed@example.com"

    assert identity.claims["email"] == "a@example.com"
    with pytest.raises(TypeError):
        identity.claims["email"] = "x"  # type: ignore[index]
