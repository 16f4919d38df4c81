"""Bearer-token verification.

* :class:`FirebaseTokenVerifier` checks real Firebase ID tokens (RS256, signed by
  Google) with the firebase-admin SDK and keeps a small in-memory cache of tokens it
  has already accepted.
* :class:`DevTokenVerifier` accepts ``dev:<uid>`` tokens for local development.
* :class:`CompositeVerifier` routes a token to one of them.

A token is a credential: it is never logged and never copied into an exception
message. Firebase's own error messages can quote the token, so they are replaced by
short fixed reasons and not chained onto :class:`~domain.errors.Unauthenticated`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from typing import Any

import anyio.to_thread
import firebase_admin
import google.auth.exceptions
from firebase_admin import auth
from firebase_admin import exceptions as firebase_exceptions

from domain.clock import Clock, SystemClock
from domain.errors import AuthUnavailable, Unauthenticated
from domain.members.identity import Identity as Identity  # re-exported
from domain.members.identity import TokenVerifier as TokenVerifier  # re-exported
from domain.members.identity import parse_bearer as parse_bearer  # re-exported

DEV_PREFIX = "dev:"
_DEV_UID = re.compile(r"[A-Za-z0-9_-]{1,128}")
# Firebase ID tokens are about 1 KB; custom claims are capped at 1000 bytes.
MAX_TOKEN_LENGTH = 16 * 1024


class _VerifiedTokenCache:
    """A bounded map from SHA-256(token) to the Identity it verified as, with expiry.

    An entry lives until ``min(token exp, stored-at + ttl)``. When the cache is full,
    expired entries are dropped first and then the oldest ones.
    """

    def __init__(self, clock: Clock, *, ttl_seconds: float, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._clock = clock
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: dict[bytes, tuple[Identity, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(token: str) -> bytes:
        return hashlib.sha256(token.encode("utf-8")).digest()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def get(self, key: bytes) -> Identity | None:
        now = self._now()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            identity, expires_at = entry
            if now >= expires_at:
                del self._entries[key]
                return None
            return identity

    def put(self, key: bytes, identity: Identity, token_exp: Any) -> None:
        if self._ttl <= 0:
            return
        if isinstance(token_exp, bool) or not isinstance(token_exp, int | float):
            return  # no usable exp claim: do not cache
        now = self._now()
        expires_at = min(now + self._ttl, float(token_exp))
        if expires_at <= now:
            return
        with self._lock:
            self._entries.pop(key, None)
            if len(self._entries) >= self._max:
                self._evict(now)
            self._entries[key] = (identity, expires_at)

    def _evict(self, now: float) -> None:
        for stale in [k for k, (_, exp) in self._entries.items() if now >= exp]:
            del self._entries[stale]
        while len(self._entries) >= self._max:
            del self._entries[next(iter(self._entries))]  # oldest insertion

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class FirebaseTokenVerifier:
    """Verifies Firebase ID tokens with firebase-admin.

    ``verify_id_token`` blocks (it may fetch Google's certificates over HTTP, and with
    ``check_revoked`` it calls the Auth API), so it runs in a worker thread.

    Accepted tokens are cached for at most ``cache_ttl_seconds`` (and never past their
    ``exp``). With ``check_revoked=True`` this means a revocation or a disabled account
    takes effect within that window rather than at once; pass ``cache_ttl_seconds=0``
    to turn the cache off.
    """

    def __init__(
        self,
        app: firebase_admin.App,
        check_revoked: bool = False,
        *,
        clock: Clock | None = None,
        cache_ttl_seconds: float = 300.0,
        cache_max_entries: int = 10_000,
    ) -> None:
        self._app = app
        self._check_revoked = check_revoked
        self._cache = _VerifiedTokenCache(
            clock or SystemClock(),
            ttl_seconds=cache_ttl_seconds,
            max_entries=cache_max_entries,
        )

    @property
    def cache_size(self) -> int:
        return len(self._cache)

    def clear_cache(self) -> None:
        self._cache.clear()

    async def verify(self, token: str) -> Identity:
        if not isinstance(token, str) or not token:
            raise Unauthenticated("missing token")
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("token is too long")

        key = self._cache.key(token)
        cached = self._cache.get(key)
        if cached is not None:
            return cached

        claims = await self._verify_with_firebase(token)
        uid = claims.get("uid")
        if not isinstance(uid, str) or not uid:
            raise Unauthenticated("token has no subject")
        identity = Identity(uid=uid, claims=claims)
        self._cache.put(key, identity, claims.get("exp"))
        return identity

    async def _verify_with_firebase(self, token: str) -> dict[str, Any]:
        call = functools.partial(
            auth.verify_id_token, token, app=self._app, check_revoked=self._check_revoked
        )
        # Reasons are fixed strings: firebase/google-auth messages may quote the token,
        # so Unauthenticated is raised "from None" to keep them out of tracebacks too.
        try:
            claims: dict[str, Any] = await anyio.to_thread.run_sync(call)
        except auth.ExpiredIdTokenError:
            raise Unauthenticated("token has expired") from None
        except auth.RevokedIdTokenError:
            raise Unauthenticated("token has been revoked") from None
        except auth.InvalidIdTokenError:
            raise Unauthenticated("token is invalid") from None
        except auth.UserDisabledError:
            raise Unauthenticated("account is disabled") from None
        except auth.UserNotFoundError:  # only with check_revoked: the account was deleted
            raise Unauthenticated("account no longer exists") from None
        except auth.CertificateFetchError as error:
            # Not a subclass of InvalidIdTokenError: Google's keys could not be fetched.
            raise AuthUnavailable("could not fetch Firebase signing keys") from error
        except firebase_exceptions.FirebaseError as error:
            # Any other Firebase failure (for example the Auth API call made when
            # check_revoked is on) says nothing about the token itself.
            raise AuthUnavailable(f"Firebase sign-in check failed ({error.code})") from error
        except google.auth.exceptions.TransportError as error:
            raise AuthUnavailable("could not reach Firebase") from error
        except ValueError:
            raise Unauthenticated("token is malformed") from None
        return claims


class DevTokenVerifier:
    """Accepts ``dev:<uid>`` tokens. Only for local development and tests."""

    async def verify(self, token: str) -> Identity:
        if not isinstance(token, str) or not token.startswith(DEV_PREFIX):
            raise Unauthenticated("not a dev token")
        uid = token[len(DEV_PREFIX) :]
        if not _DEV_UID.fullmatch(uid):
            raise Unauthenticated("dev token needs a uid of 1-128 letters, digits, _ or -")
        return Identity(uid=uid, claims={}, dev=True)


class CompositeVerifier:
    """Sends ``dev:`` tokens to the dev verifier and everything else to Firebase."""

    def __init__(
        self,
        firebase: TokenVerifier | None = None,
        dev: TokenVerifier | None = None,
    ) -> None:
        self._firebase = firebase
        self._dev = dev

    async def verify(self, token: str) -> Identity:
        if token.startswith(DEV_PREFIX):
            if self._dev is None:
                raise Unauthenticated("dev sign-in is disabled")
            return await self._dev.verify(token)
        if self._firebase is None:
            raise Unauthenticated("Firebase sign-in is not configured")
        return await self._firebase.verify(token)
