"""Guards on what a client may ask: depth, tokens, aliases, batching, introspection,
and unexpected errors masked in production."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import infra.db.reads.members
from infra.settings import Settings

SPEC = {"Accept": "application/graphql-response+json"}
ME = "{ me { id } }"
ONBOARD_LITERAL = """mutation { completeOnboarding(input: {displayName: "Quiet Fox",
  timezone: "Europe/London", region: "GB", confirmsAdult: true,
  acceptedGuidelinesVersion: "2026-11"}) { userErrors { code } } }"""
ONBOARD_ALIASED = """mutation Onboard($input: CompleteOnboardingInput!) {
  %s
}"""
ALIAS = "%s: completeOnboarding(input: $input) { userErrors { code } }"


def onboarding_input(name: str = "Quiet Fox") -> dict[str, Any]:
    return {
        "displayName": name,
        "timezone": "Europe/London",
        "region": "GB",
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
    }


def as_(uid: str) -> dict[str, str]:
    return {"Authorization": f"Bearer dev:{uid}", **SPEC}


async def me(http: httpx.AsyncClient, uid: str) -> Any:
    response = await http.post("/graphql", json={"query": ME}, headers=as_(uid))
    assert response.status_code == 200, response.text
    return response.json()["data"]["me"]


async def assert_refused(response: httpx.Response, *needles: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert "data" not in body
    message = " ".join(e["message"] for e in body["errors"])
    for needle in needles:
        assert needle in message, message


# --- depth, tokens, aliases ---------------------------------------------------------------


async def test_an_operation_deeper_than_the_limit_is_refused_and_not_executed(
    app_with: Any,
) -> None:
    # given: an app that allows depth 1 (`me { id }`, not `completeOnboarding { userErrors { code } }`)
    async with app_with(hearth_max_query_depth=1) as (_, http):
        # when
        response = await http.post(
            "/graphql", json={"query": ONBOARD_LITERAL}, headers=as_("alice")
        )

        # then
        await assert_refused(response, "exceeds maximum operation depth")
        assert await me(http, "alice") is None


async def test_an_operation_at_the_depth_limit_is_served(app_with: Any) -> None:
    async with app_with(hearth_max_query_depth=2) as (_, http):
        response = await http.post(
            "/graphql", json={"query": ONBOARD_LITERAL}, headers=as_("alice")
        )

        assert response.status_code == 200, response.text
        assert response.json()["data"]["completeOnboarding"]["userErrors"] == []
        assert await me(http, "alice") is not None


async def test_a_document_with_more_tokens_than_the_limit_is_refused_and_not_executed(
    app_with: Any,
) -> None:
    # given: the onboarding mutation has about 30 tokens
    async with app_with(hearth_max_query_tokens=20) as (_, http):
        # when
        response = await http.post(
            "/graphql", json={"query": ONBOARD_LITERAL}, headers=as_("alice")
        )

        # then
        await assert_refused(response, "more than 20 tokens")
        assert await me(http, "alice") is None


async def test_the_default_token_limit_is_2000(http: httpx.AsyncClient) -> None:
    # given: 16 tokens plus one per ID
    def query(tokens: int) -> str:
        ids = " ".join('"x"' for _ in range(tokens - 16))
        return "{ nodes(ids: [" + ids + "]) { id } communityGuidelines { version } }"

    # when
    at_limit = await http.post("/graphql", json={"query": query(2000)}, headers=SPEC)
    over_limit = await http.post("/graphql", json={"query": query(2001)}, headers=SPEC)

    # then: the first one executes (and fails on its own ID limit), the second is refused
    assert at_limit.status_code == 200, at_limit.text
    assert [e["extensions"]["code"] for e in at_limit.json()["errors"]] == ["BAD_USER_INPUT"]
    await assert_refused(over_limit, "more than 2000 tokens")


async def test_more_aliases_than_the_limit_are_refused_and_not_executed(app_with: Any) -> None:
    # given
    async with app_with(hearth_max_aliases=2) as (_, http):
        query = ONBOARD_ALIASED % "\n".join(ALIAS % name for name in ("a", "b", "c"))

        # when
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": {"input": onboarding_input()}},
            headers=as_("alice"),
        )

        # then
        await assert_refused(response, "aliases")
        assert await me(http, "alice") is None


async def test_aliases_up_to_the_limit_are_served(app_with: Any) -> None:
    async with app_with(hearth_max_aliases=2) as (_, http):
        query = ONBOARD_ALIASED % "\n".join(ALIAS % name for name in ("a", "b"))

        response = await http.post(
            "/graphql",
            json={"query": query, "variables": {"input": onboarding_input()}},
            headers=as_("alice"),
        )

        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["a"]["userErrors"] == []
        assert [e["code"] for e in data["b"]["userErrors"]] == ["ALREADY_ONBOARDED"]


async def test_the_default_alias_limit_is_30(http: httpx.AsyncClient) -> None:
    def query(aliases: int) -> str:
        return (
            "{ "
            + " ".join(f"a{i}: communityGuidelines {{ version }}" for i in range(aliases))
            + " }"
        )

    at_limit = await http.post("/graphql", json={"query": query(30)}, headers=SPEC)
    over_limit = await http.post("/graphql", json={"query": query(31)}, headers=SPEC)

    assert at_limit.status_code == 200, at_limit.text
    assert len(at_limit.json()["data"]) == 30
    await assert_refused(over_limit, "aliases")


# --- batching -----------------------------------------------------------------------------


def batch(size: int) -> list[dict[str, Any]]:
    """An onboarding of the caller followed by ``size - 1`` public queries."""
    mutation = """mutation Onboard($input: CompleteOnboardingInput!) {
      completeOnboarding(input: $input) { userErrors { code } } }"""
    onboard = {"query": mutation, "variables": {"input": onboarding_input()}}
    return [onboard] + [{"query": "{ communityGuidelines { version } }"}] * (size - 1)


async def test_batching_is_refused_by_default(http: httpx.AsyncClient) -> None:
    # when: a JSON array body (HEARTH_MAX_BATCH=0, the default)
    response = await http.post(
        "/graphql", json=[{"query": ME}, {"query": ME}], headers=as_("alice")
    )

    # then
    assert response.status_code == 400
    assert "Batching is not enabled" in response.text


async def test_a_single_operation_in_an_array_is_refused_when_batching_is_off(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/graphql", json=batch(1), headers=as_("alice"))

    assert response.status_code == 400
    assert await me(http, "alice") is None


async def test_a_batch_over_the_cap_is_refused_and_nothing_runs(app_with: Any) -> None:
    # given
    async with app_with(hearth_max_batch=2) as (_, http):
        # when: three operations, the first of which would onboard the caller
        response = await http.post("/graphql", json=batch(3), headers=as_("alice"))

        # then
        assert response.status_code == 400
        assert "Too many operations" in response.text
        assert await me(http, "alice") is None


async def test_a_batch_within_the_cap_runs_each_operation(app_with: Any) -> None:
    async with app_with(hearth_max_batch=2) as (_, http):
        # when: two operations
        response = await http.post("/graphql", json=batch(2), headers=as_("alice"))

        # then: one result per operation, in order
        assert response.status_code == 200, response.text
        assert response.json() == [
            {"data": {"completeOnboarding": {"userErrors": []}}},
            {"data": {"communityGuidelines": {"version": "2026-11"}}},
        ]
        assert await me(http, "alice") is not None


# --- introspection ------------------------------------------------------------------------

SCHEMA_QUERY = "{ __schema { queryType { name } } }"


async def test_introspection_is_on_in_test(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": SCHEMA_QUERY}, headers=SPEC)

    assert response.status_code == 200
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


@pytest.mark.parametrize("query", [SCHEMA_QUERY, '{ __type(name: "Member") { name } }'])
async def test_introspection_can_be_turned_off(app_with: Any, query: str) -> None:
    async with app_with(hearth_introspection=False) as (_, http):
        # when
        response = await http.post("/graphql", json={"query": query}, headers=SPEC)

        # then
        await assert_refused(response, "introspection has been disabled")
        # ...but __typename (which clients add to every selection) still works
        typename = await http.post("/graphql", json={"query": "{ __typename }"}, headers=SPEC)
        assert typename.json() == {"data": {"__typename": "Query"}}


def test_introspection_and_masking_defaults_follow_the_environment() -> None:
    def settings(env: str, **kw: object) -> Settings:
        return Settings(_env_file=None, hearth_env=env, **kw)  # type: ignore[arg-type]

    assert settings("test").introspection is True
    assert settings("development").introspection is True
    assert settings("production").introspection is False
    assert settings("production", hearth_introspection=True).introspection is True
    assert settings("test").mask_errors is False
    assert settings("production").mask_errors is True
    assert settings("test", hearth_mask_errors=True).mask_errors is True
    assert settings("production", hearth_mask_errors=False).mask_errors is False


# --- masking ------------------------------------------------------------------------------


@pytest.fixture
def broken_member_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Member lookups fail with an exception whose message must never reach clients."""

    async def boom(*_args: object, **_kw: object) -> Any:
        raise RuntimeError("boom secret")

    monkeypatch.setattr(infra.db.reads.members, "by_uids", boom)


