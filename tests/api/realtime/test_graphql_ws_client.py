"""The standard `graphql-ws` JavaScript client, as an app uses it: when the Firebase
token expires mid-session it reconnects by itself with a fresh token from
`connectionParams`, resubscribes, and live events keep coming."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api.realtime.conftest import token_for
from tests.support.circles import CREATE_CIRCLE, CREATE_POST
from tests.support.graphql import ONBOARD, GraphQLClient

CLIENTS = Path(__file__).resolve().parents[2] / "support" / "node"


@pytest.fixture(scope="session")
def node_clients() -> Path:
    """tests/support/node with its pinned npm packages installed (npm ci, once)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are needed for the graphql-ws client test")
    if not (CLIENTS / "node_modules" / "graphql-ws").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=CLIENTS,
            check=True,
            timeout=300,
        )
    return CLIENTS


async def _line(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None
    raw = await asyncio.wait_for(process.stdout.readline(), 15)
    assert raw, "the client exited"
    event: dict[str, Any] = json.loads(raw)
    return event


async def test_the_graphql_ws_client_reconnects_with_a_fresh_token_after_expiry(
    firebase_server: str,
    signing_key: tuple[rsa.RSAPrivateKey, dict[str, str]],
    node_clients: Path,
) -> None:
    key = signing_key[0]
    long_lived = token_for(key, "alice", ttl=600)
    async with httpx.AsyncClient(base_url=f"http://{firebase_server}") as http:
        gql = GraphQLClient(http)
        onboarding = {
            "displayName": "Alice",
            "timezone": "Europe/London",
            "region": "GB",
            "confirmsAdult": True,
            "acceptedGuidelinesVersion": "2026-11",
        }
        await gql.data(ONBOARD, {"input": onboarding}, token=long_lived)
        circle = await gql.data(
            CREATE_CIRCLE,
            {
                "input": {
                    "name": "Night owls",
                    "description": "Late",
                    "topics": ["LONELINESS"],
                    "visibility": "PUBLIC",
                }
            },
            token=long_lived,
        )
        circle_id = circle["createCircle"]["circle"]["id"]
        # given the app's first token expires 3 seconds after it connects
        tokens = [token_for(key, "alice", ttl=3), token_for(key, "alice", ttl=600)]
        process = await asyncio.create_subprocess_exec(
            "node",
            str(node_clients / "reconnect.mjs"),
            f"ws://{firebase_server}/graphql",
            circle_id,
            *tokens,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            assert (await _line(process))["event"] == "connected"
            # when it expires, the server closes with 4419 and the client reconnects
            closed = await _line(process)
            assert closed["event"] == "closed"
            again = await _line(process)
            assert again["event"] == "connected", f"the client gave up: {again}"
            assert closed["code"] == 4419
            await asyncio.sleep(0.5)  # the client resubscribes after connecting
            # then live events keep arriving on the new connection
            for attempt in range(10):
                body = f"Still here {attempt}"
                await gql.data(
                    CREATE_POST, {"input": {"circleId": circle_id, "body": body}}, token=long_lived
                )
                event = await _line(process)
                if event["event"] == "next":
                    break
            assert event["event"] == "next", event
            assert event["data"]["data"]["circleActivity"]["post"]["body"].startswith("Still here")
        finally:
            process.kill()
            await process.wait()
