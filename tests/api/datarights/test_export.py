"""exportMyData from outside: the document covers every area, validates against the
published JSON Schema, and only its member can download it, for 24 hours."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema

from domain.clock import FixedClock
from infra.exports.builder import ExportBuilder
from tests.support.graphql import GraphQLClient
from tests.support.history import (
    ANON,
    DEVICE,
    NAME,
    NOTE,
    POST,
    REMOVED,
    REPLY,
    REPORT_NOTE,
    UID,
    build_history,
    raw_id,
)

SCHEMA = json.loads((Path(__file__).parents[3] / "docs" / "export.schema.json").read_text())
EXPORT = """mutation { exportMyData {
  export { id status downloadUrl expiresAt } userErrors { code field message } } }"""
EXPORTS = (
    "{ me { dataExports { id status requestedAt completedAt expiresAt byteSize downloadUrl } } }"
)


async def _exports(gql: GraphQLClient, uid: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await gql.data(EXPORTS, as_=uid))["me"]["dataExports"]
    return found


async def _ready_url(gql: GraphQLClient, builder: ExportBuilder, uid: str) -> str:
    started = (await gql.data(EXPORT, as_=uid))["exportMyData"]
    assert started["userErrors"] == []
    assert started["export"]["status"] == "PENDING"
    assert started["export"]["downloadUrl"] is None
    assert await builder.build_pending() == 1
    (latest, *_) = await _exports(gql, uid)
    assert latest["status"] == "READY"
    url: str = latest["downloadUrl"]
    return url


async def test_the_export_covers_every_area_and_matches_its_schema(
    gql: GraphQLClient, http: httpx.AsyncClient, builder: ExportBuilder
) -> None:
    history = await build_history(gql)
    assert await builder.build_pending() == 1  # the history's own export
    url = await _ready_url(gql, builder, UID)

    response = await http.get(url, headers={"Authorization": f"Bearer dev:{UID}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    document = response.json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert int(response.headers["content-length"]) == len(response.content)

    assert document["schemaVersion"] == "1.2"
    assert document["profile"]["displayName"] == NAME
    assert [c["kind"] for c in document["consents"]] == ["GUIDELINES", "HEALTH_DATA"]
    roles = sorted((m["circleName"], m["role"]) for m in document["memberships"])
    assert roles == [("Evening Calm", "MODERATOR"), ("Just Me", "OWNER"), ("Night Owls", "OWNER")]
    posts = {p["body"]: p for p in document["posts"]}
    assert posts[ANON]["anonymous"] is True
    assert POST in posts
    (removed,) = [p for p in document["posts"] if p["removedAt"] is not None]
    assert removed["body"] is None  # deleted words are gone, the fact stays
    assert REMOVED not in response.text
    assert [r["body"] for r in document["replies"]] == [REPLY]
    assert [r["kind"] for r in document["reactions"]] == ["HUG"]
    (check_in,) = document["checkIns"]
    assert check_in["note"] == NOTE
    assert check_in["emotions"] == ["LONELY"]
    assert len(check_in["sharedWith"]) == 1
    assert document["checkInReminder"]["localTimes"] == ["08:30"]
    (device,) = document["devices"]
    assert device["tokenPrefix"] == DEVICE[:6] + "…"
    assert DEVICE not in response.text  # truncated: an export never carries a push token
    assert document["notificationPreferences"]["reactions"] is False
    assert [n["kind"] for n in document["notifications"]] == ["REPLY"]
    # the safety and moderation areas: hers only
    assert document["circlesNamedInPushes"] == [{"circleId": str(raw_id(history.shared_circle))}]
    assert [b["memberId"] for b in document["blockedMembers"]] == [str(raw_id(history.bob_id))]
    assert document["mutedTopics"]["topics"] == ["GRIEF"]
    (made,) = document["reportsMade"]
    assert (made["reason"], made["note"]) == ("HARASSMENT", REPORT_NOTE)
    levels = {r["level"] for r in document["riskRatings"]}
    assert "URGENT" in levels  # her urgent post, rated with the rule ids that fired
    assert all(r["reasons"] or r["level"] == "NONE" for r in document["riskRatings"])
    assert [a["targetKind"] for a in document["safetyAnswers"]] == ["POST"]
    # she hid bob's post as a moderator: that decision is in bob's export, not hers,
    # and his export does not say who decided
    assert document["moderationDecisions"] == []
    bobs = (
        await http.get(
            await _ready_url(gql, builder, "bob"), headers={"Authorization": "Bearer dev:bob"}
        )
    ).json()
    jsonschema.validate(bobs, SCHEMA, format_checker=jsonschema.FormatChecker())
    decisions = {(d["action"], d["targetType"], d["reason"]) for d in bobs["moderationDecisions"]}
    # she removed one of his posts and hid another, with the guideline
    assert decisions == {("REMOVE_CONTENT", "POST", None), ("HIDE_CONTENT", "POST", "HARASSMENT")}
    assert str(raw_id(history.alice_id)) not in json.dumps(bobs["moderationDecisions"])
    assert "carol" not in json.dumps(document["blockedMembers"])  # carol blocked her: not hers


async def test_only_the_member_can_download_and_only_for_24_hours(
    gql: GraphQLClient, http: httpx.AsyncClient, builder: ExportBuilder, clock: FixedClock
) -> None:
    await gql.onboard(UID, NAME)
    await gql.onboard("bob", "Brave Owl")
    url = await _ready_url(gql, builder, UID)

    def get(path: str, uid: str | None) -> Any:
        headers = {"Authorization": f"Bearer dev:{uid}"} if uid else {}
        return http.get(path, headers=headers)

    assert (await get(url, UID)).status_code == 200
    assert (await get(url, None)).status_code == 401
    assert (await get(url, "bob")).status_code == 404
    assert (await get(url, "stranger")).status_code == 401  # no profile
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    assert (await get(tampered, UID)).status_code == 403
    longer = url.replace("expires=", "expires=9")
    assert (await get(longer, UID)).status_code == 403
    bob_url = await _ready_url(gql, builder, "bob")
    assert (await get(bob_url, UID)).status_code == 404
    assert (await get("/exports/not-a-uuid?expires=1&sig=x", UID)).status_code == 404

    clock.set(clock.now() + timedelta(hours=24, seconds=1))
    assert (await get(url, UID)).status_code == 410
    (expired,) = await _exports(gql, UID)
    assert expired["downloadUrl"] is None


async def test_three_exports_a_day(
    gql: GraphQLClient, builder: ExportBuilder, clock: FixedClock
) -> None:
    await gql.onboard(UID, NAME)
    for _ in range(3):
        assert (await gql.data(EXPORT, as_=UID))["exportMyData"]["userErrors"] == []
        clock.set(clock.now() + timedelta(hours=1))
    refused = (await gql.data(EXPORT, as_=UID))["exportMyData"]
    assert [e["code"] for e in refused["userErrors"]] == ["RATE_LIMITED"]
    assert refused["export"] is None
    assert len(await _exports(gql, UID)) == 3
    clock.set(clock.now() + timedelta(hours=22))  # 24 h after the first
    assert (await gql.data(EXPORT, as_=UID))["exportMyData"]["userErrors"] == []


async def test_nobody_else_sees_a_members_exports(gql: GraphQLClient) -> None:
    alice_id = await gql.onboard(UID, NAME)
    await gql.onboard("bob", "Brave Owl")
    await gql.data(EXPORT, as_=UID)
    other = "query($id: ID!) { node(id: $id) { ... on Member { dataExports { id } } } }"
    assert (await gql.data(other, {"id": alice_id}, as_="bob"))["node"] == {"dataExports": None}
    assert (await gql("mutation { exportMyData { export { id } } }"))["errors"]
