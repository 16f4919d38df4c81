"""Operator endpoints: liveness, readiness, metrics and request ids."""

from __future__ import annotations

import asyncio
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.wiring import migration_head
from tests.api.conftest import running_app
from tests.conftest import REDIS_URL, run_migrations, test_settings


@pytest.fixture
def sqlite_url() -> Iterator[str]:
    """A fresh, empty SQLite file database (nothing migrated)."""
    with tempfile.TemporaryDirectory(prefix="hearth-health-") as tmp:
        yield f"sqlite+aiosqlite:///{Path(tmp) / 'db.sqlite3'}"


async def test_healthz_answers_200_while_the_process_serves(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_and_names_each_check_when_everything_is_fine(
    http: httpx.AsyncClient,
) -> None:
    # when
    response = await http.get("/readyz")

    # then
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    if REDIS_URL:
        assert body["checks"]["redis"] == "ok"
    else:
        assert "redis" not in body["checks"]
    assert set(body["checks"].values()) == {"ok"}


async def test_readyz_is_503_naming_migrations_when_the_database_is_not_migrated(
    sqlite_url: str,
) -> None:
    # given: an app pointed at an empty database
    async with running_app(test_settings(database_url=sqlite_url)) as (_, http):
        # when
        response = await http.get("/readyz")

    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == f"at none, head is {migration_head()}"


async def test_readyz_is_503_naming_migrations_when_the_database_is_behind_head(
    sqlite_url: str,
) -> None:
    # given: a database migrated only to the first revision
    await asyncio.to_thread(run_migrations, sqlite_url, "0001")
    async with running_app(test_settings(database_url=sqlite_url)) as (_, http):
        # when
        response = await http.get("/readyz")

    # then
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"] == f"at 0001, head is {migration_head()}"


async def test_readyz_is_200_once_that_database_is_migrated_to_head(sqlite_url: str) -> None:
    await asyncio.to_thread(run_migrations, sqlite_url)
    async with running_app(test_settings(database_url=sqlite_url, redis_url=None)) as (_, http):
        response = await http.get("/readyz")

    assert response.status_code == 200, response.text


async def test_readyz_is_503_naming_redis_when_redis_does_not_answer(sqlite_url: str) -> None:
    # given: a migrated database, and Redis on a port nobody listens on
    await asyncio.to_thread(run_migrations, sqlite_url)
    settings = test_settings(database_url=sqlite_url, redis_url="redis://127.0.0.1:1/0")
    async with running_app(settings) as (_, http):
        # when
        response = await http.get("/readyz")
        # ...while liveness is unaffected
        live = await http.get("/healthz")

    # then
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert (checks["database"], checks["migrations"]) == ("ok", "ok")
    assert checks["redis"].startswith("error")
    assert live.status_code == 200


async def metric(http: httpx.AsyncClient, sample: str) -> float:
    """One sample's value on /metrics (0 when the series does not exist yet)."""
    text = (await http.get("/metrics")).text
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(found[1]) if found else 0.0


async def test_metrics_exposes_request_counts_by_method_path_and_status(
    http: httpx.AsyncClient,
) -> None:
    # given: a request whose path carries a query string
    sample = 'hearth_http_requests_total{method="GET",path="/healthz",status="200"}'
    before = await metric(http, sample)
    await http.get("/healthz", params={"token": "secret-value"})

    # when
    response = await http.get("/metrics")

    # then: exactly one more (the registry is the whole process's, so a difference)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "# TYPE hearth_http_requests_total counter" in text
    assert await metric(http, sample) - before == 1
    assert "hearth_http_request_duration_seconds" in text
    assert "secret-value" not in text


async def test_metrics_count_graphql_errors_by_code(http: httpx.AsyncClient) -> None:
    # given
    sample = 'hearth_graphql_errors_total{code="UNAUTHENTICATED"}'
    before = await metric(http, sample)

    # when
    await http.post("/graphql", json={"query": "{ me { id } }"})

    # then
    assert await metric(http, sample) - before == 1


async def test_every_response_carries_a_request_id(http: httpx.AsyncClient) -> None:
    first = await http.get("/healthz")
    second = await http.post("/graphql", json={"query": "{ communityGuidelines { version } }"})

    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids), ids
    assert ids[0] != ids[1]


async def test_a_client_supplied_request_id_is_echoed(http: httpx.AsyncClient) -> None:
    # given
    request_id = str(uuid.uuid4())

    # when
    response = await http.post(
        "/graphql",
        json={"query": "{ communityGuidelines { version } }"},
        headers={"X-Request-ID": request_id},
    )

    # then
    assert response.headers["X-Request-ID"] == request_id


@pytest.mark.parametrize("supplied", ["not-a-uuid", "abc\\nlevel=ERROR forged", "x" * 500])
async def test_a_request_id_that_is_not_a_uuid_is_replaced(
    http: httpx.AsyncClient, supplied: str
) -> None:
    response = await http.get("/healthz", headers={"X-Request-ID": supplied})

    assert response.headers["X-Request-ID"] != supplied
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
