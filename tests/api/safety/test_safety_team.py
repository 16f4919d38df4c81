"""The safety team's queue from the outside: what staff see (and do not), the
OPEN -> ACKNOWLEDGED -> RESOLVED flow, the audited reveal, and the member's side."""

from __future__ import annotations

from typing import Any

from api.container import Services
from domain.safety import staff as safety
from tests.api.checkins.conftest import check_in
from tests.api.safety.conftest import CALM_TEXT, URGENT_TEXT, grant, rows
from tests.support.circles import create_circle, join, post, reply
from tests.support.graphql import GraphQLClient, error_codes

ITEM = """id level status source targetKind targetId text postId circle { id name } reasons
authorIsAnonymous author { id displayName } memberSaidSafeAt createdAt alertCount
acknowledgedAt resolvedAt note"""
QUEUE = f"""
query($first: Int, $after: String, $all: Boolean) {{
  safetyQueue(first: $first, after: $after, includeResolved: $all) {{
    pageInfo {{ hasNextPage endCursor }} nodes {{ {ITEM} }}
  }}
}}"""
ACK = f"""mutation($input: SafetyItemInput!) {{
  acknowledgeSafetyItem(input: $input) {{ item {{ {ITEM} }} userErrors {{ code field message }} }} }}"""
RESOLVE = f"""mutation($input: SafetyItemInput!) {{
  resolveSafetyItem(input: $input) {{ item {{ {ITEM} }} userErrors {{ code field message }} }} }}"""
REVEAL = """mutation($input: RevealSafetyItemAuthorInput!) {
  revealSafetyItemAuthor(input: $input) { author { id displayName } userErrors { code field } } }"""
SAFE = """mutation($input: ImSafeRightNowInput!) {
  imSafeRightNow(input: $input) { recordedAt userErrors { code field } } }"""
REACH = """mutation($input: AskSomeoneToReachOutInput!) {
  askSomeoneToReachOut(input: $input) { requested userErrors { code field } } }"""
EDIT = "mutation($input: EditPostInput!) { editPost(input: $input) { userErrors { code } } }"


