"""exportMyData from outside: the document covers every area, validates against the
published JSON Schema, and only its member can download it, for 24 hours."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema

from api.container import Services
from domain.clock import FixedClock
from infra.exports.builder import ExportBuilder
from tests.api.safety.conftest import URGENT_TEXT, grant
from tests.support.circles import create_circle, join, mutate, post
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
from tests.support.moderation import MUTE

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

    assert document["schemaVersion"] == "1.3"
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
    # what she made in the circles: the two she started, the invite, the pin
    assert sorted(c["name"] for c in document["circlesCreated"]) == ["Just Me", "Night Owls"]
    (made_invite,) = document["invitesCreated"]
    assert (made_invite["circleId"], made_invite["uses"]) == (
        str(raw_id(history.her_private_circle)),
        1,
    )
    (pin,) = document["pinsMade"]
    assert (pin["circleId"], pin["kind"]) == (str(raw_id(history.shared_circle)), "RESOURCE")
    # what the API shows her of her own posts and notifications
    her_post = next(p for p in document["posts"] if p["id"] == str(raw_id(history.her_post)))
    assert her_post["firstReplyAt"] is not None  # bob answered
    assert (her_post["hiddenAt"], her_post["maskedContactKinds"]) == (None, [])
    (inbox_item,) = document["notifications"]
    assert inbox_item["postId"] == str(raw_id(history.her_post))
    assert inbox_item["circleId"] == str(raw_id(history.shared_circle))
    assert inbox_item["count"] == 1
    assert document["notificationPreferences"]["moderationDecisions"] is False  # opt-in
    assert {m["mutedUntil"] for m in document["memberships"]} == {None}
    # the retry key her app sent, kept for 24 hours
    assert [(k["key"], k["operation"]) for k in document["idempotencyKeys"]] == [
        ("her-retry-key", "CREATE_POST")
    ]
    # the safety team: her urgent post and her own request, with no level, reasons or
    # notes; nothing of carol's reports about her (on her post, or on her as a member)
    items = document["safetyTeamItems"]
    assert sorted((i["source"], i["targetKind"]) for i in items) == [
        ("REACH_OUT", "CHECK_IN"),
        ("URGENT_CONTENT", "POST"),
    ]
    assert {i["status"] for i in items} == {"OPEN"}
    assert "peer report" not in response.text
    assert '"SUICIDE_RISK"' not in response.text
    assert '"SPAM"' not in response.text
    assert document["staffRole"] is None
    bobs = (
        await http.get(
            await _ready_url(gql, builder, "bob"), headers={"Authorization": "Bearer dev:bob"}
        )
    ).json()
    jsonschema.validate(bobs, SCHEMA, format_checker=jsonschema.FormatChecker())
    decisions = {(d["action"], d["targetType"], d["reason"]) for d in bobs["moderationDecisions"]}
    # she removed one of his posts and hid another, with the guideline
    assert decisions == {("REMOVE_CONTENT", "POST", None), ("HIDE_CONTENT", "POST", "HARASSMENT")}
    # and he sees his hidden post with the guideline, as the API shows it to him
    hidden = [p for p in bobs["posts"] if p["hiddenAt"] is not None]
    assert [p["hiddenReason"] for p in hidden] == ["Be kind and listen: no harassment or bullying."]
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


ITEM_MOVE = """mutation($input: SafetyItemInput!) {
  acknowledgeSafetyItem(input: $input) { userErrors { code } } }"""
ITEM_RESOLVE = """mutation($input: SafetyItemInput!) {
  resolveSafetyItem(input: $input) { userErrors { code } } }"""


async def _document(
    gql: GraphQLClient, http: httpx.AsyncClient, builder: ExportBuilder, uid: str
) -> tuple[dict[str, Any], str]:
    response = await http.get(
        await _ready_url(gql, builder, uid), headers={"Authorization": f"Bearer dev:{uid}"}
    )
    document: dict[str, Any] = response.json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    return document, response.text


async def test_staff_get_their_role_and_members_what_was_done_but_never_the_notes(
    gql: GraphQLClient, http: httpx.AsyncClient, builder: ExportBuilder, services: Services
) -> None:
    # given sam on the safety team, who resolves the item about ann's urgent post
    sam = await gql.onboard("sam", "Sam Staff")
    ann = await gql.onboard("ann", "Ann")
    await grant(services, "sam", on_call=True)
    circle = await create_circle(gql, "ann", name="Night Owls")
    await gql.onboard("bo", "Bo")
    await join(gql, "bo", circle)
    urgent = await post(gql, "ann", circle, URGENT_TEXT)
    queue = await gql.data("{ safetyQueue { nodes { id } } }", as_="sam")
    (item,) = queue["safetyQueue"]["nodes"]
    note = "Called the member; note-marker-kestrel"
    for query, text in ((ITEM_MOVE, None), (ITEM_RESOLVE, note)):
        done = await gql.data(query, {"input": {"itemId": item["id"], "note": text}}, as_="sam")
        assert next(iter(done.values()))["userErrors"] == []
    # and bo's risk report on ann herself (a second item, opened by a peer)
    reported = await gql.data(
        """mutation($input: ReportInput!) { report(input: $input) { userErrors { code } } }""",
        {"input": {"targetId": ann, "reason": "SELF_HARM_RISK", "circleId": circle}},
        as_="bo",
    )
    assert reported["report"]["userErrors"] == []

    # sam's export has the role, not the item sam handled nor sam's note
    sams, sams_text = await _document(gql, http, builder, "sam")
    assert sams["staffRole"]["role"] == "SAFETY"
    assert sams["staffRole"]["onCall"] is True
    assert sams["safetyTeamItems"] == []
    assert "note-marker-kestrel" not in sams_text
    # ann's export says the team looked at her post and resolved it, without the note,
    # who did it, or anything of bo's report about her
    anns, anns_text = await _document(gql, http, builder, "ann")
    (mine,) = anns["safetyTeamItems"]
    assert (mine["source"], mine["targetId"]) == ("URGENT_CONTENT", str(raw_id(urgent["id"])))
    assert mine["status"] == "RESOLVED"
    assert mine["resolvedAt"] is not None
    assert "note-marker-kestrel" not in anns_text
    assert "Sam Staff" not in anns_text
    assert str(raw_id(sam)) not in anns_text
    assert "SELF_HARM_RISK" not in anns_text
    assert anns["staffRole"] is None


async def test_she_gets_her_mute_and_what_was_masked_in_her_posts(
    gql: GraphQLClient, http: httpx.AsyncClient, builder: ExportBuilder, clock: FixedClock
) -> None:
    await gql.onboard("owner", "Owner")
    bo = await gql.onboard("bo", "Bo")
    circle = await create_circle(gql, "owner", name="Night Owls")
    await join(gql, "bo", circle)
    await post(gql, "bo", circle, "text me on +44 7911 123456")
    until = (clock.now() + timedelta(days=1)).isoformat()
    muted = await mutate(gql, MUTE, {"circleId": circle, "memberId": bo, "until": until}, "owner")
    assert muted["userErrors"] == []

    document, _ = await _document(gql, http, builder, "bo")
    (membership,) = document["memberships"]
    assert membership["mutedUntil"] is not None
    assert membership["mutedUntil"][:16] == until[:16]
    (masked,) = document["posts"]
    assert masked["maskedContactKinds"] == ["PHONE"]
