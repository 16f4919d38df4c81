"""A member's SUICIDE_RISK or SELF_HARM_RISK report reaches the safety team's queue
(issue 11), without ever naming the reporter; other reasons stay with the circle's
moderators."""

from __future__ import annotations

from typing import Any

from api.container import Services
from tests.api.safety.conftest import CALM_TEXT, grant
from tests.support.circles import create_circle, join, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.moderation import report

QUEUE = """{ safetyQueue(first: 20) { nodes {
  source level targetKind targetId text reasons author { id displayName } alertCount
  reporters { displayName reason }
} } }"""


async def _queue(gql: GraphQLClient) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await gql.data(QUEUE, as_="staff"))["safetyQueue"]["nodes"]
    return nodes


async def _circle(gql: GraphQLClient, services: Services) -> str:
    for uid in ("owner", "ann", "bo", "staff"):
        await gql.onboard(uid, f"Name {uid}")
    await grant(services, "staff", on_call=True)
    circle_id = await create_circle(gql, "owner", name="Night Owls")
    await join(gql, "ann", circle_id)
    await join(gql, "bo", circle_id)
    return circle_id


async def test_a_suicide_risk_report_opens_an_urgent_item_that_never_names_the_reporter(
    gql: GraphQLClient, services: Services
) -> None:
    # given a post the risk detector finds nothing in
    circle_id = await _circle(gql, services)
    made = await post(gql, "ann", circle_id, CALM_TEXT)
    assert await _queue(gql) == []

    # when bo reports it as a suicide risk
    filed = await report(gql, "bo", made["id"], "SUICIDE_RISK", note="she said goodbye to me")
    assert filed["userErrors"] == []
    assert filed["supportGuide"]  # and bo gets the guide on supporting someone

    # then the safety team has an URGENT item about ann's post, alerted to on-call staff
    [item] = await _queue(gql)
    assert item["source"] == "PEER_REPORT"
    assert item["level"] == "URGENT"
    assert (item["targetKind"], item["targetId"], item["text"]) == ("POST", made["id"], CALM_TEXT)
    assert item["reasons"] == ["peer report: SUICIDE_RISK"]
    assert item["author"]["displayName"] == "Name ann"
    assert item["alertCount"] == 1
    # and only staff see who reported it (never his note); the author and the circle's
    # moderators never do (tests/api/moderation/test_reports.py)
    assert item["reporters"] == [{"displayName": "Name bo", "reason": "SUICIDE_RISK"}]
    assert "goodbye" not in str(item)


async def test_a_self_harm_report_waits_as_concern_until_a_suicide_risk_report_raises_it(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _circle(gql, services)
    made = await post(gql, "ann", circle_id, CALM_TEXT)
    answer = await reply(gql, "ann", made["id"], "ok")

    # a self-harm report on a reply waits in the queue as CONCERN, with no push
    assert (await report(gql, "bo", answer["id"], "SELF_HARM_RISK"))["userErrors"] == []
    [item] = await _queue(gql)
    assert (item["source"], item["level"], item["targetKind"]) == (
        "PEER_REPORT",
        "CONCERN",
        "REPLY",
    )
    assert item["alertCount"] == 0

    # a suicide-risk report on the same reply raises that item (no second one) and alerts
    assert (await report(gql, "owner", answer["id"], "SUICIDE_RISK"))["userErrors"] == []
    [item] = await _queue(gql)
    assert item["level"] == "URGENT"
    assert item["reasons"] == ["peer report: SELF_HARM_RISK", "peer report: SUICIDE_RISK"]
    assert item["alertCount"] == 1


async def test_other_reasons_stay_with_the_circles_moderators(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _circle(gql, services)
    made = await post(gql, "ann", circle_id, CALM_TEXT)
    assert (await report(gql, "bo", made["id"], "HARASSMENT"))["userErrors"] == []
    assert await _queue(gql) == []
