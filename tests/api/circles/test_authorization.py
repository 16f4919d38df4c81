"""Who may read and change what, tried from the outside through every way in.

The world: alice owns a public and a private circle; bob is an active member of
both and posted in each (alice replied). Outsiders: nina (in neither), pete (asked
to join the private circle), ben (banned from both), mona (moderator of rita's
circle) and signed-out clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.circles import (
    APPROVE,
    BAN,
    CIRCLE,
    CREATE_INVITE,
    CREATE_POST,
    DELETE_POST,
    EDIT_POST,
    JOIN_REQUESTS,
    MEMBER_NODE,
    MEMBERS,
    MY_CIRCLES,
    POST,
    POSTS,
    REACT_ANY,
    REPLIES,
    REPLY,
    REPLY_NODE,
    SET_ROLE,
    UPDATE_CIRCLE,
    ban,
    create_circle,
    feed_of,
    invite,
    join,
    post,
    reply,
    set_role,
)
from tests.support.graphql import GraphQLClient, error_codes


@dataclass
class Circle:
    id: str
    post_id: str
    reply_id: str


@dataclass
class World:
    public: Circle
    private: Circle
    bob: str
    pete: str


async def _world(gql: GraphQLClient) -> World:
    await gql.onboard("alice", "Quiet Fox")
    bob = await gql.onboard("bob", "Brave Owl")
    ben = await gql.onboard("ben", "Bent Reed")
    pete = await gql.onboard("pete", "Patient Elk")
    mona = await gql.onboard("mona", "Mild Moth")
    await gql.onboard("nina", "Nimble Newt")
    await gql.onboard("rita", "Rising Tide")
    circles = []
    for visibility, name in (("PUBLIC", "Open Door"), ("PRIVATE", "Quiet Room")):
        circle_id = await create_circle(gql, "alice", name=name, visibility=visibility)
        for uid in ("bob", "ben"):
            await join(gql, uid, circle_id, await invite(gql, "alice", circle_id))
        await ban(gql, "alice", circle_id, ben)
        created = await post(gql, "bob", circle_id, f"Bob in {name}")
        replied = await reply(gql, "alice", created["id"], f"Alice in {name}")
        circles.append(Circle(circle_id, created["id"], replied["id"]))
    assert (await join(gql, "pete", circles[1].id))["membership"]["status"] == "PENDING"
    elsewhere = await create_circle(gql, "rita", name="Elsewhere")
    await join(gql, "mona", elsewhere)
    await set_role(gql, "rita", elsewhere, mona, "MODERATOR")
    return World(circles[0], circles[1], bob, pete)


def _mutations(circle: Circle, world: World) -> dict[str, tuple[str, dict[str, Any]]]:
    member = {"circleId": circle.id, "memberId": world.bob}
    return {
        "createPost": (CREATE_POST, {"circleId": circle.id, "body": "Let me in"}),
        "replyToPost": (REPLY, {"postId": circle.post_id, "body": "Let me in"}),
        "reactToPost": (REACT_ANY, {"targetId": circle.post_id, "kind": "HUG"}),
        "reactToReply": (REACT_ANY, {"targetId": circle.reply_id, "kind": "HUG"}),
        "editPost": (EDIT_POST, {"postId": circle.post_id, "body": "Changed"}),
        "deletePost": (DELETE_POST, {"postId": circle.post_id}),
        "createInvite": (CREATE_INVITE, {"circleId": circle.id}),
        "approveJoinRequest": (APPROVE, {"circleId": circle.id, "memberId": world.pete}),
        "updateCircle": (UPDATE_CIRCLE, {"circleId": circle.id, "name": "Taken over"}),
        "banMember": (BAN, member),
        "setMemberRole": (SET_ROLE, {**member, "role": "OWNER"}),
    }


CONTENT = ("createPost", "replyToPost", "reactToPost", "reactToReply", "editPost", "deletePost")
FIELDS = {
    "createPost": "circleId",
    "replyToPost": "postId",
    "reactToPost": "targetId",
    "reactToReply": "targetId",
    "editPost": "postId",
    "deletePost": "postId",
}


async def _nothing_changed(gql: GraphQLClient, world: World) -> None:
    for circle, name in ((world.public, "Open Door"), (world.private, "Quiet Room")):
        seen = await gql.data(CIRCLE, {"id": circle.id}, as_="bob")
        assert seen["node"]["name"] == name
        assert seen["node"]["memberCount"] == 2
        assert seen["node"]["viewerMembership"] == {"role": "MEMBER", "status": "ACTIVE"}
        feed = await feed_of(gql, "bob", circle.id)
        assert [e["node"]["body"] for e in feed["edges"]] == [f"Bob in {name}"]
        node = feed["edges"][0]["node"]
        assert node["replyCount"] == 1
        assert all(c["count"] == 0 for c in node["reactionCounts"])
        assert all(c["count"] == 0 for c in node["latestReplies"][0]["reactionCounts"])
    requests = await gql.data(JOIN_REQUESTS, {"id": world.private.id}, as_="alice")
    assert [e["node"]["member"]["id"] for e in requests["node"]["joinRequests"]["edges"]] == [
        world.pete
    ]


@pytest.mark.parametrize(
    ("viewer", "kind"),
    [
        ("nina", "public"),
        ("ben", "public"),
        ("mona", "public"),
        ("nina", "private"),
        ("pete", "private"),
        ("ben", "private"),
        ("mona", "private"),
    ],
)
async def test_outsiders_read_nothing_inside_a_circle(
    gql: GraphQLClient, viewer: str, kind: str
) -> None:
    # given
    world = await _world(gql)
    circle = world.public if kind == "public" else world.private
    # when
    circle_node = (await gql.data(CIRCLE, {"id": circle.id}, as_=viewer))["node"]
    post_node = (await gql.data(POST, {"id": circle.post_id}, as_=viewer))["node"]
    reply_node = (await gql.data(REPLY_NODE, {"id": circle.reply_id}, as_=viewer))["node"]
    replies = await gql(REPLIES, {"id": circle.post_id}, as_=viewer)
    posts = await gql(POSTS, {"id": circle.id}, as_=viewer)
    members = await gql(MEMBERS, {"id": circle.id}, as_=viewer)
    join_requests = await gql(JOIN_REQUESTS, {"id": circle.id}, as_=viewer)
    # then
    assert post_node is None
    assert reply_node is None
    assert replies == {"data": {"node": None}}
    if kind == "public":
        assert circle_node is not None
        assert error_codes(posts) == ["FORBIDDEN"]
        assert error_codes(members) == ["FORBIDDEN"]
        assert error_codes(join_requests) == ["FORBIDDEN"]
        assert posts["data"] == members["data"] == join_requests["data"] == {"node": None}
    else:
        assert circle_node is None
        for result in (posts, members, join_requests):
            assert result == {"data": {"node": None}}
    for text in (str(posts), str(members), str(join_requests), str(replies)):
        assert "Bob in" not in text
        assert "Alice in" not in text
        assert "Brave Owl" not in text


async def test_a_pending_member_sees_the_circle_in_my_circles_but_nothing_inside(
    gql: GraphQLClient,
) -> None:
    # given
    world = await _world(gql)
    inside = """
    query { myCircles { nodes { id memberCount viewerMembership { status }
      posts { edges { node { id body } } } } } }
    """
    # when
    listed = await gql.data(MY_CIRCLES, {}, as_="pete")
    with_posts = await gql(inside, as_="pete")
    with_members = await gql(
        "query { myCircles { nodes { members { edges { node { role } } } } } }", as_="pete"
    )
    with_requests = await gql(
        "query { myCircles { nodes { joinRequests { edges { node { role } } } } } }", as_="pete"
    )
    # then
    nodes = [e["node"] for e in listed["myCircles"]["edges"]]
    assert [(n["id"], n["viewerMembership"]["status"]) for n in nodes] == [
        (world.private.id, "PENDING")
    ]
    for result in (with_posts, with_members, with_requests):
        assert error_codes(result) == ["FORBIDDEN"]
    assert "Bob in" not in str(with_posts)


async def test_member_profiles_are_public_to_everyone_signed_in_but_not_their_private_details(
    gql: GraphQLClient,
) -> None:
    # given
    world = await _world(gql)
    # when
    seen = (await gql.data(MEMBER_NODE, {"id": world.bob}, as_="nina"))["node"]
    own = (await gql.data(MEMBER_NODE, {"id": world.bob}, as_="bob"))["node"]
    # then
    assert seen == {"id": world.bob, "displayName": "Brave Owl", "timezone": None, "region": None}
    assert own["timezone"] == "Europe/London"


@pytest.mark.parametrize(
    ("viewer", "kind"),
    [
        ("nina", "public"),
        ("ben", "public"),
        ("mona", "public"),
        ("nina", "private"),
        ("pete", "private"),
        ("ben", "private"),
        ("mona", "private"),
    ],
)
async def test_outsiders_change_nothing_in_a_circle(
    gql: GraphQLClient, viewer: str, kind: str
) -> None:
    # given
    world = await _world(gql)
    circle = world.public if kind == "public" else world.private
    # when
    results = {
        name: await gql(document, {"input": input}, as_=viewer)
        for name, (document, input) in _mutations(circle, world).items()
    }
    # then content mutations say NOT_FOUND without revealing anything
    for name in CONTENT:
        result = results[name]
        assert not result.get("errors"), (name, result)
        payload = next(iter(result["data"].values()))
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("NOT_FOUND", ["input", FIELDS[name]])
        ], name
        assert "Bob in" not in str(payload)
    # and moderation is FORBIDDEN in a circle they can see, NOT_FOUND in one they can't
    for name in (
        "createInvite",
        "approveJoinRequest",
        "updateCircle",
        "banMember",
        "setMemberRole",
    ):
        result = results[name]
        if kind == "public":
            assert error_codes(result) == ["FORBIDDEN"], name
            assert result["data"] is None
        else:
            payload = next(iter(result["data"].values()))
            assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
                ("NOT_FOUND", ["input", "circleId"])
            ], name
    await _nothing_changed(gql, world)


async def test_signed_out_clients_are_unauthenticated_everywhere(gql: GraphQLClient) -> None:
    # given
    world = await _world(gql)
    circle = world.private
    queries: list[tuple[str, dict[str, Any]]] = [
        (CIRCLE, {"id": circle.id}),
        (POST, {"id": circle.post_id}),
        (REPLY_NODE, {"id": circle.reply_id}),
        (MEMBER_NODE, {"id": world.bob}),
        (POSTS, {"id": world.public.id}),
        (MEMBERS, {"id": world.public.id}),
        (JOIN_REQUESTS, {"id": world.public.id}),
        (REPLIES, {"id": circle.post_id}),
        (MY_CIRCLES, {}),
    ]
    # when
    query_results = [await gql(document, variables) for document, variables in queries]
    mutation_results = {
        name: await gql(document, {"input": input})
        for name, (document, input) in _mutations(circle, world).items()
    }
    bad_token = await gql(POST, {"id": circle.post_id}, token="not-a-token")
    # then
    for result in query_results:
        assert error_codes(result) == ["UNAUTHENTICATED"]
        assert "Bob in" not in str(result)
    for name, result in mutation_results.items():
        assert error_codes(result) == ["UNAUTHENTICATED"], name
        assert result["data"] is None
    assert error_codes(bad_token) == ["UNAUTHENTICATED"]
    await _nothing_changed(gql, world)


async def test_signed_in_accounts_without_a_profile_see_nothing_and_change_nothing(
    gql: GraphQLClient,
) -> None:
    # given
    world = await _world(gql)
    circle = world.public
    # when
    nodes = [
        await gql(document, {"id": raw_id}, as_="newcomer")
        for document, raw_id in (
            (CIRCLE, circle.id),
            (POST, circle.post_id),
            (REPLY_NODE, circle.reply_id),
        )
    ]
    mutation_results = {
        name: await gql(document, {"input": input}, as_="newcomer")
        for name, (document, input) in _mutations(circle, world).items()
    }
    # then
    for result in nodes:  # node(id:) needs a profile, like everything else
        assert error_codes(result) == ["NOT_ONBOARDED"]
        assert result["data"] is None or result["data"]["node"] is None
    for name, result in mutation_results.items():
        assert error_codes(result) == ["NOT_ONBOARDED"], name
    await _nothing_changed(gql, world)
