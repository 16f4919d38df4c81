"""Operations generated from the live schema (valid ones, and ones with a schema
violation) never get a 5xx, never an invalid GraphQL response, and never an
unexpected (masked) error: as a signed-in member and signed out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import StringValueNode
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema
from starlette.testclient import TestClient

from api.app import create_app
from api.wiring import build_schema
from tests.conftest import test_settings

SCHEMA = build_schema(test_settings())._schema
SCALARS = {
    "DateTime": st.sampled_from(
        ["2026-12-05T08:00:00Z", "2026-12-05T08:00:00+01:00", "yesterday", "", "2026-13-45"]
    ).map(lambda v: StringValueNode(value=v)),
    "Date": st.sampled_from(["2026-12-05", "2026-02-30", "12/05/2026", ""]).map(
        lambda v: StringValueNode(value=v)
    ),
}
OPERATIONS = st.one_of(
    from_schema(SCHEMA, custom_scalars=SCALARS, mode=Mode.POSITIVE),
    from_schema(SCHEMA, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
)
EXAMPLES = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def client(migrated_database: str) -> Iterator[TestClient]:
    with TestClient(create_app(test_settings()), raise_server_exceptions=False) as http:
        response = http.post(
            "/graphql",
            json={
                "query": "mutation($i: CompleteOnboardingInput!) { completeOnboarding(input: $i)"
                " { userErrors { code } } }",
                "variables": {
                    "i": {
                        "displayName": "Fuzzy Fox",
                        "timezone": "Europe/London",
                        "region": "GB",
                        "confirmsAdult": True,
                        "acceptedGuidelinesVersion": "2026-11",
                    }
                },
            },
            headers={"Authorization": "Bearer dev:fuzzer"},
        )
        assert response.status_code == 200, response.text
        yield http


def _check(http: TestClient, query: Any, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code < 500, (query, response.text)
    body = response.json()
    assert isinstance(body, dict), body
    assert "data" in body or "errors" in body, body
    for error in body.get("errors") or []:
        assert isinstance(error.get("message"), str), body
        code = (error.get("extensions") or {}).get("code")
        assert code is not None, (query, error)  # every error says what kind it is
        assert code != "INTERNAL_SERVER_ERROR", (query, error)


@seed(20261205)
@EXAMPLES
@given(query=OPERATIONS)
def test_generated_operations_as_a_member_get_well_formed_answers(
    client: TestClient, query: Any
) -> None:
    _check(client, query, "dev:fuzzer")


@seed(20261206)
@EXAMPLES
@given(query=OPERATIONS)
def test_generated_operations_signed_out_get_well_formed_answers(
    client: TestClient, query: Any
) -> None:
    _check(client, query, None)
