"""Persisted operations, following Apollo's APQ exchanges exactly, and trusted documents."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.wiring import main as cli_main
from infra.persisted_queries import LruDocuments, ManifestError, load_manifest
from scripts.sample_manifest import FILE as SAMPLE
from scripts.sample_manifest import render
from tests.api.conftest import running_app
from tests.conftest import test_settings
from tests.support.circles import FEED, create_circle
from tests.support.graphql import ONBOARD, GraphQLClient

ME = "query Me { me { id displayName } }"
SPEC = {"Accept": "application/graphql-response+json"}


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def apq(sha256: str, **extra: Any) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}}, **extra}


async def _post(
    http: httpx.AsyncClient, body: dict[str, Any], uid: str | None = "alice"
) -> httpx.Response:
    headers = {"Authorization": f"Bearer dev:{uid}"} if uid else {}
    return await http.post("/graphql", json=body, headers=headers)


async def test_apq_not_found_then_register_then_hit(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    await gql.onboard("alice", "Alice")
    # A document this server has never seen: Redis outlives a test run, so a fixed
    # document could already be registered there by an earlier run.
    fresh = f"{ME} # {uuid.uuid4()}"
    # the client sends the hash alone first
    first = (await _post(http, apq(sha(fresh)))).json()
    not_found = {
        "message": "PersistedQueryNotFound",
        "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
    }
    assert first == {"errors": [not_found]}
    # then the hash with the query: registered and executed
    second = (await _post(http, apq(sha(fresh), query=fresh))).json()
    assert second["data"]["me"]["displayName"] == "Alice"
    # then the hash alone runs it
    third = (await _post(http, apq(sha(fresh)))).json()
    assert third == second


async def test_a_hash_that_does_not_match_the_query_is_a_400(http: httpx.AsyncClient) -> None:
    response = await _post(http, apq("0" * 64, query=ME))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    # and nothing was registered under that hash
    again = await _post(http, apq("0" * 64))
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 1, "sha256Hash": "abc"},
        {"version": 1, "sha256Hash": "G" * 64},
        {"version": 2, "sha256Hash": "0" * 64},
        {"version": 1},
        "not an object",
    ],
)
async def test_a_malformed_persisted_query_is_a_400_with_a_code(
    http: httpx.AsyncClient, persisted: Any
) -> None:
    response = await _post(http, {"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_INVALID"


async def test_a_document_whose_first_run_had_a_field_error_is_registered_all_the_same(
    http: httpx.AsyncClient,
) -> None:
    # signed out, the field refuses the caller; the document itself is fine (Apollo
    # registers it whatever its fields answer)
    document = (
        f"query Mine {{ myCircles(first: 1) {{ edges {{ node {{ id }} }} }} }} # {uuid.uuid4()}"
    )
    first = (await _post(http, apq(sha(document), query=document), uid=None)).json()
    assert first["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert first["errors"][0]["path"] == ["myCircles"]
    # the hash alone now runs it: no PersistedQueryNotFound
    again = (await _post(http, apq(sha(document)), uid=None)).json()
    assert again == first


async def test_a_document_over_the_limits_is_refused_at_registration(
    app_with: Any,
) -> None:
    async with app_with(hearth_max_query_depth=2) as (_, http):
        deep = "query Deep { me { id circles: myCircles(first: 1) { edges { node { id } } } } }"
        refused = (await _post(http, apq(sha(deep), query=deep))).json()
        assert refused["errors"][0]["extensions"]["code"] == "DEPTH_LIMIT_EXCEEDED"
        later = (await _post(http, apq(sha(deep)))).json()
        assert later["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_get_runs_a_persisted_query_with_caching_headers_and_refuses_mutations(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    guidelines = "query Guidelines { communityGuidelines { version } }"
    await _post(http, apq(sha(guidelines), query=guidelines), uid=None)
    params = {"extensions": json.dumps(apq(sha(guidelines))["extensions"])}
    signed_out = await http.get("/graphql", params=params)
    assert signed_out.status_code == 200
    assert signed_out.json()["data"]["communityGuidelines"]["version"]
    assert signed_out.headers["cache-control"] == "public, max-age=60"
    assert "Authorization" in signed_out.headers["vary"]
    # a member's answer is never shared by a cache
    await gql.onboard("alice", "Alice")
    await _post(http, apq(sha(ME), query=ME))
    mine = await http.get(
        "/graphql",
        params={"extensions": json.dumps(apq(sha(ME))["extensions"])},
        headers={"Authorization": "Bearer dev:alice"},
    )
    assert mine.json()["data"]["me"]["displayName"] == "Alice"
    assert mine.headers["cache-control"] == "private, no-store"
    # and a persisted mutation over GET stays refused
    onboarding = {
        "displayName": "Carol",
        "timezone": "Europe/London",
        "region": "GB",
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
    }
    registered = await _post(
        http, apq(sha(ONBOARD), query=ONBOARD, variables={"input": onboarding}), uid="carol"
    )
    assert registered.json()["data"]["completeOnboarding"]["userErrors"] == []
    refused = await http.get(
        "/graphql",
        params={
            "extensions": json.dumps(apq(sha(ONBOARD))["extensions"]),
            "variables": json.dumps({"input": onboarding}),
        },
        headers={"Authorization": "Bearer dev:carol"},
    )
    assert refused.status_code == 405


def test_the_sample_manifest_holds_the_operations_the_tests_use() -> None:
    assert SAMPLE.read_text() == render(), "run: uv run python scripts/sample_manifest.py"
    assert len(load_manifest(SAMPLE)) >= 20


async def test_with_trusted_documents_only_the_manifests_hashes_run(
    clean_database: str,
) -> None:
    settings = test_settings(hearth_trusted_documents=SAMPLE)
    async with running_app(settings) as (_, http):
        # a full query is refused, even a harmless one
        full = await _post(http, {"query": ME})
        assert full.status_code == 400
        assert full.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        # a hash from the manifest runs
        onboarding = {
            "displayName": "Alice",
            "timezone": "Europe/London",
            "region": "GB",
            "confirmsAdult": True,
            "acceptedGuidelinesVersion": "2026-11",
        }
        done = (await _post(http, apq(sha(ONBOARD), variables={"input": onboarding}))).json()
        assert done["data"]["completeOnboarding"]["userErrors"] == []
        # a hash that is not in it is not found, and cannot be registered
        assert (await _post(http, apq(sha(ME)))).json()["errors"][0]["extensions"]["code"] == (
            "PERSISTED_QUERY_NOT_FOUND"
        )
        registering = await _post(http, apq(sha(ME), query=ME))
        assert (
            registering.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        )


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "does not exist"),
        ("{not json", "is not JSON"),
        ('{"' + "0" * 64 + '": "query { me { id } }"}', "is not the SHA-256"),
        ("[]", "non-empty object"),
    ],
)
def test_a_missing_or_malformed_manifest_stops_the_start(
    tmp_path: Path, content: str | None, needle: str
) -> None:
    path = tmp_path / "manifest.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as stopped:
        create_app(test_settings(hearth_trusted_documents=path))
    assert needle in str(stopped.value)


def test_a_manifest_with_a_document_over_the_limits_stops_the_start(tmp_path: Path) -> None:
    deep = "query Deep { me { id } }"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({sha(deep): deep, sha(FEED): FEED}))
    with pytest.raises(SystemExit) as stopped:
        create_app(test_settings(hearth_trusted_documents=path, hearth_max_query_depth=2))
    assert "fail the schema or the limits" in str(stopped.value)
    with pytest.raises(ManifestError):
        load_manifest(tmp_path / "missing.json")


def test_production_refuses_to_require_trusted_documents_without_a_manifest() -> None:
    settings = test_settings(hearth_require_trusted_documents=True)
    assert not settings.production_problems()  # outside production it is advice only
    problems = test_settings(
        hearth_env="production", hearth_require_trusted_documents=True
    ).production_problems()
    assert any("HEARTH_TRUSTED_DOCUMENTS" in p for p in problems)


async def test_the_process_store_is_bounded() -> None:
    store = LruDocuments(size=2)
    for n in range(3):
        await store.put(str(n), f"doc {n}")
    assert await store.get("0") is None
    assert await store.get("2") == "doc 2"


async def test_the_feed_runs_from_a_document_registered_with_its_variables(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    await gql.onboard("alice", "Alice")
    circle_id = await create_circle(gql, "alice")
    body = apq(sha(FEED), query=FEED, variables={"id": circle_id, "first": 5})
    assert (await _post(http, body)).json()["data"]["node"]["posts"]["edges"] == []


def test_hearth_documents_check_reports_each_document_and_refuses_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["documents", "check", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert f"{len(load_manifest(SAMPLE))} of {len(load_manifest(SAMPLE))} documents pass" in out
    bad = "query Bad { me { nope } }"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({sha(bad): bad}))
    assert cli_main(["documents", "check", str(path)]) == 1
    assert "REFUSED" in capsys.readouterr().out


async def test_while_redis_is_unreachable_apq_falls_back_to_full_queries(
    clean_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    # given: the document store is Redis, and Redis is down
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = test_settings(redis_url=f"redis://127.0.0.1:{port}/0")
    hearth_log = logging.getLogger("hearth")  # the app's loggers do not propagate
    hearth_log.addHandler(caplog.handler)
    try:
        async with running_app(settings) as (_, http):
            onboarding = {
                "displayName": "Alice",
                "timezone": "Europe/London",
                "region": "GB",
                "confirmsAdult": True,
                "acceptedGuidelinesVersion": "2026-11",
            }
            # when: the app registers a mutation (hash and query)
            done = await _post(
                http, apq(sha(ONBOARD), query=ONBOARD, variables={"input": onboarding})
            )
            # then: it ran and says so (an error would make the app retry it)
            assert done.json()["data"]["completeOnboarding"]["userErrors"] == []
            # and the hash alone is not found, so the app resends the document
            alone = (await _post(http, apq(sha(ME)))).json()
            assert alone["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
            again = (await _post(http, apq(sha(ME), query=ME))).json()
            assert again["data"]["me"]["displayName"] == "Alice"
    finally:
        hearth_log.removeHandler(caplog.handler)
    # and the outage is logged once, not once per request
    outage = [r for r in caplog.records if r.name == "hearth.persisted"]
    assert [r.getMessage() for r in outage] == [
        "persisted queries unavailable (ConnectionError): full queries until Redis is back"
    ]
