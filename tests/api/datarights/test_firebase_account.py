"""HEARTH_DELETE_FIREBASE_USER: the real firebase-admin client deletes the sign-in
account against a loopback stand-in of the Auth API (the emulator address), or
Hearth leaves it alone (the default)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.api.conftest import running_app
from tests.conftest import test_settings
from tests.support.graphql import GraphQLClient

DELETE = """mutation { deleteMyAccount(input: {confirm: "DELETE", deleteContent: false}) {
  deletedMemberId userErrors { code } } }"""


class _AuthApi(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"] or 0)) or b"{}")
        self.calls.append((self.path, body))
        answer = json.dumps({"kind": "identitytoolkit#DeleteAccountResponse"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def auth_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    _AuthApi.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AuthApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", f"127.0.0.1:{server.server_address[1]}")
    yield _AuthApi.calls
    server.shutdown()


@pytest.mark.parametrize("delete_firebase_user", [True, False])
async def test_the_firebase_account_is_deleted_only_when_the_setting_says_so(
    auth_api: list[tuple[str, dict[str, Any]]], clean_database: str, delete_firebase_user: bool
) -> None:
    settings = test_settings(
        firebase_project_id="demo-project",
        hearth_sign_in="firebase+dev",
        hearth_delete_firebase_user=delete_firebase_user,
    )
    async with running_app(settings) as (_, http):
        gql = GraphQLClient(http)
        await gql.onboard("fb-uid-1", "Quiet Fox")
        result = await gql.data(DELETE, as_="fb-uid-1")
        assert result["deleteMyAccount"]["userErrors"] == []
    if delete_firebase_user:
        ((path, body),) = auth_api
        assert path.endswith("/projects/demo-project/accounts:delete")
        assert body == {"localId": "fb-uid-1"}
    else:
        assert auth_api == []
