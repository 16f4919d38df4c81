"""Defaults that protect, pinned with the defaults themselves (no overrides): the
README's settings table and the code agree, each limit holds at its default, and a
production configuration turns the protective switches on by itself."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

import infra.db.reads.members
from api.app import create_app
from api.realtime.websocket import MAX_SUBSCRIPTIONS_PER_CONNECTION
from infra.settings import Settings, SignInMode
from tests.conftest import test_settings
from tests.support.graphql import GraphQLClient
from tests.support.live import live_server, ws_client

README = Path(__file__).resolve().parents[2] / "README.md"
SPEC = {"Accept": "application/graphql-response+json"}
GUIDELINES = "{ communityGuidelines { version } }"

# Every numeric default the README states, as the code must have it.
PINNED = {
    "HEARTH_MAX_BODY_BYTES": 262_144,
    "HEARTH_MAX_QUERY_DEPTH": 12,
    "HEARTH_MAX_QUERY_TOKENS": 2_000,
    "HEARTH_MAX_ALIASES": 30,
    "HEARTH_MAX_QUERY_COST": 5_000,
    "HEARTH_MAX_BATCH": 0,
    "HEARTH_DB_POOL_SIZE": 15,
    "HEARTH_DB_MAX_OVERFLOW": 0,
    "HEARTH_DB_STATEMENT_CACHE": 100,
    "HEARTH_WS_MAX_CONNECTIONS_PER_MEMBER": 5,
    "HEARTH_REDIS_MAX_CONNECTIONS": 100,
    "HEARTH_WS_SEND_TIMEOUT_SECONDS": 30,
    "HEARTH_WS_SEND_BUFFER_BYTES": 131072,
    "HEARTH_WORKER_LEASE_SECONDS": 60,
    "HEARTH_WORKER_BATCH_SIZE": 500,
    "HEARTH_WORKER_POLL_SECONDS": 1.0,
    "HEARTH_FCM_POOL_SIZE": 100,
    # rate limits per member (issue 11's figures)
    "HEARTH_LIMIT_POSTS_PER_HOUR": 30,
    "HEARTH_LIMIT_REPLIES_PER_HOUR": 120,
    "HEARTH_LIMIT_REACTIONS_PER_HOUR": 300,
    "HEARTH_LIMIT_REPORTS_PER_HOUR": 10,
    "HEARTH_LIMIT_CIRCLES_PER_DAY": 5,
    "HEARTH_LIMIT_INVITES_PER_DAY": 20,
    "HEARTH_LIMIT_FAILED_INVITE_CODES_PER_HOUR": 20,
    "HEARTH_LIMIT_RENAMES_PER_DAY": 5,
}


def readme_defaults() -> dict[str, str]:
    """``variable -> default`` from the README's settings table."""
    rows = re.findall(r"^\| `([A-Z_]+)` \| (.+?) \| .+ \|$", README.read_text(), re.MULTILINE)
    return dict(rows)


def test_the_readme_and_the_code_state_the_same_numeric_defaults() -> None:
    table = readme_defaults()
    for variable, value in PINNED.items():
        assert re.match(rf"`{re.escape(str(value))}`", table[variable]), (variable, table[variable])
        assert Settings.model_fields[variable.lower()].default == value, variable
    numeric = {v for v, d in table.items() if re.fullmatch(r"`[\d.]+`( \(off\))?", d)}
    assert numeric == set(PINNED)  # a new numeric setting gets pinned here too