@pytest.fixture
async def masked_http(app_with: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with app_with(hearth_mask_errors=True) as (_, http):
        yield http


async def test_an_unexpected_error_is_masked_in_production(
    masked_http: httpx.AsyncClient, broken_member_reads: None
) -> None:
    # when
    response = await masked_http.post(
        "/graphql",
        json={"query": "{ me { id } communityGuidelines { version } }"},
        headers=as_("alice"),
    )

    # then: the field fails with a generic error, the rest of the answer is there
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"me": None, "communityGuidelines": {"version": "2026-11"}}
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        ("Unexpected error.", {"code": "INTERNAL_SERVER_ERROR"})
    ]
    assert body["errors"][0]["path"] == ["me"]
    assert "boom" not in response.text
    assert "RuntimeError" not in response.text


async def test_typed_errors_are_not_masked(masked_http: httpx.AsyncClient) -> None:
    response = await masked_http.post("/graphql", json={"query": ME}, headers=SPEC)

    error = response.json()["errors"][0]
    assert error["message"] == "Sign in to continue."
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_user_errors_and_request_errors_are_not_masked(
    masked_http: httpx.AsyncClient,
) -> None:
    # given
    bad_input = {"query": ONBOARD_LITERAL.replace('"Quiet Fox"', '"A"')}

    # when
    user_error = await masked_http.post("/graphql", json=bad_input, headers=as_("alice"))
    request_error = await masked_http.post("/graphql", json={"query": "{ nope }"}, headers=SPEC)

    # then
    assert user_error.json()["data"]["completeOnboarding"]["userErrors"] == [{"code": "TOO_SHORT"}]
    assert "nope" in request_error.json()["errors"][0]["message"]


async def test_unexpected_errors_are_readable_outside_production(
    http: httpx.AsyncClient, broken_member_reads: None
) -> None:
    response = await http.post("/graphql", json={"query": ME}, headers=as_("alice"))

    assert response.json()["errors"][0]["message"] == "boom secret"
