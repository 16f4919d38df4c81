"""A member reported as a suicide or self-harm risk reaches the safety team (issue 11):
one item about the member (not about anything they wrote), joined by later reports
until it is resolved, seen by staff only, with the reporters for staff only; the
reporter gets the guide and the crisis lines for their region."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.container import Services
from tests.api.safety.conftest import CALM_TEXT, grant, raw_id, rows
from tests.support.circles import SET_ROLE, create_circle, join, mutate, post
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.moderation import inbox, queue

ITEM = """id source level status targetKind targetId text postId circle { id name } reasons
authorIsAnonymous author { id displayName } alertCount
reporters { id displayName reason circle { id name } }"""
QUEUE = f"""query($all: Boolean) {{ safetyQueue(first: 20, includeResolved: $all) {{
  nodes {{ {ITEM} }} }} }}"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ id ... on SafetyItem {{ {ITEM} }} }} }}"
MEMBER = "query($id: ID!) { node(id: $id) { id ... on Member { displayName } } }"
REPORT = """mutation($input: ReportInput!) { report(input: $input) {
  report { id reason status }
  supportGuide
  crisisResources { region emergencyNumbers { number } services { name phone } }
  userErrors { code field message } } }"""
MOVE = """mutation($input: SafetyItemInput!) {
  acknowledgeSafetyItem(input: $input) { userErrors { code } } }"""
RESOLVE = """mutation($input: SafetyItemInput!) {
  resolveSafetyItem(input: $input) { userErrors { code } } }"""
DELETE = """mutation($input: DeleteMyAccountInput!) {
  deleteMyAccount(input: $input) { deletedMemberId userErrors { code } } }"""


async def _queue(gql: GraphQLClient, *, all_: bool = False) -> list[dict[str, Any]]:
    data = await gql.data(QUEUE, {"all": all_}, as_="staff")
    nodes: list[dict[str, Any]] = data["safetyQueue"]["nodes"]
    return nodes


async def _report(gql: GraphQLClient, uid: str, target: str, reason: str, **extra: Any) -> Any:
    data = await gql.data(
        REPORT, {"input": {"targetId": target, "reason": reason, **extra}}, as_=uid
    )
    return data["report"]


async def _setup(gql: GraphQLClient, services: Services) -> tuple[str, dict[str, str]]:
    """owner's circle "Night Owls": mod moderates it, ann and bo are members; staff is
    on call and in no circle."""
    ids = {u: await gql.onboard(u, f"Name {u}") for u in ("owner", "mod", "ann", "bo", "staff")}
    await grant(services, "staff", on_call=True)
    circle_id = await create_circle(gql, "owner", name="Night Owls")
    for uid in ("mod", "ann", "bo"):
        await join(gql, uid, circle_id)
    made = await mutate(
        gql, SET_ROLE, {"circleId": circle_id, "memberId": ids["mod"], "role": "MODERATOR"}, "owner"
    )
    assert made["userErrors"] == []
    return circle_id, ids


