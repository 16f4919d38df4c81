"""report: posts, replies and members; one open report each; reporters stay unnamed."""

from __future__ import annotations

from tests.support.circles import codes, create_circle, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.moderation import inbox, moderated_circle, queue, report

UNKNOWN_POST = "UG9zdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="


_circle = moderated_circle


async def test_reports_group_by_target_in_severity_order_without_reporters(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await _circle(gql)
    spam = await post(gql, "bea", circle_id, "Buy my course")
    worrying = await post(gql, "bea", circle_id, "I can't go on", anonymous=True)
    answer = await reply(gql, "bea", spam["id"], "Really, buy it")
    # when members report
    first = await report(gql, "cal", spam["id"], "SPAM", note="Selling")
    assert first["userErrors"] == []
    assert first["supportGuide"] is None
    assert first["report"]["status"] == "OPEN"
    await report(gql, "mod", spam["id"], "HARASSMENT")
    risk = await report(gql, "cal", worrying["id"], "SUICIDE_RISK")
    assert risk["supportGuide"]  # the reporter gets the guide on how to support someone
    await report(gql, "cal", answer["id"], "SPAM")
    await report(gql, "cal", ids["bea"], "IMPERSONATION", circleId=circle_id)
    # then the queue groups by target, most severe first, then oldest
    items = [e["node"] for e in (await queue(gql, "mod", circle_id))["edges"]]
    assert [i["targetId"] for i in items] == [worrying["id"], spam["id"], ids["bea"], answer["id"]]
    top, second = items[0], items[1]
    assert top["author"] is None  # anonymous content stays anonymous to moderators
    assert top["excerpt"] == "I can't go on"
    # the risk detector's rating reaches the queue: hopelessness is CONCERN
    assert top["riskLevel"] == "CONCERN"
    assert second["reasons"] == [
        {"reason": "HARASSMENT", "count": 1},
        {"reason": "SPAM", "count": 1},
    ]
    assert second["reportCount"] == 2
    assert second["notes"] == ["Selling"]
    assert second["riskLevel"] == "NONE"
    assert items[2]["riskLevel"] is None  # a member is not rated
    assert second["author"] == {"displayName": "Name bea"}
    assert items[2]["targetType"] == "MEMBER"
    # and nothing in it names a reporter
    assert "Name cal" not in str(items)
    # and the reported member was told nothing
    assert await inbox(gql, "bea") == []
    # and pages continue in the same order
    page = await queue(gql, "ann", circle_id, first=2)
    rest = await queue(gql, "ann", circle_id, first=2, after=page["pageInfo"]["endCursor"])
    ids_in_pages = [e["node"]["targetId"] for e in page["edges"] + rest["edges"]]
    assert ids_in_pages == [i["targetId"] for i in items]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_bad_reports_get_clear_codes_and_reveal_nothing(gql: GraphQLClient) -> None:
    circle_id, ids = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "Hello")
    other_circle = await create_circle(gql, "out", name="Elsewhere")
    hidden_post = await post(gql, "out", other_circle, "Not for you")
    # unknown target and a target in a circle the reporter can't read: the same answer
    unknown = await report(gql, "cal", UNKNOWN_POST, "SPAM")
    unreadable = await report(gql, "cal", hidden_post["id"], "SPAM")
    assert unknown["userErrors"] == unreadable["userErrors"]
    assert codes(unknown) == [("NOT_FOUND", ["input", "targetId"])]
    assert codes(await report(gql, "cal", "garbage", "SPAM"))[0][0] == "NOT_FOUND"
    # self-reports
    assert codes(await report(gql, "bea", bea_post["id"], "SPAM")) == [
        ("SELF_TARGET", ["input", "targetId"])
    ]
    assert codes(await report(gql, "bea", ids["bea"], "SPAM", circleId=circle_id)) == [
        ("SELF_TARGET", ["input", "targetId"])
    ]
    # a member needs the circle it happened in
    assert codes(await report(gql, "cal", ids["bea"], "SPAM")) == [
        ("INVALID", ["input", "circleId"])
    ]
    assert codes(await report(gql, "cal", ids["out"], "SPAM", circleId=circle_id)) == [
        ("NOT_FOUND", ["input", "targetId"])
    ]
    # the note's length, and one open report per target
    assert codes(await report(gql, "cal", bea_post["id"], "SPAM", note="x" * 501)) == [
        ("TOO_LONG", ["input", "note"])
    ]
    assert (await report(gql, "cal", bea_post["id"], "SPAM", note="x" * 500))["userErrors"] == []
    assert codes(await report(gql, "cal", bea_post["id"], "HATE")) == [
        ("ALREADY_REPORTED", ["input", "targetId"])
    ]
    # a reason outside the enum is refused before anything runs (never a 500)
    result = await gql(
        'mutation { report(input: {targetId: "x", reason: NOT_A_REASON}) { userErrors { code } } }',
        as_="cal",
    )
    assert "ReportReason" in result["errors"][0]["message"]
    assert result.get("data") is None
    # signed out
    signed_out = await gql(
        "mutation($t: ID!) { report(input: {targetId: $t, reason: SPAM}) { userErrors { code } } }",
        {"t": bea_post["id"]},
    )
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


REPORT_WITH_LINES = """
mutation($input: ReportInput!) {
  report(input: $input) {
    report { id reason }
    supportGuide
    crisisResources { region emergencyNumbers { number } services { name phone } }
    userErrors { code field message }
  }
}
"""


async def test_a_suicide_risk_reporter_gets_the_guide_and_the_crisis_lines_for_their_region(
    gql: GraphQLClient,
) -> None:
    # given bea (region GB, as onboarded) sees a worrying post by cal
    circle_id, _ = await moderated_circle(gql)
    worrying = await post(gql, "cal", circle_id, "I don't know how much longer I can do this")
    calm = await post(gql, "cal", circle_id, "Buy my course")

    # when she reports it as a suicide risk
    data = await gql.data(
        REPORT_WITH_LINES,
        {"input": {"targetId": worrying["id"], "reason": "SUICIDE_RISK"}},
        as_="bea",
    )
    payload = data["report"]

    # then she gets the guide and the UK's lines: 999 and Samaritans on 116 123
    assert payload["userErrors"] == []
    assert payload["supportGuide"]
    lines = payload["crisisResources"]
    assert lines["region"] == "GB"
    assert "999" in [n["number"] for n in lines["emergencyNumbers"]]
    assert {"name": "Samaritans", "phone": "116 123"} in lines["services"]
    # while a spam report gets neither
    other = await gql.data(
        REPORT_WITH_LINES, {"input": {"targetId": calm["id"], "reason": "SPAM"}}, as_="bea"
    )
    assert (other["report"]["supportGuide"], other["report"]["crisisResources"]) == (None, None)
