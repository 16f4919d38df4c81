"""Pins over GraphQL: owner and moderators keep up to three resources or posts on top
of a circle; everyone else is refused; posts keep their own visibility and anonymity."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from tests.support.circles import (
    DELETE_POST,
    USER_ERRORS,
    codes,
    create_circle,
    invite,
    join,
    mutate,
    post,
    set_role,
)
from tests.support.graphql import GraphQLClient, error_codes

PIN = f"""
mutation($input: PinToCircleInput!) {{
  pinToCircle(input: $input) {{ circle {{ id }} {USER_ERRORS} }}
}}
"""
UNPIN = f"""
mutation($input: UnpinFromCircleInput!) {{
  unpinFromCircle(input: $input) {{ circle {{ id }} {USER_ERRORS} }}
}}
"""
PINNED = """
query($id: ID!) { node(id: $id) { ... on Circle { pinned {
  __typename
  ... on Resource { id title url }
  ... on Post { id body isAnonymous isMine isRemoved author { id displayName } }
} } } }
"""
RESOURCE_IDS = "{ resources(first: 10) { edges { node { id } } } }"


async def resource_ids(gql: GraphQLClient) -> list[str]:
    data = await gql.data(RESOURCE_IDS)
    return [e["node"]["id"] for e in data["resources"]["edges"]]


async def pinned(gql: GraphQLClient, circle_id: str, as_: str) -> list[dict[str, Any]]:
    data = await gql.data(PINNED, {"id": circle_id}, as_=as_)
    result: list[dict[str, Any]] = data["node"]["pinned"]
    return result


async def pin(gql: GraphQLClient, circle_id: str, item_id: str, as_: str) -> dict[str, Any]:
    return await mutate(gql, PIN, {"circleId": circle_id, "itemId": item_id}, as_)


async def unpin(gql: GraphQLClient, circle_id: str, item_id: str, as_: str) -> dict[str, Any]:
    return await mutate(gql, UNPIN, {"circleId": circle_id, "itemId": item_id}, as_)


async def circle_with_roles(gql: GraphQLClient, **extra: Any) -> str:
    """ana owns the circle, mo moderates it, mel is a member; nia is signed up but
    not in it."""
    for uid in ("ana", "mo", "mel", "nia"):
        await gql.onboard(uid)
    circle_id = await create_circle(gql, "ana", **extra)
    code = await invite(gql, "ana", circle_id)
    for uid in ("mo", "mel"):
        await join(gql, uid, circle_id, code)
    me = await gql.data("{ me { id } }", as_="mo")
    await set_role(gql, "ana", circle_id, me["me"]["id"], "MODERATOR")
    return circle_id


async def test_owner_and_moderator_pin_resources_and_posts_shown_oldest_first(
    gql: GraphQLClient,
) -> None:
    circle_id = await circle_with_roles(gql)
    resource = (await resource_ids(gql))[0]
    written = await post(gql, "mel", circle_id, "What helped me sleep.")
    assert codes(await pin(gql, circle_id, resource, "ana")) == []
    payload = await pin(gql, circle_id, written["id"], "mo")
    assert codes(payload) == []
    assert payload["circle"]["id"] == circle_id
    for reader in ("ana", "mo", "mel"):
        items = await pinned(gql, circle_id, reader)
        assert [(i["__typename"], i["id"]) for i in items] == [
            ("Resource", resource),
            ("Post", written["id"]),
        ]
        assert items[1]["body"] == "What helped me sleep."
        assert items[1]["isMine"] is (reader == "mel")


async def test_members_who_do_not_moderate_get_forbidden_and_non_members_learn_nothing(
    gql: GraphQLClient,
) -> None:
    circle_id = await circle_with_roles(gql)
    resource = (await resource_ids(gql))[0]
    variables = {"input": {"circleId": circle_id, "itemId": resource}}
    for document in (PIN, UNPIN):
        assert error_codes(await gql(document, variables, as_="mel")) == ["FORBIDDEN"]
        # a public circle is visible to nia, but she does not moderate it
        assert error_codes(await gql(document, variables, as_="nia")) == ["FORBIDDEN"]
        assert error_codes(await gql(document, variables)) == ["UNAUTHENTICATED"]
    assert error_codes(await gql(PINNED, {"id": circle_id}, as_="nia")) == ["FORBIDDEN"]
    assert await pinned(gql, circle_id, "ana") == []


async def test_a_private_circle_answers_not_found_to_outsiders(gql: GraphQLClient) -> None:
    circle_id = await circle_with_roles(gql, visibility="PRIVATE")
    resource = (await resource_ids(gql))[0]
    for document in (PIN, UNPIN):
        payload = await mutate(gql, document, {"circleId": circle_id, "itemId": resource}, "nia")
        assert codes(payload) == [("NOT_FOUND", ["input", "circleId"])]
        assert payload["circle"] is None


async def test_a_circle_holds_at_most_three_pins(gql: GraphQLClient) -> None:
    circle_id = await circle_with_roles(gql)
    resources = await resource_ids(gql)
    for resource in resources[:3]:
        assert codes(await pin(gql, circle_id, resource, "ana")) == []
    written = await post(gql, "mel", circle_id, "One more.")
    for item in (resources[3], written["id"]):
        payload = await pin(gql, circle_id, item, "mo")
        assert codes(payload) == [("TOO_MANY_PINS", ["input", "itemId"])]
        assert payload["circle"] is None
    assert codes(await unpin(gql, circle_id, resources[1], "mo")) == []
    assert codes(await pin(gql, circle_id, written["id"], "mo")) == []
    items = await pinned(gql, circle_id, "mel")
    assert [i["id"] for i in items] == [resources[0], resources[2], written["id"]]


async def test_two_moderators_pinning_at_once_never_get_past_three(gql: GraphQLClient) -> None:
    circle_id = await circle_with_roles(gql)
    resources = await resource_ids(gql)
    for resource in resources[:2]:
        assert codes(await pin(gql, circle_id, resource, "ana")) == []
    results = await asyncio.gather(
        pin(gql, circle_id, resources[2], "ana"), pin(gql, circle_id, resources[3], "mo")
    )
    outcomes = sorted(tuple(code for code, _ in codes(r)) for r in results)
    assert outcomes[0] == ()
    assert outcomes[1] in (("TOO_MANY_PINS",), ("CONFLICT",))
    assert len(await pinned(gql, circle_id, "ana")) == 3


async def test_pinning_twice_says_already_pinned(gql: GraphQLClient) -> None:
    circle_id = await circle_with_roles(gql)
    resource = (await resource_ids(gql))[0]
    assert codes(await pin(gql, circle_id, resource, "ana")) == []
    assert codes(await pin(gql, circle_id, resource, "mo")) == [
        ("ALREADY_PINNED", ["input", "itemId"])
    ]
    assert len(await pinned(gql, circle_id, "ana")) == 1


async def test_unknown_items_other_circles_posts_and_removed_posts_are_not_found(
    gql: GraphQLClient,
) -> None:
    circle_id = await circle_with_roles(gql)
    elsewhere = await create_circle(gql, "ana", name="Elsewhere")
    theirs = await post(gql, "ana", elsewhere, "In another circle, by the same owner.")
    gone = await post(gql, "mel", circle_id, "Soon removed.")
    assert codes(await mutate(gql, DELETE_POST, {"postId": gone["id"]}, "mel")) == []
    member = await gql.data("{ me { id } }", as_="mel")
    unknown_post = base64.urlsafe_b64encode(b"Post:00000000-0000-0000-0000-000000000000")
    unknown_resource = base64.urlsafe_b64encode(b"Resource:00000000-0000-0000-0000-000000000000")
    for item in (
        theirs["id"],
        gone["id"],
        member["me"]["id"],
        unknown_post.decode(),
        unknown_resource.decode(),
        "not an id",
        circle_id,
    ):
        payload = await pin(gql, circle_id, item, "ana")
        assert codes(payload) == [("NOT_FOUND", ["input", "itemId"])], item
    assert codes(await unpin(gql, circle_id, theirs["id"], "ana")) == [
        ("NOT_FOUND", ["input", "itemId"])
    ]
    assert await pinned(gql, circle_id, "ana") == []


async def test_a_pinned_post_that_is_removed_disappears_and_frees_its_slot(
    gql: GraphQLClient,
) -> None:
    circle_id = await circle_with_roles(gql)
    resources = await resource_ids(gql)
    written = await post(gql, "mel", circle_id, "Pinned, then removed.")
    assert codes(await pin(gql, circle_id, written["id"], "ana")) == []
    for resource in resources[:2]:
        assert codes(await pin(gql, circle_id, resource, "ana")) == []
    assert codes(await mutate(gql, DELETE_POST, {"postId": written["id"]}, "mo")) == []
    for reader in ("ana", "mel"):
        assert [i["id"] for i in await pinned(gql, circle_id, reader)] == resources[:2]
    assert codes(await pin(gql, circle_id, resources[2], "ana")) == []
    assert [i["id"] for i in await pinned(gql, circle_id, "mel")] == resources[:3]
    # the dead pin can also be taken off by hand (before it was cleared, it was there)
    assert codes(await unpin(gql, circle_id, written["id"], "ana")) == [
        ("NOT_FOUND", ["input", "itemId"])
    ]


async def test_an_anonymous_pinned_post_stays_anonymous_to_every_reader(
    gql: GraphQLClient,
) -> None:
    circle_id = await circle_with_roles(gql)
    written = await post(gql, "mel", circle_id, "Said without my name.", anonymous=True)
    assert codes(await pin(gql, circle_id, written["id"], "mo")) == []
    me = await gql.data("{ me { id displayName } }", as_="mel")
    secret_id = me["me"]["id"]
    secret_uuid = base64.urlsafe_b64decode(secret_id).decode().split(":")[1]
    for reader in ("ana", "mo", "mel"):
        result = await gql(PINNED, {"id": circle_id}, as_=reader)
        item = result["data"]["node"]["pinned"][0]
        assert item["isAnonymous"] is True
        assert item["author"] is None
        assert item["isMine"] is (reader == "mel")
        if reader != "mel":
            text = json.dumps(result)
            assert secret_id not in text
            assert secret_uuid not in text
            assert me["me"]["displayName"] not in text


async def test_unpinning_needs_the_item_to_be_pinned_here(gql: GraphQLClient) -> None:
    circle_id = await circle_with_roles(gql)
    resources = await resource_ids(gql)
    assert codes(await unpin(gql, circle_id, resources[0], "ana")) == [
        ("NOT_FOUND", ["input", "itemId"])
    ]
    assert codes(await pin(gql, circle_id, resources[0], "mo")) == []
    assert codes(await unpin(gql, circle_id, resources[0], "ana")) == []
    assert await pinned(gql, circle_id, "mel") == []


async def test_deleting_a_circle_takes_its_pins_with_it(gql: GraphQLClient) -> None:
    circle_id = await circle_with_roles(gql)
    resource = (await resource_ids(gql))[0]
    assert codes(await pin(gql, circle_id, resource, "ana")) == []
    deleted = await gql.data(
        "mutation($input: CircleInput!) { deleteCircle(input: $input) { userErrors { code } } }",
        {"input": {"circleId": circle_id}},
        as_="ana",
    )
    assert deleted["deleteCircle"]["userErrors"] == []
