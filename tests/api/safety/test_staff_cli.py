"""``hearth staff grant|revoke``: an operator grants and revokes the staff role; both are
in the audit table, and the role takes effect on the API at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from api.container import Services
from tests.api.safety.conftest import rows
from tests.conftest import DATABASE_URL
from tests.support.graphql import GraphQLClient, error_codes

ROOT = Path(__file__).resolve().parents[3]
QUEUE = "{ safetyQueue { nodes { id } } }"


def _hearth(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "HEARTH_ENV": "development"}
    env.pop("FIREBASE_PROJECT_ID", None)
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", "staff", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


async def test_an_operator_grants_and_revokes_the_safety_role(
    gql: GraphQLClient, services: Services
) -> None:
    await gql.onboard("sam")
    assert error_codes(await gql(QUEUE, as_="sam")) == ["FORBIDDEN"]

    granted = await asyncio.to_thread(
        _hearth, "grant", "sam", "--role", "SAFETY", "--on-call", "--by", "ops-lee"
    )
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout == "Granted SAFETY (on call) to sam.\n"
    assert (await gql.data(QUEUE, as_="sam"))["safetyQueue"]["nodes"] == []
    assert await rows(
        services, "SELECT firebase_uid, role, on_call, granted_by FROM staff_role"
    ) == [
        {"firebase_uid": "sam", "role": "SAFETY", "on_call": True, "granted_by": "operator:ops-lee"}
    ]

    revoked = await asyncio.to_thread(_hearth, "revoke", "sam", "--by", "ops-lee")
    assert revoked.returncode == 0, revoked.stderr
    assert error_codes(await gql(QUEUE, as_="sam")) == ["FORBIDDEN"]
    again = await asyncio.to_thread(_hearth, "revoke", "sam")
    assert again.returncode == 1
    assert "has no staff role" in again.stderr

    audit = await rows(
        services, "SELECT actor, action, subject, reason FROM safety_audit ORDER BY at"
    )
    assert audit == [
        {
            "actor": "operator:ops-lee",
            "action": "STAFF_GRANTED",
            "subject": "uid:sam",
            "reason": "SAFETY",
        },
        {
            "actor": "operator:ops-lee",
            "action": "STAFF_REVOKED",
            "subject": "uid:sam",
            "reason": None,
        },
    ]


def test_an_unknown_role_is_refused() -> None:
    result = _hearth("grant", "sam", "--role", "ADMIN")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
