"""muteTopics: posts warned for a muted topic are folded for that member, and don't push."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

from infra.db.tables.notifications import notification_table
from tests.support.circles import create_circle, feed_of, join, mutate, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.moderation import MUTE_TOPICS

ME = "query { me { mutedTopics } }"
FOLDS = """
query($id: ID!) { node(id: $id) { ... on Circle { posts { edges { node {
  body folded foldedReason contentWarning { topics } } } } } } }
"""


async def _folds(gql: GraphQLClient, uid: str, circle_id: str) -> list[tuple[bool, str | None]]:
    data = await gql.data(FOLDS, {"id": circle_id}, as_=uid)
    return [
        (e["node"]["folded"], e["node"]["foldedReason"]) for e in data["node"]["posts"]["edges"]
    ]


async def test_muted_topics_fold_posts_for_that_member_only(gql: GraphQLClient) -> None:
    # given two warned posts and one without a warning
    for uid in ("ann", "bea"):
        await gql.onboard(uid)
    circle_id = await create_circle(gql, "ann")
    await join(gql, "bea", circle_id)
    await post(gql, "ann", circle_id, "Plain")
    await post(gql, "ann", circle_id, "Grief", contentWarning={"topics": ["GRIEF"]})
    await post(gql, "ann", circle_id, "Trauma", contentWarning={"topics": ["TRAUMA", "GRIEF"]})
    # when bea mutes grief (twice listed: kept once)
    payload = await mutate(gql, MUTE_TOPICS, {"topics": ["GRIEF", "GRIEF"]}, "bea")
    assert payload == {"mutedTopics": ["GRIEF"], "userErrors": []}
    assert (await gql.data(ME, as_="bea"))["me"]["mutedTopics"] == ["GRIEF"]
    # then bea's feed folds both grief posts with the reason, and keeps them in place
    folds = await _folds(gql, "bea", circle_id)
    assert [f[0] for f in folds] == [True, True, False]
    assert folds[0][1] is not None
    assert "grief" in folds[0][1]
    # and ann's feed folds nothing
    assert [f[0] for f in await _folds(gql, "ann", circle_id)] == [False, False, False]
    # and an empty list unmutes
    await mutate(gql, MUTE_TOPICS, {"topics": []}, "bea")
    assert [f[0] for f in await _folds(gql, "bea", circle_id)] == [False, False, False]
    assert len((await feed_of(gql, "bea", circle_id))["edges"]) == 3


async def test_replies_under_a_muted_topic_reach_the_inbox_without_a_push(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    for uid in ("ann", "bea"):
        await gql.onboard(uid)
    circle_id = await create_circle(gql, "ann")
    await join(gql, "bea", circle_id)
    warned = await post(gql, "ann", circle_id, "Grief", contentWarning={"topics": ["GRIEF"]})
    plain = await post(gql, "ann", circle_id, "Plain")
    await mutate(gql, MUTE_TOPICS, {"topics": ["GRIEF"]}, "ann")
    await reply(gql, "bea", warned["id"], "Thinking of you")
    await reply(gql, "bea", plain["id"], "Me too")
    engine = app_and_http[0].state.services.engine
    async with engine.connect() as conn:
        rows = (await conn.execute(select(notification_table.c.status))).scalars().all()
    assert sorted(rows) == ["INBOX_ONLY", "PENDING"]
