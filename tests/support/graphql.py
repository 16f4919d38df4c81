"""A small GraphQL client for API tests: posts operations as a given member."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

import httpx

ONBOARD = """
mutation Onboard($input: CompleteOnboardingInput!) {
  completeOnboarding(input: $input) {
    member { id displayName }
    userErrors { code field message }
  }
}
"""

ME = """
query Me {
  me { id displayName pronouns bio memberSince isViewer timezone region }
}
"""

# HEARTH_TEST_PERSISTED=1: every operation goes as Apollo Client sends it with APQ: the
# hash alone, then (when the server answers PersistedQueryNotFound) the hash with the
# query. The compiled plans of api/execution/compiled.py, and once a document is known
# the direct lane of api/execution/lane.py, then answer the whole API suite.
PERSISTED = os.environ.get("HEARTH_TEST_PERSISTED") == "1"


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: str | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if as_ is not None:
            all_headers["Authorization"] = f"Bearer dev:{as_}"
        elif token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        body: dict[str, Any] = {} if PERSISTED else {"query": query}
        if PERSISTED:
            body["extensions"] = persisted(query)
        if variables is not None:
            body["variables"] = variables
        response = await self.http.post("/graphql", json=body, headers=all_headers)
        if PERSISTED and _not_found(response):
            # as Apollo Client: the hash alone first, then the hash with the query
            body["query"] = query
            response = await self.http.post("/graphql", json=body, headers=all_headers)
        return response

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        response = await self.post(query, variables, **kw)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """The result's data; fails the test on any top-level error."""
        result = await self(query, variables, **kw)
        assert not result.get("errors"), result["errors"]
        data: dict[str, Any] = result["data"]
        return data

    async def onboard_with_token(self, token: str, display_name: str) -> str:
        """Onboard the account of a (Firebase) token with both consents."""
        return await self._onboard(_onboarding(display_name), token=token)

    async def onboard(self, uid: str, display_name: str | None = None, **extra: Any) -> str:
        """Onboard ``uid`` with both consents (pass
        ``acceptedHealthDataConsentVersion=None`` to leave the health-data one out);
        returns the member's global id."""
        return await self._onboard(_onboarding(display_name or f"Member {uid}", **extra), as_=uid)

    async def set_profile(self, uid: str, **values: Any) -> None:
        """Change ``uid``'s profile (pronouns, bio, ...); fails the test on a user error."""
        data = await self.data(UPDATE_PROFILE, {"input": values}, as_=uid)
        assert data["updateProfile"]["userErrors"] == [], data["updateProfile"]["userErrors"]

    async def _onboard(self, payload: dict[str, Any], **who: Any) -> str:
        data = await self.data(ONBOARD, {"input": payload}, **who)
        result = data["completeOnboarding"]
        assert result["userErrors"] == [], result["userErrors"]
        member_id: str = result["member"]["id"]
        return member_id


UPDATE_PROFILE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { userErrors { code field message } }
}
"""


def _onboarding(display_name: str, **extra: Any) -> dict[str, Any]:
    return {
        "displayName": display_name,
        "timezone": "Europe/London",
        "region": "GB",
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
        "acceptedHealthDataConsentVersion": "2026-12",
        **extra,
    }


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


def _not_found(response: httpx.Response) -> bool:
    try:
        answer = response.json()
    except ValueError:
        return False
    return isinstance(answer, dict) and error_codes(answer) == ["PERSISTED_QUERY_NOT_FOUND"]


def persisted(document: str) -> dict[str, Any]:
    """The APQ extension of a document: its SHA-256 (``extensions.persistedQuery``)."""
    sha = hashlib.sha256(document.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


async def send_persisted(
    http: httpx.AsyncClient, document: str, variables: Any, uid: str | None
) -> tuple[int, Any]:
    """(HTTP status, JSON answer) of a document sent with its hash, as ``uid`` (None:
    signed out): registered if new, then run on its compiled plan."""
    headers = {"Authorization": f"Bearer dev:{uid}"} if uid else {}
    body = {"query": document, "variables": variables, "extensions": persisted(document)}
    response = await http.post("/graphql", json=body, headers=headers)
    return response.status_code, response.json()
