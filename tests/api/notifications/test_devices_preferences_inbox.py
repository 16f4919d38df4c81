"""registerDevice, unregisterDevice, updateNotificationPreferences, the inbox and
markNotificationsRead, over HTTP against the real app."""

from __future__ import annotations

from sqlalchemy import select

from api.container import Services
from infra.db.tables.notifications import device_table
from tests.api.notifications.conftest import PREFS, register, set_prefs, thread
from tests.support.circles import post, reply
from tests.support.graphql import GraphQLClient

INBOX = """
query($first: Int, $after: String) {
  me {
    unreadNotificationCount
    notifications(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id kind title body count isRead circleId postId replyId }
    }
  }
}
"""
MARK = """
mutation($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) {
    markedCount unreadNotificationCount userErrors { code field message }
  }
}
"""
UNREGISTER = """
mutation($input: UnregisterDeviceInput!) {
  unregisterDevice(input: $input) { removed userErrors { code field message } }
}
"""


async def devices(services: Services) -> dict[str, str]:
    async with services.engine.connect() as conn:
        found = await conn.execute(select(device_table.c.token, device_table.c.member_id))
        return {token: str(member) for token, member in found.all()}


async def test_register_moves_a_fid_between_members_and_keeps_ten(
    gql: GraphQLClient, services: Services
) -> None:
    await gql.onboard("alice")
    await gql.onboard("bob")
    result = await register(gql, "alice", "fid-shared", "IOS")
    assert result["userErrors"] == []
    assert result["device"]["platform"] == "IOS"
    await register(gql, "bob", "fid-shared")
    owners = await devices(services)
    assert len(owners) == 1  # the FID moved to bob

    for n in range(11):
        await register(gql, "alice", f"fid-{n:02}")
    alice_tokens = sorted(
        t for t in await devices(services) if t.startswith("fid-0") or t.startswith("fid-1")
    )
    assert len(alice_tokens) == 10
    assert "fid-00" not in alice_tokens


async def test_register_refuses_an_empty_token(gql: GraphQLClient) -> None:
    await gql.onboard("alice")
    result = await register(gql, "alice", "  ")
    assert result["device"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("INVALID", ["input", "token"])
    ]


async def test_unregister_only_removes_your_own_device(
    gql: GraphQLClient, services: Services
) -> None:
    await gql.onboard("alice")
    await gql.onboard("bob")
    await register(gql, "alice", "fid-a")
    data = await gql.data(UNREGISTER, {"input": {"token": "fid-a"}}, as_="bob")
    assert data["unregisterDevice"]["removed"] is False
    data = await gql.data(UNREGISTER, {"input": {"token": "fid-a"}}, as_="alice")
    assert data["unregisterDevice"]["removed"] is True
    assert await devices(services) == {}


async def test_preferences_default_update_and_privacy(gql: GraphQLClient) -> None:
    alice = await gql.onboard("alice")
    await gql.onboard("bob")
    query = "query($id: ID!) { node(id: $id) { ... on Member { notificationPreferences { showPreviews } unreadNotificationCount notifications { nodes { id } } } } }"
    mine = await gql.data(query, {"id": alice}, as_="alice")
    assert mine["node"]["notificationPreferences"] == {"showPreviews": False}
    theirs = await gql.data(query, {"id": alice}, as_="bob")
    assert theirs["node"] == {
        "notificationPreferences": None,
        "unreadNotificationCount": None,
        "notifications": None,
    }

    saved = await set_prefs(
        gql, "alice", reactions=False, quietHours={"start": "22:30", "end": "07:00"}
    )
    assert saved["preferences"] == {
        "replies": True,
        "reactions": False,
        "circleActivity": True,
        "checkInReminders": True,
        "showPreviews": False,
        "quietHours": {"start": "22:30", "end": "07:00"},
    }
    kept = await set_prefs(gql, "alice", showPreviews=True)
    assert kept["preferences"]["quietHours"] == {"start": "22:30", "end": "07:00"}
    assert kept["preferences"]["reactions"] is False
    cleared = await set_prefs(gql, "alice", quietHours=None)
    assert cleared["preferences"]["quietHours"] is None

    bad = await gql.data(
        PREFS, {"input": {"quietHours": {"start": "25:00", "end": "7"}}}, as_="alice"
    )
    errors = bad["updateNotificationPreferences"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID", ["input", "quietHours", "start"]),
        ("INVALID", ["input", "quietHours", "end"]),
    ]


async def test_replies_turned_off_means_no_notification(gql: GraphQLClient) -> None:
    t = await thread(gql)
    await set_prefs(gql, "alice", replies=False)
    await reply(gql, "bob", t.post_id, "hi")
    data = await gql.data(INBOX, as_="alice")
    assert data["me"]["unreadNotificationCount"] == 0


async def test_inbox_pages_and_mark_read_only_touches_your_own(gql: GraphQLClient) -> None:
    t = await thread(gql)
    for n in range(3):
        made = await post(gql, "alice", t.circle_id, f"post {n}")
        await reply(gql, "bob", made["id"], f"reply {n}")
    # bob gets one too (alice replies to bob's post)
    bobs = await post(gql, "bob", t.circle_id, "bob's post")
    await reply(gql, "alice", bobs["id"], "hello bob")

    first = (await gql.data(INBOX, {"first": 2}, as_="alice"))["me"]
    assert first["unreadNotificationCount"] == 3
    assert first["notifications"]["pageInfo"]["hasNextPage"] is True
    rest = (
        await gql.data(
            INBOX,
            {"first": 2, "after": first["notifications"]["pageInfo"]["endCursor"]},
            as_="alice",
        )
    )["me"]["notifications"]
    assert rest["pageInfo"]["hasNextPage"] is False
    nodes = first["notifications"]["nodes"] + rest["nodes"]
    assert len({n["id"] for n in nodes}) == 3
    assert all(n["kind"] == "REPLY" and n["circleId"] == t.circle_id for n in nodes)
    assert nodes[0]["postId"] is not None
    assert nodes[0]["replyId"] is not None

    bobs_id = (await gql.data(INBOX, as_="bob"))["me"]["notifications"]["nodes"][0]["id"]
    marked = await gql.data(MARK, {"input": {"ids": [nodes[0]["id"], bobs_id]}}, as_="alice")
    assert marked["markNotificationsRead"] == {
        "markedCount": 1,
        "unreadNotificationCount": 2,
        "userErrors": [],
    }
    assert (await gql.data(INBOX, as_="bob"))["me"]["unreadNotificationCount"] == 1

    everything = await gql.data(MARK, {"input": {"all": True}}, as_="alice")
    assert everything["markNotificationsRead"]["markedCount"] == 2
    assert everything["markNotificationsRead"]["unreadNotificationCount"] == 0

    node = await gql.data("query($id: ID!) { node(id: $id) { id } }", {"id": bobs_id}, as_="alice")
    assert node["node"] is None  # someone else's notification is invisible

    nothing = await gql.data(MARK, {"input": {}}, as_="alice")
    assert nothing["markNotificationsRead"]["userErrors"][0]["code"] == "INVALID"
