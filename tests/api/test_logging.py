"""What the service writes to its logs: JSON lines with the request id, and never
tokens or what members typed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event

import infra.db.reads.members
from tests.api.conftest import running_app
from tests.conftest import test_settings

SECRET_TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLXBheWxvYWQ.c2lnbmF0dXJlLXNlY3JldA"
DEV_UID = "uid7f3a9"
SECRET_NAME = "Velvet Heron"
SECRET_BIO = "I have not slept since the funeral"
SECRET_VARIABLE = "quiet-lantern-9431"

ONBOARD = """mutation Onboard($input: CompleteOnboardingInput!) {
  completeOnboarding(input: $input) { member { id } userErrors { code } } }"""
UPDATE = """mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { bio } userErrors { code } } }"""


class CapturedLogs:
    """Every line the app's log handlers would write, formatted by them."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def access_lines(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["name"] == "hearth.access"]


class _NotTheTestClient(logging.Filter):
    """httpx logs the URLs the *test client* requests; the service never uses it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(("httpx", "httpcore"))


@pytest.fixture
async def json_app(
    clean_database: str,
) -> AsyncIterator[tuple[httpx.AsyncClient, CapturedLogs, Any]]:
    async with running_app(test_settings(hearth_log_json=True)) as (app, http):
        # create_app configured the root logger: copy its handler's formatter and
        # filters onto a handler that writes into memory, so we see exactly its lines.
        root = logging.getLogger()
        (configured,) = [h for h in root.handlers if isinstance(h, logging.StreamHandler)][:1]
        captured = CapturedLogs()
        handler = logging.StreamHandler(captured.stream)
        handler.setFormatter(configured.formatter)
        for f in configured.filters:
            handler.addFilter(f)
        handler.addFilter(_NotTheTestClient())
        root.addHandler(handler)
        try:
            yield http, captured, app
        finally:
            root.removeHandler(handler)


async def test_a_request_writes_one_json_access_line_with_its_request_id(
    json_app: tuple[httpx.AsyncClient, CapturedLogs, Any],
) -> None:
    http, logs, _ = json_app

    # when
    response = await http.post("/graphql", json={"query": "{ communityGuidelines { version } }"})

    # then
    (line,) = logs.access_lines()
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("POST", "/graphql", 200)
    assert isinstance(line["duration_ms"], float | int)
    assert {"time", "level", "message"} <= line.keys()
    assert line["level"] == "INFO"


async def test_a_client_supplied_request_id_is_the_one_logged(
    json_app: tuple[httpx.AsyncClient, CapturedLogs, Any],
) -> None:
    http, logs, _ = json_app
    request_id = "0f8fad5b-d9cb-469f-a165-70867728950e"

    await http.get("/healthz", headers={"X-Request-ID": request_id})

    assert [line["request_id"] for line in logs.access_lines()] == [request_id]


async def test_tokens_and_what_members_type_never_reach_the_logs(
    json_app: tuple[httpx.AsyncClient, CapturedLogs, Any],
) -> None:
    http, logs, _ = json_app
    signed_in = {"Authorization": f"Bearer dev:{DEV_UID}"}

    # given: a profile created and edited with private text, as a dev account
    onboarding = {
        "displayName": SECRET_NAME,
        "timezone": "Europe/London",
        "region": "GB",
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
    }
    created = await http.post(
        "/graphql", json={"query": ONBOARD, "variables": {"input": onboarding}}, headers=signed_in
    )
    assert created.json()["data"]["completeOnboarding"]["userErrors"] == []
    await http.post(
        "/graphql",
        json={"query": UPDATE, "variables": {"input": {"bio": SECRET_BIO}}},
        headers=signed_in,
    )
    # ...an input refused with a user error that quotes nothing back into logs
    await http.post(
        "/graphql",
        json={"query": UPDATE, "variables": {"input": {"bio": SECRET_BIO + " mail a@b.com"}}},
        headers=signed_in,
    )
    # ...a request error whose message echoes the document
    await http.post("/graphql", json={"query": f'{{ node(id: "{SECRET_VARIABLE}-x") }}'})
    # ...a Firebase-looking bearer token that is refused
    await http.post(
        "/graphql",
        json={"query": "{ me { id } }"},
        headers={"Authorization": f"Bearer {SECRET_TOKEN}"},
    )
    # ...and a GET query whose variables are in the query string
    await http.get(
        "/graphql",
        params={
            "query": "query Q($id: ID!) { node(id: $id) { id } }",
            "variables": json.dumps({"id": SECRET_VARIABLE}),
        },
        headers=signed_in,
    )

    # then: six access lines, and no secret anywhere in the output
    assert len(logs.access_lines()) == 6
    for secret in (SECRET_TOKEN, DEV_UID, SECRET_NAME, SECRET_BIO, SECRET_VARIABLE, "a@b.com"):
        assert secret not in logs.text, secret
    assert "?" not in "".join(line["path"] for line in logs.access_lines())


@pytest.fixture
def broken_member_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(*_args: object, **_kw: object) -> Any:
        raise RuntimeError("member store exploded")

    monkeypatch.setattr(infra.db.reads.members, "by_uids", boom)


async def test_an_unexpected_error_is_logged_with_its_traceback_and_request_id(
    json_app: tuple[httpx.AsyncClient, CapturedLogs, Any], broken_member_reads: None
) -> None:
    http, logs, _ = json_app

    # when
    response = await http.post(
        "/graphql",
        json={
            "query": "query Me($id: ID!) { me { id } node(id: $id) { id } }",
            "variables": {"id": SECRET_VARIABLE},
        },
        headers={"Authorization": f"Bearer dev:{DEV_UID}"},
    )

    # then
    errors = [line for line in logs.lines() if line["level"] == "ERROR"]
    # node(id:) needs the viewer's profile too, so both fields fail on the same load
    assert sorted(e["message"] for e in errors) == [
        "unexpected error in me",
        "unexpected error in node",
    ]
    (error,) = [e for e in errors if e["message"] == "unexpected error in me"]
    assert error["name"] == "hearth.graphql"
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert "Traceback" in error["exc_info"]
    assert "RuntimeError: member store exploded" in error["exc_info"]
    assert SECRET_VARIABLE not in logs.text
    assert DEV_UID not in logs.text


async def test_a_failing_database_statement_is_logged_without_its_parameters(
    json_app: tuple[httpx.AsyncClient, CapturedLogs, Any],
) -> None:
    http, logs, app = json_app
    signed_in = {"Authorization": f"Bearer dev:{DEV_UID}"}
    onboarding = {
        "displayName": SECRET_NAME,
        "timezone": "Europe/London",
        "region": "GB",
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
    }
    await http.post(
        "/graphql", json={"query": ONBOARD, "variables": {"input": onboarding}}, headers=signed_in
    )

    # given: the database fails the UPDATE that saves a profile (as on a lost connection)
    engine = app.state.services.engine.sync_engine

    def break_updates(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> Any:
        if statement.lstrip().upper().startswith("UPDATE MEMBER "):
            return "UPDATE no_such_table" + statement.lstrip()[len("UPDATE member") :], params
        return statement, params

    event.listen(engine, "before_cursor_execute", break_updates, retval=True)
    try:
        # when
        response = await http.post(
            "/graphql",
            json={"query": UPDATE, "variables": {"input": {"bio": SECRET_BIO}}},
            headers=signed_in,
        )
    finally:
        event.remove(engine, "before_cursor_execute", break_updates)

    # then: the failure is logged (with the statement), but not what the member wrote
    assert response.json()["errors"][0]["path"] == ["updateProfile"]
    (error,) = [line for line in logs.lines() if line["level"] == "ERROR"]
    assert "no_such_table" in error["exc_info"]
    assert SECRET_BIO not in logs.text
    assert SECRET_NAME not in logs.text
