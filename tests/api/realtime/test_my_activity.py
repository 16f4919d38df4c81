"""myActivity: the viewer's in-app notifications and unread count, live."""

from __future__ import annotations

import json

from tests.support.circles import create_circle, join, post, reply
from tests.support.graphql import GraphQLClient
from tests.support.live import ws_client

MY_ACTIVITY = """subscription { myActivity {
  unreadCount notification { kind title body count postId isRead } } }"""
MARK_ALL = "mutation { markNotificationsRead(input: {all: true}) { markedCount } }"


async def test_a_reply_reaches_the_authors_badge_live_and_reading_clears_it(
    live: tuple[str, GraphQLClient],
) -> None:
    base, gql = live
    await gql.onboard("alice", "Alice")
    await gql.onboard("bob", "Bob Secret")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    alice_post = await post(gql, "alice", circle_id, "I feel so alone tonight")
    async with ws_client(base, "dev:alice") as ws:
        await ws.subscribe(MY_ACTIVITY)
        first = (await ws.next_data())["data"]["myActivity"]
        assert first == {"unreadCount": 0, "notification": None}
        # when bob replies anonymously
        await reply(gql, "bob", alice_post["id"], "Me too, the words I wrote here", anonymous=True)
        payload = await ws.next_data()
        update = payload["data"]["myActivity"]
        assert update["unreadCount"] == 1
        assert update["notification"]["kind"] == "REPLY"
        assert update["notification"]["postId"] == alice_post["id"]
        assert update["notification"]["isRead"] is False
        # the lock-screen text names neither the replier nor what was written
        raw = json.dumps(payload)
        assert "Bob Secret" not in raw
        assert "the words I wrote here" not in raw
        assert "alone tonight" not in raw
        # when alice reads everything, the badge clears on every device
        await gql.data(MARK_ALL, as_="alice")
        cleared = (await ws.next_data())["data"]["myActivity"]
        assert cleared == {"unreadCount": 0, "notification": None}


async def test_others_activity_never_reaches_me(live: tuple[str, GraphQLClient]) -> None:
    base, gql = live
    await gql.onboard("alice", "Alice")
    await gql.onboard("bob", "Bob")
    await gql.onboard("cara", "Cara")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    alice_post = await post(gql, "alice", circle_id, "A post")
    await join(gql, "cara", circle_id)
    cara_post = await post(gql, "cara", circle_id, "Cara's post")
    async with ws_client(base, "dev:cara") as ws:
        await ws.subscribe(MY_ACTIVITY)
        assert (await ws.next_data())["data"]["myActivity"]["unreadCount"] == 0
        await reply(gql, "bob", alice_post["id"], "A reply for alice")
        await reply(gql, "bob", cara_post["id"], "A reply for cara")
        # alice's post no longer waits for a reply: cara hears only her count change
        answered = (await ws.next_data())["data"]["myActivity"]
        # the first notification on cara's stream is about her own post, not alice's
        update = (await ws.next_data())["data"]["myActivity"]
    assert answered == {"unreadCount": 0, "notification": None}
    assert update["unreadCount"] == 1
    assert update["notification"]["postId"] == cara_post["id"]
