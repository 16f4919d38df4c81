"""GraphQL over HTTP: media types, status codes, methods and body limits, as a
client sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.api.conftest import running_app
from tests.conftest import test_settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
SPEC = {"Accept": GRAPHQL_RESPONSE}
GUIDELINES = "{ communityGuidelines { version } }"
MAX_BODY = 2_000


@pytest.fixture(scope="module")
async def small_app(migrated_database: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app that accepts bodies of at most MAX_BODY bytes."""
    async with running_app(test_settings(hearth_max_body_bytes=MAX_BODY)) as (_, http):
        yield http


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


# --- Accept: application/graphql-response+json ------------------------------------------


async def test_a_valid_query_is_200_with_the_graphql_response_media_type(
    http: httpx.AsyncClient,
) -> None:
    # when
    response = await http.post("/graphql", json={"query": GUIDELINES}, headers=SPEC)

    # then
    assert response.status_code == 200
    assert media_type(response) == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"communityGuidelines": {"version": "2026-11"}}}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ communityGuidelines { ", "Syntax Error"),
        ("{ communityGuidelines { version } noSuchField }", "noSuchField"),
    ],
    ids=["syntax-error", "unknown-field"],
)
async def test_a_request_error_is_400_without_data(
    http: httpx.AsyncClient, query: str, message: str
) -> None:
    # when
    response = await http.post("/graphql", json={"query": query}, headers=SPEC)

    # then
    assert response.status_code == 400
    assert media_type(response) == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body
    assert message in body["errors"][0]["message"]


async def test_a_field_error_still_answers_200_with_data(http: httpx.AsyncClient) -> None:
    # given: `me` needs sign-in, `communityGuidelines` does not
    query = "{ me { id } communityGuidelines { version } }"

    # when
    response = await http.post("/graphql", json={"query": query}, headers=SPEC)

    # then
    assert response.status_code == 200
    assert media_type(response) == GRAPHQL_RESPONSE
    body = response.json()
    assert body["data"] == {"me": None, "communityGuidelines": {"version": "2026-11"}}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_graphql_response_media_type_with_zero_quality_is_not_chosen(
    http: httpx.AsyncClient,
) -> None:
    # when
    headers = {"Accept": f"{GRAPHQL_RESPONSE};q=0, application/json"}
    response = await http.post("/graphql", json={"query": "{ nope }"}, headers=headers)

    # then
    assert (response.status_code, media_type(response)) == (200, "application/json")


# --- Accept: application/json, or none --------------------------------------------------


@pytest.mark.parametrize("accept", ["application/json", None], ids=["json", "no-accept"])
async def test_legacy_clients_get_json_and_200_even_for_a_syntax_error(
    http: httpx.AsyncClient, accept: str | None
) -> None:
    # given
    request = http.build_request("POST", "/graphql", json={"query": "{ communityGuidelines { "})
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept

    # when
    response = await http.send(request)

    # then
    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert "Syntax Error" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("accept", ["application/json", None], ids=["json", "no-accept"])
async def test_legacy_clients_get_json_for_a_valid_query(
    http: httpx.AsyncClient, accept: str | None
) -> None:
    request = http.build_request("POST", "/graphql", json={"query": GUIDELINES})
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept

    response = await http.send(request)

    assert (response.status_code, media_type(response)) == (200, "application/json")
    assert response.json()["data"] == {"communityGuidelines": {"version": "2026-11"}}


# --- methods ------------------------------------------------------------------------------


async def test_a_query_can_be_sent_with_get_in_the_query_string(http: httpx.AsyncClient) -> None:
    # when
    response = await http.get(
        "/graphql",
        params={
            "query": "query Q($more: Boolean!) { communityGuidelines { version "
            "summary @include(if: $more) } }",
            "variables": '{"more": false}',
        },
        headers=SPEC,
    )

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"communityGuidelines": {"version": "2026-11"}}}


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
async def test_a_mutation_sent_with_get_is_405_and_not_executed(
    http: httpx.AsyncClient, accept: str
) -> None:
    # given
    mutation = """mutation { completeOnboarding(input: {displayName: "Quiet Fox",
        timezone: "Europe/London", region: "GB", confirmsAdult: true,
        acceptedGuidelinesVersion: "2026-11"}) { member { id } } }"""

    # when
    response = await http.get(
        "/graphql",
        params={"query": mutation},
        headers={"Accept": accept, "Authorization": "Bearer dev:alice"},
    )

    # then
    assert response.status_code == 405
    me = await http.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": "Bearer dev:alice"}
    )
    assert me.json() == {"data": {"me": None}}