def production(**overrides: object) -> Settings:
    """Production settings with nothing protective set explicitly."""
    values: dict[str, object] = {
        "hearth_env": "production",
        "firebase_project_id": "hearth-prod",
        "database_url": "postgresql+asyncpg://hearth@db.internal/hearth",
        "hearth_secret_key": "s" * 48,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_production_turns_every_protective_switch_on_by_itself() -> None:
    prod, dev = production(), Settings(_env_file=None)
    assert prod.production_problems() == []
    assert (prod.introspection, prod.graphiql, prod.mask_errors) == (False, False, True)
    assert (prod.sign_in, prod.dev_sign_in) == (SignInMode.FIREBASE, False)
    assert (prod.log_json, prod.embedded_worker) == (True, False)
    # outside production the same defaults are the convenient ones
    assert (dev.introspection, dev.graphiql, dev.mask_errors) == (True, True, False)
    assert (dev.sign_in, dev.log_json, dev.embedded_worker) == (SignInMode.DEV, False, True)
    # and production refuses the default secret key
    values = production().model_dump(exclude={"hearth_secret_key"})
    left_default = Settings(_env_file=None, **values)  # type: ignore[arg-type]
    assert left_default.production_problems() == ["HEARTH_SECRET_KEY is the default"]


@pytest.fixture
async def production_http(
    app_and_http: tuple[Starlette, httpx.AsyncClient], clean_database: str
) -> AsyncIterator[httpx.AsyncClient]:
    """An app built from production settings (dev sign-in allowed only so that a test
    can sign in) on the test app's services."""
    app = create_app(production(hearth_sign_in="dev"))
    app.state.services = app_and_http[0].state.services
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hearth.test") as http:
        yield http


async def test_a_production_app_serves_no_graphiql_no_introspection_and_masks_errors(
    production_http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = await production_http.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    schema = await production_http.post(
        "/graphql", json={"query": "{ __schema { queryType { name } } }"}, headers=SPEC
    )
    assert "introspection has been disabled" in schema.text

    async def boom(*_args: object, **_kw: object) -> Any:
        raise RuntimeError("boom secret")

    monkeypatch.setattr(infra.db.reads.members, "by_uids", boom)
    masked = await production_http.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": "Bearer dev:a"}
    )
    assert "boom secret" not in masked.text
    assert [e["message"] for e in masked.json()["errors"]] == ["Unexpected error."]


def nested(depth: int) -> str:
    """A valid query whose deepest field, ``__typename``, is at ``depth`` (``me`` is
    at depth 0)."""
    cycle = ["checkIns", "nodes", "sharedWith", "posts", "edges", "node", "author"]
    fields = ["me"] + [cycle[i % len(cycle)] for i in range(depth - 1)]
    return "{ " + " { ".join(fields) + " { __typename }" + " }" * (len(fields) - 1) + " }"


async def test_the_default_depth_limit_is_12(gql: GraphQLClient) -> None:
    await gql.onboard("alice")
    at_limit = await gql.post(nested(12), as_="alice", headers=SPEC)
    over_limit = await gql.post(nested(13), as_="alice", headers=SPEC)
    assert at_limit.status_code == 200, at_limit.text
    assert at_limit.json()["data"]["me"]["checkIns"]["nodes"] == []
    assert over_limit.status_code == 400
    assert "exceeds maximum operation depth of 12" in over_limit.text


async def test_the_default_body_limit_is_256_kib(http: httpx.AsyncClient) -> None:
    def body(size: int) -> bytes:
        head, tail = b'{"query": "' + GUIDELINES.encode(), b'"}'
        return head + b" " * (size - len(head) - len(tail)) + tail

    headers = {"content-type": "application/json", **SPEC}
    at_limit = await http.post("/graphql", content=body(262_144), headers=headers)
    over_limit = await http.post("/graphql", content=body(262_145), headers=headers)
    assert at_limit.status_code == 200, at_limit.text
    assert at_limit.json()["data"] == {"communityGuidelines": {"version": "2026-11"}}
    assert over_limit.status_code == 413


async def test_the_default_cap_is_20_subscriptions_per_connection(clean_database: str) -> None:
    assert MAX_SUBSCRIPTIONS_PER_CONNECTION == 20
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(live_server(test_settings()))
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=f"http://{base}"))
        await GraphQLClient(http).onboard("alice")
        ws = await stack.enter_async_context(ws_client(base, "dev:alice"))
        query = "subscription { myActivity { unreadCount } }"
        for n in range(20):
            op = await ws.subscribe(query)
            first = await ws.receive()
            assert (first["id"], first["type"]) == (op, "next"), (n, first)
        refused = await ws.subscribe(query)
        answer = await ws.receive()
        assert (answer["id"], answer["type"]) == (refused, "error")
        assert answer["payload"][0]["message"] == "Subscription limit reached"
