"""Creating, changing and discovering circles, as members see it over HTTP."""

from __future__ import annotations

from typing import Any

from tests.support.circles import (
    CIRCLE,
    CIRCLES,
    CREATE_CIRCLE,
    MY_CIRCLES,
    UPDATE_CIRCLE,
    ban,
    codes,
    create_circle,
    invite,
    join,
    mutate,
    set_role,
)
from tests.support.graphql import GraphQLClient, error_codes

VALID = {
    "name": "Evening Calm",
    "description": "For anxious evenings.",
    "topics": ["ANXIETY"],
    "visibility": "PUBLIC",
}


async def _names(gql: GraphQLClient, uid: str, **variables: Any) -> list[str]:
    data = await gql.data(CIRCLES, {"first": 50, **variables}, as_=uid)
    return [e["node"]["name"] for e in data["circles"]["edges"]]


async def _my_names(gql: GraphQLClient, uid: str) -> list[str]:
    data = await gql.data(MY_CIRCLES, {"first": 50}, as_=uid)
    return [e["node"]["name"] for e in data["myCircles"]["edges"]]


async def test_the_creator_owns_a_new_circle_of_30_seats_by_default(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    # when
    payload = await mutate(gql, CREATE_CIRCLE, VALID, "alice")
    # then
    assert payload["userErrors"] == []
    circle = payload["circle"]
    assert circle["capacity"] == 30
    assert circle["memberCount"] == 1
    assert circle["visibility"] == "PUBLIC"
    assert circle["viewerMembership"] == {"role": "OWNER", "status": "ACTIVE"}


async def test_every_broken_circle_rule_is_reported_at_once_and_nothing_is_created(
    gql: GraphQLClient,
) -> None:
    # given
    await gql.onboard("alice")
    too_small = {**VALID, "name": " ab ", "description": "d" * 501, "topics": [], "capacity": 1}
    too_big = {
        **VALID,
        "name": "n" * 61,
        "topics": ["ANXIETY", "GRIEF", "STRESS", "TRAUMA", "BIPOLAR", "OTHER"],
        "capacity": 101,
    }
    # when
    small = await mutate(gql, CREATE_CIRCLE, too_small, "alice")
    big = await mutate(gql, CREATE_CIRCLE, too_big, "alice")
    # then
    assert small["circle"] is None
    assert sorted(codes(small)) == [
        ("INVALID", ["input", "capacity"]),
        ("INVALID", ["input", "topics"]),
        ("TOO_LONG", ["input", "description"]),
        ("TOO_SHORT", ["input", "name"]),
    ]
    assert big["circle"] is None
    assert sorted(codes(big)) == [
        ("INVALID", ["input", "capacity"]),
        ("TOO_LONG", ["input", "name"]),
        ("TOO_LONG", ["input", "topics"]),
    ]
    assert await _my_names(gql, "alice") == []
    assert await _names(gql, "alice") == []


async def test_circle_limits_are_inclusive(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    five_topics = ["ANXIETY", "GRIEF", "STRESS", "TRAUMA", "BIPOLAR"]
    # when
    smallest = await mutate(gql, CREATE_CIRCLE, {**VALID, "name": "abc", "capacity": 2}, "alice")
    largest = await mutate(
        gql,
        CREATE_CIRCLE,
        {
            **VALID,
            "name": "n" * 60,
            "description": "d" * 500,
            "topics": five_topics,
            "capacity": 100,
        },
        "alice",
    )
    # then
    assert smallest["userErrors"] == []
    assert smallest["circle"]["capacity"] == 2
    assert largest["userErrors"] == []
    assert largest["circle"]["capacity"] == 100


async def test_a_topic_outside_the_enum_is_refused_by_the_schema(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    # when
    result = await gql(CREATE_CIRCLE, {"input": {**VALID, "topics": ["ASTROLOGY"]}}, as_="alice")
    # then
    assert result.get("data") is None
    assert result["errors"]
    assert await _my_names(gql, "alice") == []


async def test_the_owner_and_moderators_change_a_circle_and_members_are_forbidden(
    gql: GraphQLClient,
) -> None:
    # given alice's circle with carol as moderator and bob as member
    await gql.onboard("alice")
    await gql.onboard("bob")
    carol = await gql.onboard("carol")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    await set_role(gql, "alice", circle_id, carol, "MODERATOR")
    # when
    by_owner = await mutate(
        gql, UPDATE_CIRCLE, {"circleId": circle_id, "name": "Night Owls"}, "alice"
    )
    by_moderator = await mutate(
        gql,
        UPDATE_CIRCLE,
        {"circleId": circle_id, "topics": ["GRIEF", "STRESS"], "capacity": 12},
        "carol",
    )
    by_member = await gql(
        UPDATE_CIRCLE, {"input": {"circleId": circle_id, "name": "Mine now"}}, as_="bob"
    )
    # then
    assert by_owner["circle"]["name"] == "Night Owls"
    assert by_moderator["circle"]["topics"] == ["GRIEF", "STRESS"]
    assert by_moderator["circle"]["capacity"] == 12
    assert error_codes(by_member) == ["FORBIDDEN"]
    seen = await gql.data(CIRCLE, {"id": circle_id}, as_="bob")
    assert seen["node"]["name"] == "Night Owls"
    assert seen["node"]["description"] == VALID["description"]


async def test_an_update_breaking_a_rule_changes_nothing(gql: GraphQLClient) -> None:
    # given a circle of three
    await gql.onboard("alice")
    await gql.onboard("bob")
    await gql.onboard("carol")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    # when the capacity would drop below the members and the name is too short
    payload = await mutate(
        gql, UPDATE_CIRCLE, {"circleId": circle_id, "name": "x", "capacity": 2}, "alice"
    )
    # then
    assert sorted(codes(payload)) == [
        ("INVALID", ["input", "capacity"]),
        ("TOO_SHORT", ["input", "name"]),
    ]
    seen = await gql.data(CIRCLE, {"id": circle_id}, as_="alice")
    assert seen["node"]["name"] == VALID["name"]
    assert seen["node"]["capacity"] == 30


async def test_discovery_shows_public_circles_and_private_ones_only_to_their_active_members(
    gql: GraphQLClient,
) -> None:
    # given a public and a private circle; bob is in the private one, carol only asked
    for uid in ("alice", "bob", "carol", "dave"):
        await gql.onboard(uid)
    await create_circle(gql, "alice", name="Open Door")
    hidden = await create_circle(gql, "alice", name="Quiet Room", visibility="PRIVATE")
    await join(gql, "bob", hidden, await invite(gql, "alice", hidden))
    assert (await join(gql, "carol", hidden))["membership"]["status"] == "PENDING"
    # when / then
    assert await _names(gql, "alice") == ["Quiet Room", "Open Door"]
    assert await _names(gql, "bob") == ["Quiet Room", "Open Door"]
    assert await _names(gql, "carol") == ["Open Door"]
    assert await _names(gql, "dave") == ["Open Door"]
    assert (await gql.data(CIRCLE, {"id": hidden}, as_="dave"))["node"] is None
    assert (await gql.data(CIRCLE, {"id": hidden}, as_="carol"))["node"] is None


async def test_discovery_filters_by_topic_and_by_words_in_name_or_description(
    gql: GraphQLClient,
) -> None:
    # given
    await gql.onboard("alice")
    await create_circle(gql, "alice", name="Evening Calm", topics=["ANXIETY", "STRESS"])
    await create_circle(
        gql, "alice", name="Missing Mum", description="Grief after loss.", topics=["GRIEF"]
    )
    await create_circle(
        gql,
        "alice",
        name="New Parents",
        description="Sleepless EVENINGS too.",
        topics=["PARENTING"],
    )
    # when / then
    assert await _names(gql, "alice", topic="STRESS") == ["Evening Calm"]
    assert await _names(gql, "alice", topic="GRIEF") == ["Missing Mum"]
    assert await _names(gql, "alice", topic="LGBTQ") == []
    assert await _names(gql, "alice", search="evening") == ["New Parents", "Evening Calm"]
    assert await _names(gql, "alice", search="  LOSS ") == ["Missing Mum"]
    assert await _names(gql, "alice", search="evening", topic="ANXIETY") == ["Evening Calm"]
    assert await _names(gql, "alice", search="%") == []
    assert await _names(gql, "alice", search="_") == []


async def test_discovery_pages_neither_repeat_nor_skip_while_new_circles_arrive(
    gql: GraphQLClient,
) -> None:
    # given five circles, read two per page
    await gql.onboard("alice")
    await gql.onboard("bob")
    await gql.onboard("carol")
    for n in range(1, 6):
        await create_circle(gql, "alice", name=f"Circle {n}")
    first = (await gql.data(CIRCLES, {"first": 2}, as_="bob"))["circles"]
    # when new circles arrive between pages (by carol: alice made her 5 for the day)
    await create_circle(gql, "carol", name="Circle 6")
    await create_circle(gql, "carol", name="Circle 7")
    second = (
        await gql.data(CIRCLES, {"first": 2, "after": first["pageInfo"]["endCursor"]}, as_="bob")
    )["circles"]
    third = (
        await gql.data(CIRCLES, {"first": 2, "after": second["pageInfo"]["endCursor"]}, as_="bob")
    )["circles"]
    # then
    names = [e["node"]["name"] for page in (first, second, third) for e in page["edges"]]
    assert names == ["Circle 5", "Circle 4", "Circle 3", "Circle 2", "Circle 1"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True
    assert third["pageInfo"]["hasNextPage"] is False
    assert first["edges"][-1]["cursor"] == first["pageInfo"]["endCursor"]


async def test_my_circles_lists_circles_i_am_in_or_asked_to_join_but_not_banned_from(
    gql: GraphQLClient,
) -> None:
    # given
    await gql.onboard("alice")
    bob = await gql.onboard("bob")
    joined = await create_circle(gql, "alice", name="Joined")
    await create_circle(gql, "alice", name="Not joined")
    asked = await create_circle(gql, "alice", name="Asked", visibility="PRIVATE")
    banned_from = await create_circle(gql, "alice", name="Banned from")
    await join(gql, "bob", joined)
    assert (await join(gql, "bob", asked))["membership"]["status"] == "PENDING"
    await join(gql, "bob", banned_from)
    await ban(gql, "alice", banned_from, bob)
    # when
    data = await gql.data(MY_CIRCLES, {"first": 10}, as_="bob")
    # then
    nodes = [e["node"] for e in data["myCircles"]["edges"]]
    assert [(n["name"], n["viewerMembership"]["status"]) for n in nodes] == [
        ("Asked", "PENDING"),
        ("Joined", "ACTIVE"),
    ]


async def test_member_count_is_visible_to_everyone_who_sees_the_circle(
    gql: GraphQLClient,
) -> None:
    # given a public circle of two and an outsider
    await gql.onboard("alice")
    await gql.onboard("bob")
    await gql.onboard("dave")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    # when
    by_outsider = (await gql.data(CIRCLE, {"id": circle_id}, as_="dave"))["node"]
    by_member = (await gql.data(CIRCLE, {"id": circle_id}, as_="bob"))["node"]
    listed = (await gql.data(CIRCLES, {}, as_="dave"))["circles"]["edges"][0]["node"]
    # then
    assert by_outsider["memberCount"] == by_member["memberCount"] == listed["memberCount"] == 2
    assert by_outsider["viewerMembership"] is None
    assert by_member["viewerMembership"] == {"role": "MEMBER", "status": "ACTIVE"}


async def test_circles_need_sign_in_and_a_profile(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    await create_circle(gql, "alice")
    # when
    signed_out = await gql(CIRCLES, {})
    no_profile = await gql(CREATE_CIRCLE, {"input": VALID}, as_="newcomer")
    # then
    assert error_codes(signed_out) == ["UNAUTHENTICATED"]
    assert error_codes(no_profile) == ["NOT_ONBOARDED"]