async def test_other_methods_are_405(http: httpx.AsyncClient) -> None:
    response = await http.put("/graphql", json={"query": GUIDELINES})
    assert response.status_code == 405


# --- malformed requests are 4xx, never 500 -----------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{ communityGuidelines { version } }", "text/plain"),
        (b"query=%7B%20me%20%7D", "application/x-www-form-urlencoded"),
        (b"<query/>", "application/xml"),
        (b"", ""),
    ],
    ids=["text", "form", "xml", "none"],
)
async def test_an_unsupported_content_type_is_a_client_error(
    http: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await http.post(
        "/graphql", content=content, headers={"content-type": content_type, **SPEC}
    )
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"query": "{ me { id } }"',
        b'{"query": "\xff\xfe"}',
        b'"just a string"',
        b"42",
        b"null",
        b"[1, 2]",
        b'{"query": 42}',
        b'{"query": "{ me { id } }", "variables": "x=1"}',
    ],
    ids=[
        "garbage",
        "truncated",
        "invalid-utf8",
        "string",
        "number",
        "null",
        "list-of-numbers",
        "query-not-a-string",
        "variables-not-an-object",
    ],
)
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
async def test_a_malformed_json_body_is_400_never_500(
    http: httpx.AsyncClient, body: bytes, accept: str
) -> None:
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json", "Accept": accept}
    )
    assert response.status_code == 400, response.text


async def test_malformed_variables_in_a_get_query_string_are_400(http: httpx.AsyncClient) -> None:
    for variables in ("{oops", "[1]", '"x"'):
        response = await http.get("/graphql", params={"query": GUIDELINES, "variables": variables})
        assert response.status_code == 400, (variables, response.text)


async def test_a_post_without_a_query_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"variables": {}}, headers=SPEC)
    assert response.status_code == 400


# --- body size ----------------------------------------------------------------------------


async def test_a_body_within_the_limit_is_served(small_app: httpx.AsyncClient) -> None:
    # given: a body just under the limit
    padding = " " * (MAX_BODY - 100)
    response = await small_app.post("/graphql", json={"query": GUIDELINES + padding})

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {"communityGuidelines": {"version": "2026-11"}}


async def test_a_body_over_the_limit_with_a_content_length_is_413(
    small_app: httpx.AsyncClient,
) -> None:
    # given
    body = {"query": GUIDELINES + " " * MAX_BODY}

    # when
    response = await small_app.post("/graphql", json=body, headers=SPEC)

    # then
    assert response.status_code == 413
    assert int(response.request.headers["content-length"]) > MAX_BODY
    assert response.json() == {
        "errors": [
            {
                "message": "The request body is too large.",
                "extensions": {"code": "REQUEST_TOO_LARGE"},
            }
        ]
    }


async def test_a_streamed_body_over_the_limit_without_a_content_length_is_413(
    small_app: httpx.AsyncClient,
) -> None:
    # given: a chunked body that only turns out to be too large while it is read
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ communityGuidelines { version } }'
        for _ in range(MAX_BODY // 100 + 1):
            yield b" " * 100
        yield b'"}'

    # when
    response = await small_app.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )

    # then
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


async def test_a_streamed_body_within_the_limit_is_served(small_app: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ communityGuidelines'
        yield b' { version } }"}'

    response = await small_app.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert response.status_code == 200
    assert response.json()["data"] == {"communityGuidelines": {"version": "2026-11"}}


async def test_a_lying_small_content_length_does_not_get_past_the_limit(
    small_app: httpx.AsyncClient,
) -> None:
    # given: a header that claims a small body, followed by a large one
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ communityGuidelines { version } }'
        yield b" " * (MAX_BODY * 2)
        yield b'"}'

    response = await small_app.post(
        "/graphql",
        content=chunks(),
        headers={"content-type": "application/json", "content-length": "10"},
    )

    assert response.status_code == 413
