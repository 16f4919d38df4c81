"""Persisted operations: Apollo's automatic persisted queries (APQ) and trusted
documents (docs/api.md, "Persisted operations").

APQ, exactly as Apollo Client and Apollo iOS/Android speak it: a request with
``extensions.persistedQuery = {version: 1, sha256Hash}`` and no query runs the stored
document, or answers ``PersistedQueryNotFound`` (code PERSISTED_QUERY_NOT_FOUND) so
that the client resends it with the query, which registers it after the hash is
checked. With a trusted-documents manifest (``HEARTH_TRUSTED_DOCUMENTS``) only the
manifest's documents run: a full query, or an unknown hash, is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Protocol

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

HASH = re.compile(r"^[0-9a-f]{64}$")


class DocumentStore(Protocol):
    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, document: str) -> None: ...


def _refuse(message: str, code: str, context: Any, status: int | None = None) -> GraphQLError:
    response = getattr(context, "response", None)
    if status is not None and response is not None:
        response.status_code = status
    return GraphQLError(message, extensions={"code": code})


def persisted_operations(trusted: dict[str, str] | None) -> Callable[[], SchemaExtension]:
    """The extension, for a manifest (trusted documents only) or None (APQ)."""

    class PersistedOperations(SchemaExtension):
        passed = False

        async def on_operation(self) -> AsyncIterator[None]:
            context = self.execution_context
            request = context.context
            persisted = (context.operation_extensions or {}).get("persistedQuery")
            if persisted is None:
                if trusted is not None and context.query is not None:
                    raise _refuse(
                        "PersistedQueryNotAllowed: this server runs only the app's own "
                        "operations; send the document's hash.",
                        "PERSISTED_QUERY_NOT_ALLOWED",
                        request,
                        400,
                    )
                yield
                return
            sha = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
            if not isinstance(persisted, dict) or persisted.get("version") != 1:
                raise _refuse(
                    "Unsupported persistedQuery version: send version 1.",
                    "PERSISTED_QUERY_INVALID",
                    request,
                    400,
                )
            if not isinstance(sha, str) or not HASH.match(sha):
                raise _refuse(
                    "persistedQuery.sha256Hash must be 64 lowercase hex characters.",
                    "PERSISTED_QUERY_INVALID",
                    request,
                    400,
                )
            register = False
            if context.query:
                if hashlib.sha256(context.query.encode("utf-8")).hexdigest() != sha:
                    raise _refuse(
                        "provided sha does not match query",
                        "PERSISTED_QUERY_HASH_MISMATCH",
                        request,
                        400,
                    )
                if trusted is not None and sha not in trusted:
                    raise _refuse(
                        "PersistedQueryNotAllowed: not one of the app's operations.",
                        "PERSISTED_QUERY_NOT_ALLOWED",
                        request,
                        400,
                    )
                register = trusted is None
            else:
                register = False
                document = (
                    trusted.get(sha)
                    if trusted is not None
                    else await request.services.persisted.get(sha)
                )
                if document is None:
                    raise _refuse("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", request)
                context.query = document
            if getattr(request, "response", None) is not None:
                request.response.persisted = True  # for the HTTP caching headers
            self.passed = False
            yield
            # Registered only once it parsed and passed validation and every limit (the
            # operation reached execution): a document over the limits is refused at
            # registration, never stored. Errors of the operation's own fields (a
            # signed-out caller, a bad cursor) do not stop it: the document is fine.
            if register and self.passed:
                await request.services.persisted.put(sha, context.query)

        def on_execute(self) -> Iterator[None]:
            self.passed = True  # reached only after parsing and validation passed
            yield

    return PersistedOperations
