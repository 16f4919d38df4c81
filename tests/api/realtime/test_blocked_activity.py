"""Live events respect blocks both ways: nothing from (or to) a blocked member arrives."""

from __future__ import annotations

import asyncio

from tests.support.circles import REACT, create_circle, join, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client
from tests.support.moderation import block

ACTIVITY = """
subscription($id: ID!) {
  circleActivity(circleId: $id) {
    __typename
    ... on PostCreated { post { body replyCount reactionCounts { kind count } } }
    ... on ReplyCreated { reply { body } }
    ... on ReactionsChanged { reactionCounts { kind count } }
    ... on MemberJoined { member { displayName } }
  }
}
"""


async def _next(ws: object) -> dict[str, object]:
    event: dict[str, object] = (await ws.next_data())["data"]["circleActivity"]  # type: ignore[attr-defined]
    return event


async def test_live_events_drop_whatever_a_block_hides_either_way(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    ids = {uid: await gql.onboard(uid, f"Name {uid}") for uid in ("ann", "bea", "cal")}
    circle_id = await create_circle(gql, "ann")
    await join(gql, "bea", circle_id)
    await join(gql, "cal", circle_id)
    cal_post = await post(gql, "cal", circle_id, "Cal first")
    await block(gql, "ann", ids["bea"])
    async with (
        ws_client(base, "dev:ann") as ann_ws,
        ws_client(base, "dev:bea") as bea_ws,
        ws_client(base, "dev:cal") as cal_ws,
    ):
        for ws in (ann_ws, bea_ws, cal_ws):
            await ws.subscribe(ACTIVITY, {"id": circle_id})
        await asyncio.sleep(0.1)
        # when bea posts anonymously, replies and reacts, and ann posts
        await post(gql, "bea", circle_id, "Bea anonymous", anonymous=True)
        await reply(gql, "bea", cal_post["id"], "Bea reply")
        await gql.data(REACT, {"input": {"targetId": cal_post["id"], "kind": "HUG"}}, as_="bea")
        await post(gql, "ann", circle_id, "Ann post")
        # and then cal posts (a marker every subscriber may see)
        await post(gql, "cal", circle_id, "Cal marker")
        # then cal saw everything, in order
        seen = [await _next(cal_ws) for _ in range(5)]
        assert [e["__typename"] for e in seen] == [
            "PostCreated",
            "ReplyCreated",
            "ReactionsChanged",
            "PostCreated",
            "PostCreated",
        ]
        # ann saw bea's reaction only as unchanged counts, then her own post and the marker
        ann_events = [await _next(ann_ws) for _ in range(3)]
        assert ann_events[0]["__typename"] == "ReactionsChanged"
        assert {"kind": "HUG", "count": 0} in ann_events[0]["reactionCounts"]  # type: ignore[operator]
        assert [e.get("post", {}).get("body") for e in ann_events[1:]] == [  # type: ignore[attr-defined]
            "Ann post",
            "Cal marker",
        ]
        # bea saw her own activity and the marker, never ann's post
        bea_events = [await _next(bea_ws) for _ in range(4)]
        bodies = [e.get("post", {}).get("body") for e in bea_events]  # type: ignore[attr-defined]
        assert "Ann post" not in bodies
        assert bodies[-1] == "Cal marker"