async def test_a_suicide_risk_report_on_a_member_opens_an_urgent_item_about_them(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id, ids = await _setup(gql, services)
    assert await _queue(gql) == []

    # when bo reports ann herself (not a post) as a suicide risk
    filed = await _report(
        gql, "bo", ids["ann"], "SUICIDE_RISK", circleId=circle_id, note="she gave her things away"
    )

    # then bo gets the guide and the crisis lines for his region, as for a post
    assert filed["userErrors"] == []
    assert filed["report"]["reason"] == "SUICIDE_RISK"
    assert filed["supportGuide"]
    lines = filed["crisisResources"]
    assert lines["region"] == "GB"
    assert {"name": "Samaritans", "phone": "116 123"} in lines["services"]

    # and the safety team has one URGENT item about ann: who she is and where, no text
    [item] = await _queue(gql)
    assert item["source"] == "PEER_REPORT"
    assert (item["level"], item["status"]) == ("URGENT", "OPEN")
    assert (item["targetKind"], item["targetId"]) == ("MEMBER", ids["ann"])
    assert (item["text"], item["postId"]) == (None, None)
    assert item["circle"] == {"id": circle_id, "name": "Night Owls"}
    assert item["reasons"] == ["peer report: SUICIDE_RISK"]
    assert item["authorIsAnonymous"] is False
    assert item["author"] == {"id": ids["ann"], "displayName": "Name ann"}
    assert item["reporters"] == [
        {
            "id": ids["bo"],
            "displayName": "Name bo",
            "reason": "SUICIDE_RISK",
            "circle": {"id": circle_id, "name": "Night Owls"},
        }
    ]
    assert "gave her things" not in str(item)  # the report's note stays with moderators
    # and the on-call staff member was pushed, lock-screen safe (no name, no circle)
    assert item["alertCount"] == 1
    alerts = await rows(
        services, "SELECT title, body FROM notification WHERE kind = 'SAFETY_ALERT'"
    )
    assert alerts == [
        {"title": "Safety queue", "body": "An urgent item is waiting for the safety team."}
    ]
    # and the target is a link staff can follow to the member's profile
    shown = await gql.data(MEMBER, {"id": item["targetId"]}, as_="staff")
    assert shown["node"] == {"id": ids["ann"], "displayName": "Name ann"}
    # and the item resolves through node for staff
    assert (await gql.data(NODE, {"id": item["id"]}, as_="staff"))["node"] == item


async def test_reports_on_one_member_join_one_item_until_it_is_resolved(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id, ids = await _setup(gql, services)
    other = await create_circle(gql, "bo", name="Second Wind")
    await join(gql, "ann", other)
    await join(gql, "mod", other)
    ann_post = await post(gql, "ann", circle_id, CALM_TEXT)

    # a self-harm report waits as CONCERN, with no push
    assert (await _report(gql, "bo", ids["ann"], "SELF_HARM_RISK", circleId=circle_id))[
        "userErrors"
    ] == []
    [item] = await _queue(gql)
    assert (item["targetKind"], item["level"], item["alertCount"]) == ("MEMBER", "CONCERN", 0)

    # a suicide-risk report on her raises the same item and pushes; one from another
    # circle joins it too (the item keeps the first circle, each reporter has theirs)
    assert (await _report(gql, "owner", ids["ann"], "SUICIDE_RISK", circleId=circle_id))[
        "userErrors"
    ] == []
    assert (await _report(gql, "mod", ids["ann"], "SUICIDE_RISK", circleId=other))[
        "userErrors"
    ] == []
    [item] = await _queue(gql)
    assert (item["id"], item["level"], item["alertCount"]) == (item["id"], "URGENT", 1)
    assert item["reasons"] == ["peer report: SELF_HARM_RISK", "peer report: SUICIDE_RISK"]
    assert item["circle"]["name"] == "Night Owls"
    assert [(r["displayName"], r["reason"], r["circle"]["name"]) for r in item["reporters"]] == [
        ("Name bo", "SELF_HARM_RISK", "Night Owls"),
        ("Name owner", "SUICIDE_RISK", "Night Owls"),
        ("Name mod", "SUICIDE_RISK", "Second Wind"),
    ]

    # a report on her post is about the post: an item of its own
    assert (await _report(gql, "bo", ann_post["id"], "SELF_HARM_RISK"))["userErrors"] == []
    kinds = sorted(i["targetKind"] for i in await _queue(gql))
    assert kinds == ["MEMBER", "POST"]

    # once staff resolve the member's item, a new report opens a new one
    member_item = next(i for i in await _queue(gql) if i["targetKind"] == "MEMBER")
    for query, note in ((MOVE, None), (RESOLVE, "Called her; she is with family.")):
        done = await gql.data(
            query, {"input": {"itemId": member_item["id"], "note": note}}, as_="staff"
        )
        assert next(iter(done.values()))["userErrors"] == []
    await gql.onboard("cy", "Name cy")
    await join(gql, "cy", circle_id)
    assert (await _report(gql, "cy", ids["ann"], "SELF_HARM_RISK", circleId=circle_id))[
        "userErrors"
    ] == []
    open_items = [i for i in await _queue(gql) if i["targetKind"] == "MEMBER"]
    assert len(open_items) == 1
    assert open_items[0]["id"] != member_item["id"]
    assert (open_items[0]["status"], open_items[0]["level"]) == ("OPEN", "CONCERN")
    assert len([i for i in await _queue(gql, all_=True) if i["targetKind"] == "MEMBER"]) == 2


async def test_only_staff_see_a_member_risk_item_and_its_reporters(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id, ids = await _setup(gql, services)
    assert (await _report(gql, "bo", ids["ann"], "SUICIDE_RISK", circleId=circle_id))[
        "userErrors"
    ] == []
    [item] = await _queue(gql)

    # the reported member, the reporter, the circle's owner and its moderator: the queue
    # is FORBIDDEN and the item does not exist for them
    for uid in ("ann", "bo", "owner", "mod"):
        assert error_codes(await gql(QUEUE, {"all": True}, as_=uid)) == ["FORBIDDEN"], uid
        assert (await gql.data(NODE, {"id": item["id"]}, as_=uid))["node"] is None, uid
    # signed out: sign in first
    assert error_codes(await gql(QUEUE, {"all": True})) == ["UNAUTHENTICATED"]
    assert error_codes(await gql(NODE, {"id": item["id"]})) == ["UNAUTHENTICATED"]
    # ann is told nothing: no notification, nothing about a report
    assert await inbox(gql, "ann") == []
    # the circle's moderators see the report in their own queue, never who made it
    for uid in ("owner", "mod"):
        [entry] = [e["node"] for e in (await queue(gql, uid, circle_id))["edges"]]
        assert (entry["targetType"], entry["targetId"]) == ("MEMBER", ids["ann"])
        assert entry["reasons"] == [{"reason": "SUICIDE_RISK", "count": 1}]
        assert "Name bo" not in str(entry)


async def test_other_reasons_on_a_member_stay_with_the_circles_moderators(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id, ids = await _setup(gql, services)
    for reason in ("HARASSMENT", "IMPERSONATION"):
        reporter = "bo" if reason == "HARASSMENT" else "mod"
        filed = await _report(gql, reporter, ids["ann"], reason, circleId=circle_id)
        assert filed["userErrors"] == []
        assert (filed["supportGuide"], filed["crisisResources"]) == (None, None)
    assert await _queue(gql, all_=True) == []


async def test_the_item_stays_unlinked_when_the_reported_member_or_a_reporter_leaves_hearth(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id, ids = await _setup(gql, services)
    await _report(gql, "bo", ids["ann"], "SUICIDE_RISK", circleId=circle_id)
    await _report(gql, "owner", ids["bo"], "SELF_HARM_RISK", circleId=circle_id)

    # bo (who reported ann, and was reported himself) deletes his account
    gone = await gql.data(DELETE, {"input": {"confirm": "DELETE", "deleteContent": True}}, as_="bo")
    assert gone["deleteMyAccount"]["userErrors"] == []

    items = {i["reasons"][0]: i for i in await _queue(gql)}
    about_ann, about_bo = items["peer report: SUICIDE_RISK"], items["peer report: SELF_HARM_RISK"]
    # the item about ann keeps her, and shows its reporter as a former member
    assert about_ann["author"]["displayName"] == "Name ann"
    assert [r["displayName"] for r in about_ann["reporters"]] == ["A former member"]
    # the item about bo stays as the team's record, pointing to no one
    assert about_bo["targetKind"] == "MEMBER"
    assert about_bo["targetId"] != ids["bo"]
    assert about_bo["author"]["displayName"] == "A former member"
    assert about_bo["reporters"] == []
    bo = UUID(raw_id(ids["bo"]))
    stored = await rows(services, "SELECT target_id, author_id FROM safety_item")
    assert [v for r in stored for v in r.values() if str(v).replace("-", "") == bo.hex] == []
