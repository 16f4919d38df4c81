"""Where persisted GraphQL documents live: an in-process LRU by default, Redis when
``REDIS_URL`` is set (shared by every instance), and the trusted-documents manifest.

Both stores are bounded: the LRU by entries, Redis by a time to live per document and
the request body limit per document.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError

log = logging.getLogger("hearth.persisted")

HASH = re.compile(r"^[0-9a-f]{64}$")
REDIS_PREFIX = "hearth:apq:"
REDIS_TTL_SECONDS = 7 * 24 * 3600
LRU_ENTRIES = 2_000


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class LruDocuments:
    """The embedded default: the most recently used documents of this process."""

    def __init__(self, size: int = LRU_ENTRIES) -> None:
        self._size = size
        self._items: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256: str) -> str | None:
        document = self._items.get(sha256)
        if document is not None:
            self._items.move_to_end(sha256)
        return document

    async def put(self, sha256: str, document: str) -> None:
        self._items[sha256] = document
        self._items.move_to_end(sha256)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


class RedisDocuments:
    """Documents shared by every instance, each kept for a week after its last use.

    While Redis is unreachable the store knows no document and keeps none, so APQ
    degrades to full queries (clients resend the document on ``PersistedQueryNotFound``)
    instead of failing: a registration is stored after its operation ran, and a failure
    there must not turn a mutation that happened into an error the app would retry."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis
        self._failing = False

    async def get(self, sha256: str) -> str | None:
        try:
            raw = await self._redis.getex(REDIS_PREFIX + sha256, ex=REDIS_TTL_SECONDS)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return None
        self._works()
        return raw.decode() if isinstance(raw, bytes) else raw

    async def put(self, sha256: str, document: str) -> None:
        try:
            await self._redis.set(REDIS_PREFIX + sha256, document, ex=REDIS_TTL_SECONDS)
        except (RedisError, OSError) as exc:
            self._failed(exc)
            return
        self._works()

    def _failed(self, exc: Exception) -> None:
        if not self._failing:  # one line per outage, not one per request
            self._failing = True
            log.warning(
                "persisted queries unavailable (%s): full queries until Redis is back",
                type(exc).__name__,
            )

    def _works(self) -> None:
        if self._failing:
            self._failing = False
            log.warning("persisted queries available again")


class ManifestError(Exception):
    """The trusted-documents manifest cannot be used."""


def load_manifest(path: Path) -> dict[str, str]:
    """A ``{sha256: document}`` manifest, as GraphQL Codegen's client preset writes it
    (``persistedDocuments: true`` → ``persisted-documents.json``). Every key must be
    the SHA-256 of its document."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"the trusted documents manifest {path} does not exist") from exc
    except (OSError, ValueError) as exc:
        raise ManifestError(f"the trusted documents manifest {path} is not JSON") from exc
    if not isinstance(raw, dict) or not raw:
        raise ManifestError(f"the trusted documents manifest {path} is not a non-empty object")
    manifest: dict[str, str] = {}
    for key, document in raw.items():
        if not isinstance(document, str) or not HASH.match(key):
            raise ManifestError(f"{path}: {key!r} is not a SHA-256 hash of a document")
        if sha256_of(document) != key:
            raise ManifestError(f"{path}: {key} is not the SHA-256 of its document")
        manifest[key] = document
    return manifest