async def _queue(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    data = await gql.data(QUEUE, variables, as_="staff")
    result: dict[str, Any] = data["safetyQueue"]
    return result


async def _setup(gql: GraphQLClient, services: Services) -> str:
    for uid in ("owner", "ann", "bo", "staff"):
        await gql.onboard(uid, f"Name {uid}")
    await grant(services, "staff")
    circle_id = await create_circle(gql, "owner", name="Night Owls")
    await join(gql, "ann", circle_id)
    await join(gql, "bo", circle_id)
    return circle_id


async def test_the_queue_shows_text_circle_and_reasons_but_not_an_anonymous_author(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _setup(gql, services)
    made = await post(gql, "ann", circle_id, URGENT_TEXT, anonymous=True)
    await post(gql, "bo", circle_id, CALM_TEXT)  # not queued
    answer = await reply(gql, "bo", made["id"], URGENT_TEXT)
    queue = await _queue(gql)
    assert [n["targetId"] for n in queue["nodes"]] == [made["id"], answer["id"]]  # oldest first
    first, second = queue["nodes"]
    assert first["level"] == "URGENT"
    assert first["status"] == "OPEN"
    assert first["source"] == "URGENT_CONTENT"
    assert first["targetKind"] == "POST"
    assert first["text"] == URGENT_TEXT
    assert first["circle"] == {"id": circle_id, "name": "Night Owls"}
    assert "intent.suicide" in first["reasons"]
    assert (first["authorIsAnonymous"], first["author"]) == (True, None)
    assert first["alertCount"] == 1
    assert second["targetKind"] == "REPLY"
    assert second["postId"] == made["id"]
    assert second["author"]["displayName"] == "Name bo"
    # an edit that is still URGENT does not queue the post twice
    await gql.data(
        EDIT, {"input": {"postId": made["id"], "body": URGENT_TEXT + " Bye."}}, as_="ann"
    )
    assert len((await _queue(gql))["nodes"]) == 2


async def test_revealing_an_anonymous_author_needs_a_reason_and_is_audited(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _setup(gql, services)
    await post(gql, "ann", circle_id, URGENT_TEXT, anonymous=True)
    item_id = (await _queue(gql))["nodes"][0]["id"]
    short = await gql.data(REVEAL, {"input": {"itemId": item_id, "reason": "need"}}, as_="staff")
    assert short["revealSafetyItemAuthor"] == {
        "author": None,
        "userErrors": [{"code": "TOO_SHORT", "field": ["input", "reason"]}],
    }
    reason = "Imminent risk: contacting emergency services for the member."
    shown = await gql.data(REVEAL, {"input": {"itemId": item_id, "reason": reason}}, as_="staff")
    assert shown["revealSafetyItemAuthor"]["author"]["displayName"] == "Name ann"
    audit = await rows(
        services, "SELECT actor, action, subject, reason FROM safety_audit ORDER BY at"
    )
    revealed = [a for a in audit if a["action"] == "AUTHOR_REVEALED"]
    assert len(revealed) == 1
    assert revealed[0]["reason"] == reason
    # the queue itself still does not show who it was
    assert (await _queue(gql))["nodes"][0]["author"] is None


AUTHOR_HELP = """
query { safetyQueue(first: 10) { nodes { authorIsAnonymous
  author { displayName region crisisResources { region emergencyNumbers { number }
    services { name phone } } } } } }"""
REVEAL_HELP = """mutation($input: RevealSafetyItemAuthorInput!) {
  revealSafetyItemAuthor(input: $input) { author { region crisisResources { region } } } }"""


async def test_staff_see_the_crisis_lines_of_the_authors_region_once_they_may_see_the_author(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _setup(gql, services)
    await gql.onboard("ines", "Name ines", region="IE")
    await join(gql, "ines", circle_id)
    await post(gql, "ines", circle_id, URGENT_TEXT)
    await post(gql, "ann", circle_id, URGENT_TEXT, anonymous=True)

    named, anonymous = (await gql.data(AUTHOR_HELP, as_="staff"))["safetyQueue"]["nodes"]
    author = named["author"]
    assert (author["displayName"], author["region"]) == ("Name ines", "IE")
    help_ = author["crisisResources"]
    assert help_["region"] == "IE"
    assert {"number": "112"} in help_["emergencyNumbers"]
    assert {"name": "Samaritans Ireland", "phone": "116 123"} in help_["services"]
    # an anonymous author's region is as hidden as their name, until the audited reveal
    assert (anonymous["authorIsAnonymous"], anonymous["author"]) == (True, None)
    item_id = (await _queue(gql))["nodes"][1]["id"]
    reason = "Imminent risk: finding the right crisis line for the member."
    shown = await gql.data(
        REVEAL_HELP, {"input": {"itemId": item_id, "reason": reason}}, as_="staff"
    )
    assert shown["revealSafetyItemAuthor"]["author"] == {
        "region": "GB",
        "crisisResources": {"region": "GB"},
    }
    # members never see another member's region
    refused = await gql(AUTHOR_HELP, as_="ann")
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_items_move_open_acknowledged_resolved_and_bad_moves_are_typed_errors(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _setup(gql, services)
    await post(gql, "ann", circle_id, URGENT_TEXT)
    item_id = (await _queue(gql))["nodes"][0]["id"]

    async def move(query: str, name: str, note: str | None = None) -> dict[str, Any]:
        data = await gql.data(query, {"input": {"itemId": item_id, "note": note}}, as_="staff")
        result: dict[str, Any] = data[name]
        return result

    early = await move(RESOLVE, "resolveSafetyItem", "done")
    assert early["userErrors"][0]["code"] == "INVALID_TRANSITION"
    taken = await move(ACK, "acknowledgeSafetyItem", "Looking now")
    assert taken["userErrors"] == []
    assert taken["item"]["status"] == "ACKNOWLEDGED"
    assert taken["item"]["acknowledgedAt"]
    again = await move(ACK, "acknowledgeSafetyItem")
    assert again["userErrors"][0]["code"] == "INVALID_TRANSITION"
    no_note = await move(RESOLVE, "resolveSafetyItem", "  ")
    assert no_note["userErrors"] == [
        {"code": "TOO_SHORT", "field": ["input", "note"], "message": "Add a note on what was done."}
    ]
    done = await move(RESOLVE, "resolveSafetyItem", "Member replied; signposted to Samaritans.")
    assert done["item"]["status"] == "RESOLVED"
    assert done["item"]["resolvedAt"]
    assert done["item"]["note"] == "Member replied; signposted to Samaritans."
    late = await move(ACK, "acknowledgeSafetyItem")
    assert late["userErrors"][0]["code"] == "INVALID_TRANSITION"
    assert (await _queue(gql))["nodes"] == []
    assert [n["status"] for n in (await _queue(gql, all=True))["nodes"]] == ["RESOLVED"]
    actions = [
        a["action"] for a in await rows(services, "SELECT action FROM safety_audit ORDER BY at")
    ]
    assert actions == ["STAFF_GRANTED", "ITEM_ACKNOWLEDGED", "ITEM_RESOLVED"]
    unknown = await gql.data(ACK, {"input": {"itemId": circle_id}}, as_="staff")
    assert unknown["acknowledgeSafetyItem"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_the_queue_is_ordered_by_risk_then_age_and_pages_by_cursor(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _setup(gql, services)
    reach = await check_in(gql, "bo", mood=2, note="Rough night")
    await gql.data(REACH, {"input": {"checkInId": reach["id"]}}, as_="bo")  # CONCERN, oldest
    one = await post(gql, "ann", circle_id, URGENT_TEXT)
    two = await post(gql, "bo", circle_id, URGENT_TEXT)
    order = [n["targetId"] for n in (await _queue(gql))["nodes"]]
    assert order == [one["id"], two["id"], reach["id"]]
    seen: list[str] = []
    after = None
    while True:
        page = await _queue(gql, first=1, after=after)
        seen += [n["targetId"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == order


async def test_a_reach_out_request_queues_the_check_in_with_the_note_withheld(
    gql: GraphQLClient, services: Services
) -> None:
    await _setup(gql, services)
    made = await check_in(gql, "ann", mood=1, note="Private words about my night")
    other = await gql.data(REACH, {"input": {"checkInId": made["id"]}}, as_="bo")
    assert other["askSomeoneToReachOut"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await _queue(gql))["nodes"] == []
    for _ in range(2):  # asking twice keeps one
        asked = await gql.data(REACH, {"input": {"checkInId": made["id"]}}, as_="ann")
        assert asked["askSomeoneToReachOut"] == {"requested": True, "userErrors": []}
    response = await gql(QUEUE, {}, as_="staff")
    assert "Private words" not in str(response)
    (item,) = response["data"]["safetyQueue"]["nodes"]
    assert (item["source"], item["targetKind"], item["text"]) == ("REACH_OUT", "CHECK_IN", None)
    assert item["level"] == "CONCERN"
    assert item["reasons"][0] == "member asked for someone to reach out"
    assert item["author"]["displayName"] == "Name ann"
    assert item["circle"] is None


async def test_im_safe_right_now_is_recorded_for_the_authors_own_content_only(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _setup(gql, services)
    made = await post(gql, "ann", circle_id, URGENT_TEXT)
    other = await gql.data(SAFE, {"input": {"targetId": made["id"]}}, as_="bo")
    assert other["imSafeRightNow"] == {
        "recordedAt": None,
        "userErrors": [{"code": "NOT_FOUND", "field": ["input", "targetId"]}],
    }
    said = await gql.data(SAFE, {"input": {"targetId": made["id"]}}, as_="ann")
    assert said["imSafeRightNow"]["userErrors"] == []
    assert said["imSafeRightNow"]["recordedAt"]
    item = (await _queue(gql))["nodes"][0]
    assert item["memberSaidSafeAt"] == said["imSafeRightNow"]["recordedAt"]
    assert item["status"] == "OPEN"  # a person still looks
    garbage = await gql.data(SAFE, {"input": {"targetId": "nope"}}, as_="ann")
    assert garbage["imSafeRightNow"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_revoked_staff_member_is_forbidden_again(
    gql: GraphQLClient, services: Services
) -> None:
    await _setup(gql, services)
    assert (await _queue(gql))["nodes"] == []
    await safety.revoke_staff("staff", "operator:test", services.uow(), services.clock)
    assert error_codes(await gql(QUEUE, {}, as_="staff")) == ["FORBIDDEN"]


WITHDRAW = """mutation { withdrawHealthDataConsent(input: {confirm: true}) {
  deletedCheckInCount userErrors { code } } }"""


async def test_withdrawing_the_health_data_consent_keeps_the_reach_out_but_not_the_note(
    gql: GraphQLClient, services: Services
) -> None:
    # given ann asked for someone to reach out after a check-in whose note the detector
    # rated urgent
    await _setup(gql, services)
    made = await check_in(gql, "ann", mood=1, note=URGENT_TEXT)
    asked = await gql.data(REACH, {"input": {"checkInId": made["id"]}}, as_="ann")
    assert asked["askSomeoneToReachOut"]["requested"] is True
    (before,) = (await _queue(gql))["nodes"]
    assert len(before["reasons"]) > 1  # what the detector read in the note
    # when she withdraws the health-data consent
    withdrawn = await gql.data(WITHDRAW, as_="ann")
    assert withdrawn["withdrawHealthDataConsent"]["userErrors"] == []
    # then her request still waits for the team, with only the fact that she asked
    (after,) = (await _queue(gql))["nodes"]
    assert after["id"] == before["id"]
    assert after["status"] == "OPEN"
    assert after["reasons"] == ["member asked for someone to reach out"]
    assert after["author"]["displayName"] == "Name ann"
    # and nothing rated from her notes is left
    assert await rows(services, "SELECT id FROM risk_rating WHERE target_kind = 'CHECK_IN'") == []
