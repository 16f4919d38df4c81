"""Every post, reply and check-in note is rated when written or edited; the author gets a
safety prompt at CONCERN or higher; URGENT content is flagged ``sensitive`` to readers;
the circle's moderators see a badge. Content is always published."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from api.container import Services
from domain.safety.model import RiskAssessment
from infra.safety.detector import ObservedDetector
from tests.api.checkins.conftest import CHECK_IN, EDIT
from tests.api.safety.conftest import CALM_TEXT, CONCERN_TEXT, SAFETY, URGENT_TEXT, raw_id, rows
from tests.support.circles import SET_ROLE, create_circle, join
from tests.support.graphql import GraphQLClient

CREATE = f"""
mutation($input: CreatePostInput!) {{
  createPost(input: $input) {{ post {{ id body sensitive }} {SAFETY} userErrors {{ code }} }}
}}"""
EDIT_POST = f"""
mutation($input: EditPostInput!) {{
  editPost(input: $input) {{ post {{ id body sensitive }} {SAFETY} userErrors {{ code }} }}
}}"""
REPLY = f"""
mutation($input: ReplyToPostInput!) {{
  replyToPost(input: $input) {{ reply {{ id body sensitive }} {SAFETY} userErrors {{ code }} }}
}}"""
EDIT_REPLY = f"""
mutation($input: EditReplyInput!) {{
  editReply(input: $input) {{ reply {{ id body sensitive }} {SAFETY} userErrors {{ code }} }}
}}"""
CHECK_IN_SAFETY = CHECK_IN.replace("userErrors", SAFETY + " userErrors")
EDIT_SAFETY = EDIT.replace("userErrors", SAFETY + " userErrors")
READ_POST = """
query($id: ID!) { node(id: $id) { ... on Post { body sensitive riskBadge
  latestReplies(first: 3) { body sensitive riskBadge } } } }"""


async def _circle(gql: GraphQLClient) -> str:
    for uid in ("owner", "mod", "ann", "bo"):
        await gql.onboard(uid, f"Name {uid}")
    circle_id = await create_circle(gql, "owner")
    for uid in ("mod", "ann", "bo"):
        await join(gql, uid, circle_id)
    member_id = (await gql.data("{ me { id } }", as_="mod"))["me"]["id"]
    result = await gql.data(
        SET_ROLE,
        {"input": {"circleId": circle_id, "memberId": member_id, "role": "MODERATOR"}},
        as_="owner",
    )
    assert result["setMemberRole"]["userErrors"] == []
    return circle_id


async def _create(gql: GraphQLClient, circle_id: str, body: str, uid: str = "ann") -> dict:
    data = await gql.data(CREATE, {"input": {"circleId": circle_id, "body": body}}, as_=uid)
    return data["createPost"]


async def test_an_urgent_post_is_published_flagged_sensitive_and_the_author_gets_a_prompt(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _circle(gql)
    created = await _create(gql, circle_id, URGENT_TEXT)
    assert created["userErrors"] == []
    assert created["post"]["body"] == URGENT_TEXT  # published as written
    assert created["post"]["sensitive"] is True
    safety = created["safety"]
    assert safety["level"] == "URGENT"
    assert safety["targetId"] == created["post"]["id"]
    assert "glad you told us" in safety["message"]
    assert safety["resources"]["region"] == "GB"  # the member's region
    assert any("Samaritans" in s["name"] for s in safety["resources"]["services"])
    assert safety["resources"]["directories"]
    # a reader sees it, flagged; a plain member sees no badge, the moderator does
    seen = (await gql.data(READ_POST, {"id": created["post"]["id"]}, as_="bo"))["node"]
    assert (seen["body"], seen["sensitive"], seen["riskBadge"]) == (URGENT_TEXT, True, None)
    for moderator in ("owner", "mod"):
        seen = (await gql.data(READ_POST, {"id": created["post"]["id"]}, as_=moderator))["node"]
        assert seen["riskBadge"] == "URGENT"


async def test_a_concern_post_gets_a_prompt_but_is_not_flagged_and_a_calm_one_gets_neither(
    gql: GraphQLClient,
) -> None:
    circle_id = await _circle(gql)
    concern = await _create(gql, circle_id, CONCERN_TEXT)
    assert concern["safety"]["level"] == "CONCERN"
    assert "you don't have to carry it alone" in concern["safety"]["message"]
    assert concern["post"]["sensitive"] is False
    seen = (await gql.data(READ_POST, {"id": concern["post"]["id"]}, as_="mod"))["node"]
    assert seen["riskBadge"] == "CONCERN"
    calm = await _create(gql, circle_id, CALM_TEXT)
    assert calm["safety"] is None
    assert calm["post"]["sensitive"] is False
    seen = (await gql.data(READ_POST, {"id": calm["post"]["id"]}, as_="mod"))["node"]
    assert seen["riskBadge"] is None


async def test_edits_are_rated_again_and_every_rating_is_kept_with_its_version_not_the_text(
    gql: GraphQLClient, services: Services
) -> None:
    circle_id = await _circle(gql)
    post = (await _create(gql, circle_id, CALM_TEXT))["post"]
    edited = (
        await gql.data(EDIT_POST, {"input": {"postId": post["id"], "body": URGENT_TEXT}}, as_="ann")
    )["editPost"]
    assert edited["safety"]["level"] == "URGENT"
    assert edited["post"]["sensitive"] is True
    calmer = (
        await gql.data(EDIT_POST, {"input": {"postId": post["id"], "body": CALM_TEXT}}, as_="ann")
    )["editPost"]
    assert calmer["safety"] is None
    assert calmer["post"]["sensitive"] is False
    stored = await rows(services, "SELECT * FROM risk_rating ORDER BY rated_at")
    assert {str(r["target_id"]).replace("-", "") for r in stored} == {
        raw_id(post["id"]).replace("-", "")
    }
    assert [r["level"] for r in stored] == [0, 2, 0]
    assert {r["target_kind"] for r in stored} == {"POST"}
    assert all(r["detector_version"] == services.detector.version for r in stored)
    assert "intent.suicide" in stored[1]["reasons"]
    assert not any("pills" in str(value) for r in stored for value in r.values())


async def test_replies_are_rated_on_reply_and_on_edit(gql: GraphQLClient) -> None:
    circle_id = await _circle(gql)
    post = (await _create(gql, circle_id, CALM_TEXT))["post"]
    made = (
        await gql.data(REPLY, {"input": {"postId": post["id"], "body": URGENT_TEXT}}, as_="bo")
    )["replyToPost"]
    assert made["reply"]["body"] == URGENT_TEXT
    assert (made["reply"]["sensitive"], made["safety"]["level"]) == (True, "URGENT")
    seen = (await gql.data(READ_POST, {"id": post["id"]}, as_="ann"))["node"]["latestReplies"]
    assert seen == [{"body": URGENT_TEXT, "sensitive": True, "riskBadge": None}]
    seen = (await gql.data(READ_POST, {"id": post["id"]}, as_="mod"))["node"]["latestReplies"]
    assert seen[0]["riskBadge"] == "URGENT"
    edited = (
        await gql.data(
            EDIT_REPLY, {"input": {"replyId": made["reply"]["id"], "body": CONCERN_TEXT}}, as_="bo"
        )
    )["editReply"]
    assert (edited["reply"]["sensitive"], edited["safety"]["level"]) == (False, "CONCERN")


async def test_a_check_in_note_prompts_only_its_author_and_opens_no_queue_item(
    gql: GraphQLClient, services: Services
) -> None:
    await gql.onboard("ann")
    made = (
        await gql.data(CHECK_IN_SAFETY, {"input": {"mood": 1, "note": URGENT_TEXT}}, as_="ann")
    )["checkIn"]
    assert made["checkIn"]["note"] == URGENT_TEXT
    assert made["safety"]["level"] == "URGENT"
    assert made["safety"]["targetId"] == made["checkIn"]["id"]
    assert await rows(services, "SELECT id FROM safety_item") == []
    assert await rows(services, "SELECT id FROM notification") == []
    calm = (
        await gql.data(
            EDIT_SAFETY,
            {"input": {"checkInId": made["checkIn"]["id"], "note": CALM_TEXT}},
            as_="ann",
        )
    )["editCheckIn"]
    assert calm["safety"] is None
    mood_only = (await gql.data(CHECK_IN_SAFETY, {"input": {"mood": 4}}, as_="ann"))["checkIn"]
    assert mood_only["safety"] is None
    stored = await rows(services, "SELECT target_kind, level FROM risk_rating ORDER BY rated_at")
    assert stored == [
        {"target_kind": "CHECK_IN", "level": 2},
        {"target_kind": "CHECK_IN", "level": 0},
    ]


async def test_a_member_without_known_crisis_lines_still_gets_the_directories(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("ann", region="AQ")
    made = (
        await gql.data(CHECK_IN_SAFETY, {"input": {"mood": 1, "note": CONCERN_TEXT}}, as_="ann")
    )["checkIn"]
    assert made["safety"]["resources"]["region"] == "AQ"
    assert made["safety"]["resources"]["directories"]


class _BrokenDetector:
    version = "broken-1"

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        raise ValueError(f"cannot rate {text!r}")


@pytest.fixture
def broken_detector(services: Services) -> Iterator[None]:
    original = services.detector
    services.detector = ObservedDetector(_BrokenDetector())
    yield
    services.detector = original


def _detector_errors() -> float:
    return REGISTRY.get_sample_value("hearth_risk_detector_errors_total") or 0.0


async def test_when_the_detector_fails_the_content_is_saved_rated_concern_logged_without_text(
    gql: GraphQLClient, services: Services, broken_detector: None, caplog: pytest.LogCaptureFixture
) -> None:
    circle_id = await _circle(gql)
    before = _detector_errors()
    with caplog.at_level(logging.INFO):
        created = await _create(gql, circle_id, "A secret sentence nobody may log")
    assert created["userErrors"] == []
    assert created["post"]["body"] == "A secret sentence nobody may log"
    assert created["safety"]["level"] == "CONCERN"
    assert created["post"]["sensitive"] is False
    stored = await rows(services, "SELECT level, reasons, detector_version FROM risk_rating")
    assert stored == [{"level": 1, "reasons": '["detector error"]', "detector_version": "broken-1"}]
    assert _detector_errors() == before + 1
    assert "risk detector failed (ValueError)" in caplog.text
    assert "secret sentence" not in caplog.text
