"""Joining, invites, join requests, capacity, bans, leaving and roles."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FixedClock
from tests.support.circles import (
    APPROVE,
    BAN,
    CIRCLE,
    CREATE_INVITE,
    DECLINE,
    JOIN_REQUESTS,
    LEAVE,
    MEMBERS,
    SET_ROLE,
    ban,
    codes,
    create_circle,
    invite,
    join,
    mutate,
    set_role,
)
from tests.support.graphql import GraphQLClient, error_codes


async def _member_names(gql: GraphQLClient, uid: str, circle_id: str) -> list[str]:
    data = await gql.data(MEMBERS, {"id": circle_id}, as_=uid)
    return [e["node"]["member"]["displayName"] for e in data["node"]["members"]["edges"]]


async def _requests(gql: GraphQLClient, uid: str, circle_id: str) -> list[str]:
    data = await gql.data(JOIN_REQUESTS, {"id": circle_id}, as_=uid)
    return [e["node"]["member"]["displayName"] for e in data["node"]["joinRequests"]["edges"]]


async def _count(gql: GraphQLClient, uid: str, circle_id: str) -> int:
    count: int = (await gql.data(CIRCLE, {"id": circle_id}, as_=uid))["node"]["memberCount"]
    return count


async def test_joining_a_public_circle_is_immediate(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    await gql.onboard("bob")
    circle_id = await create_circle(gql, "alice")
    # when
    joined = await join(gql, "bob", circle_id)
    again = await join(gql, "bob", circle_id)
    # then
    assert joined["membership"] == {"role": "MEMBER", "status": "ACTIVE"}
    assert joined["circle"] == {"id": circle_id, "memberCount": 2}
    assert codes(again) == [("ALREADY_MEMBER", ["input", "circleId"])]
    assert await _count(gql, "bob", circle_id) == 2


async def test_asking_to_join_a_private_circle_without_a_code_waits_for_a_moderator(
    gql: GraphQLClient,
) -> None:
    # given
    await gql.onboard("alice")
    await gql.onboard("bob", "Brave Owl")
    circle_id = await create_circle(gql, "alice", visibility="PRIVATE")
    # when
    asked = await join(gql, "bob", circle_id)
    # then
    assert asked["userErrors"] == []
    assert asked["membership"] == {"role": "MEMBER", "status": "PENDING"}
    assert asked["circle"] is None
    assert await _count(gql, "alice", circle_id) == 1
    assert await _requests(gql, "alice", circle_id) == ["Brave Owl"]
    assert (await gql.data(CIRCLE, {"id": circle_id}, as_="bob"))["node"] is None


async def test_a_valid_invite_code_joins_a_private_circle_at_once(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    await gql.onboard("bob")
    await gql.onboard("carol")
    circle_id = await create_circle(gql, "alice", visibility="PRIVATE")
    created = await mutate(
        gql, CREATE_INVITE, {"circleId": circle_id, "maxUses": 2, "validForHours": 24}, "alice"
    )
    code = created["invite"]["code"]
    await join(gql, "carol", circle_id)  # a pending request is upgraded by a code
    # when
    bob = await join(gql, "bob", circle_id, code)
    carol = await join(gql, "carol", circle_id, code)
    # then
    assert created["invite"]["maxUses"] == 2
    assert bob["membership"]["status"] == "ACTIVE"
    assert carol["membership"]["status"] == "ACTIVE"
    assert carol["circle"]["memberCount"] == 3
    assert await _requests(gql, "alice", circle_id) == []


async def test_moderators_create_invites_and_members_are_forbidden(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    await gql.onboard("bob")
    carol = await gql.onboard("carol")
    circle_id = await create_circle(gql, "alice", visibility="PRIVATE")
    await join(gql, "bob", circle_id, await invite(gql, "alice", circle_id))
    await join(gql, "carol", circle_id, await invite(gql, "alice", circle_id))
    await set_role(gql, "alice", circle_id, carol, "MODERATOR")
    # when
    by_moderator = await mutate(gql, CREATE_INVITE, {"circleId": circle_id}, "carol")
    by_member = await gql(CREATE_INVITE, {"input": {"circleId": circle_id}}, as_="bob")
    out_of_range = await mutate(
        gql, CREATE_INVITE, {"circleId": circle_id, "maxUses": 0, "validForHours": 721}, "alice"
    )
    # then
    assert by_moderator["userErrors"] == []
    assert by_moderator["invite"]["code"]
    assert error_codes(by_member) == ["FORBIDDEN"]
    assert sorted(codes(out_of_range)) == [
        ("INVALID", ["input", "maxUses"]),
        ("INVALID", ["input", "validForHours"]),
    ]
    assert out_of_range["invite"] is None


async def test_wrong_used_up_and_expired_invite_codes_are_refused(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    # given a single-use code and a one-hour code
    for uid in ("alice", "bob", "carol", "dave", "erin"):
        await gql.onboard(uid)
    circle_id = await create_circle(gql, "alice", visibility="PRIVATE")
    single = await invite(gql, "alice", circle_id, maxUses=1)
    hourly = await invite(gql, "alice", circle_id, validForHours=1)
    other_circle = await create_circle(gql, "alice", name="Other Room", visibility="PRIVATE")
    elsewhere = await invite(gql, "alice", other_circle)
    assert (await join(gql, "bob", circle_id, single))["membership"]["status"] == "ACTIVE"
    # when
    wrong = await join(gql, "carol", circle_id, "not-a-code")
    used_up = await join(gql, "carol", circle_id, single)
    other_circles_code = await join(gql, "carol", circle_id, elsewhere)
    clock.set(clock.now() + timedelta(hours=1, minutes=1))
    expired = await join(gql, "dave", circle_id, hourly)
    # then
    for refused in (wrong, used_up, other_circles_code, expired):
        assert codes(refused) == [("INVITE_INVALID", ["input", "inviteCode"])]
        assert refused["membership"] is None
    assert await _count(gql, "alice", circle_id) == 2
    assert await _requests(gql, "alice", circle_id) == []


async def test_moderators_approve_and_decline_join_requests(gql: GraphQLClient) -> None:
    # given two requests
    await gql.onboard("alice")
    bob = await gql.onboard("bob", "Brave Owl")
    carol = await gql.onboard("carol", "Calm Heron")
    circle_id = await create_circle(gql, "alice", visibility="PRIVATE")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    assert await _requests(gql, "alice", circle_id) == ["Brave Owl", "Calm Heron"]
    # when
    approved = await mutate(gql, APPROVE, {"circleId": circle_id, "memberId": bob}, "alice")
    declined = await mutate(gql, DECLINE, {"circleId": circle_id, "memberId": carol}, "alice")
    approve_again = await mutate(gql, APPROVE, {"circleId": circle_id, "memberId": bob}, "alice")
    # then
    assert approved["membership"]["status"] == "ACTIVE"
    assert approved["membership"]["member"]["id"] == bob
    assert declined == {"membership": None, "userErrors": []}
    assert codes(approve_again) == [("CONFLICT", ["input", "memberId"])]
    assert await _requests(gql, "alice", circle_id) == []
    assert await _member_names(gql, "bob", circle_id) == ["Member alice", "Brave Owl"]
    assert (await gql.data(CIRCLE, {"id": circle_id}, as_="carol"))["node"] is None
    assert (await join(gql, "carol", circle_id))["membership"]["status"] == "PENDING"


async def test_only_moderators_see_and_answer_join_requests(gql: GraphQLClient) -> None:
    # given bob is a member, dave asks to join
    await gql.onboard("alice")
    await gql.onboard("bob")
    dave = await gql.onboard("dave")
    circle_id = await create_circle(gql, "alice", visibility="PRIVATE")
    await join(gql, "bob", circle_id, await invite(gql, "alice", circle_id))
    await join(gql, "dave", circle_id)
    # when
    listed = await gql(JOIN_REQUESTS, {"id": circle_id}, as_="bob")
    approved = await gql(APPROVE, {"input": {"circleId": circle_id, "memberId": dave}}, as_="bob")
    declined = await gql(DECLINE, {"input": {"circleId": circle_id, "memberId": dave}}, as_="bob")
    # then
    assert error_codes(listed) == ["FORBIDDEN"]
    assert error_codes(approved) == ["FORBIDDEN"]
    assert error_codes(declined) == ["FORBIDDEN"]
    assert await _requests(gql, "alice", circle_id) == ["Member dave"]


async def test_a_full_circle_refuses_joins_invites_and_approvals(gql: GraphQLClient) -> None:
    # given a circle of capacity 2, a pending request and a code
    for uid in ("alice", "bob", "carol", "dave"):
        await gql.onboard(uid)
    erin = await gql.onboard("erin")
    public = await create_circle(gql, "alice", capacity=2)
    private = await create_circle(gql, "alice", name="Small Room", visibility="PRIVATE", capacity=2)
    await join(gql, "erin", private)
    code = await invite(gql, "alice", private)
    await join(gql, "bob", public)
    await join(gql, "bob", private, code)
    # when
    full_public = await join(gql, "carol", public)
    full_with_code = await join(gql, "dave", private, code)
    full_approval = await mutate(gql, APPROVE, {"circleId": private, "memberId": erin}, "alice")
    # then
    assert codes(full_public) == [("CIRCLE_FULL", ["input", "circleId"])]
    assert codes(full_with_code) == [("CIRCLE_FULL", ["input", "circleId"])]
    assert codes(full_approval) == [("CIRCLE_FULL", ["input", "circleId"])]
    assert await _count(gql, "alice", public) == 2
    assert await _count(gql, "alice", private) == 2
    assert await _requests(gql, "alice", private) == ["Member erin"]


async def test_a_banned_member_cannot_rejoin_even_with_an_invite(gql: GraphQLClient) -> None:
    # given bob is banned from a public and a private circle
    await gql.onboard("alice")
    bob = await gql.onboard("bob")
    public = await create_circle(gql, "alice")
    private = await create_circle(gql, "alice", name="Quiet Room", visibility="PRIVATE")
    await join(gql, "bob", public)
    await join(gql, "bob", private, await invite(gql, "alice", private))
    banned = await mutate(gql, BAN, {"circleId": public, "memberId": bob}, "alice")
    await ban(gql, "alice", private, bob)
    # when
    rejoin_public = await join(gql, "bob", public)
    rejoin_with_code = await join(gql, "bob", private, await invite(gql, "alice", private))
    ask_again = await join(gql, "bob", private)
    # then
    assert banned["membership"]["status"] == "BANNED"
    for refused in (rejoin_public, rejoin_with_code, ask_again):
        assert codes(refused) == [("BANNED", ["input", "circleId"])]
    assert await _count(gql, "alice", public) == 1
    assert await _member_names(gql, "alice", private) == ["Member alice"]
    seen = (await gql.data(CIRCLE, {"id": public}, as_="bob"))["node"]
    assert seen["viewerMembership"]["status"] == "BANNED"


async def test_moderators_ban_members_only_the_owner_bans_moderators_nobody_bans_the_owner(
    gql: GraphQLClient,
) -> None:
    # given
    alice = await gql.onboard("alice")
    bob = await gql.onboard("bob")
    carol = await gql.onboard("carol")
    dave = await gql.onboard("dave")
    circle_id = await create_circle(gql, "alice")
    for uid in ("bob", "carol", "dave"):
        await join(gql, uid, circle_id)
    await set_role(gql, "alice", circle_id, carol, "MODERATOR")
    await set_role(gql, "alice", circle_id, dave, "MODERATOR")
    # when
    member_by_moderator = await mutate(gql, BAN, {"circleId": circle_id, "memberId": bob}, "carol")
    moderator_by_moderator = await gql(
        BAN, {"input": {"circleId": circle_id, "memberId": dave}}, as_="carol"
    )
    owner_by_moderator = await gql(
        BAN, {"input": {"circleId": circle_id, "memberId": alice}}, as_="carol"
    )
    moderator_by_owner = await mutate(gql, BAN, {"circleId": circle_id, "memberId": dave}, "alice")
    # then
    assert member_by_moderator["membership"]["status"] == "BANNED"
    assert error_codes(moderator_by_moderator) == ["FORBIDDEN"]
    assert error_codes(owner_by_moderator) == ["FORBIDDEN"]
    assert moderator_by_owner["membership"] == {
        **moderator_by_owner["membership"],
        "status": "BANNED",
        "role": "MEMBER",
    }
    assert await _member_names(gql, "alice", circle_id) == ["Member alice", "Member carol"]


async def test_members_leave_and_the_count_drops(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    await gql.onboard("bob")
    await gql.onboard("carol")
    circle_id = await create_circle(gql, "alice")
    private = await create_circle(gql, "alice", name="Quiet Room", visibility="PRIVATE")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", private)
    # when
    left = await mutate(gql, LEAVE, {"circleId": circle_id}, "bob")
    withdrawn = await mutate(gql, LEAVE, {"circleId": private}, "carol")
    again = await mutate(gql, LEAVE, {"circleId": circle_id}, "bob")
    # then
    assert left == {"circleId": circle_id, "userErrors": []}
    assert withdrawn == {"circleId": private, "userErrors": []}
    assert codes(again) == [("NOT_FOUND", ["input", "circleId"])]
    assert await _count(gql, "alice", circle_id) == 1
    assert await _requests(gql, "alice", private) == []
    assert error_codes(await gql(MEMBERS, {"id": circle_id}, as_="bob")) == ["FORBIDDEN"]


async def test_the_owner_hands_ownership_on_before_leaving(gql: GraphQLClient) -> None:
    # given
    await gql.onboard("alice")
    bob = await gql.onboard("bob")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    # when
    too_soon = await mutate(gql, LEAVE, {"circleId": circle_id}, "alice")
    handed = await mutate(
        gql, SET_ROLE, {"circleId": circle_id, "memberId": bob, "role": "OWNER"}, "alice"
    )
    after_handing = (await gql.data(CIRCLE, {"id": circle_id}, as_="alice"))["node"]
    left = await mutate(gql, LEAVE, {"circleId": circle_id}, "alice")
    # then
    assert codes(too_soon) == [("OWNER_MUST_TRANSFER", ["input", "circleId"])]
    assert handed["membership"]["role"] == "OWNER"
    assert after_handing["viewerMembership"] == {"role": "MODERATOR", "status": "ACTIVE"}
    assert left["userErrors"] == []
    seen = (await gql.data(CIRCLE, {"id": circle_id}, as_="bob"))["node"]
    assert seen["viewerMembership"]["role"] == "OWNER"
    assert seen["memberCount"] == 1


async def test_only_the_owner_sets_roles(gql: GraphQLClient) -> None:
    # given carol moderates
    await gql.onboard("alice")
    bob = await gql.onboard("bob")
    carol = await gql.onboard("carol")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    await set_role(gql, "alice", circle_id, carol, "MODERATOR")
    # when
    by_moderator = await gql(
        SET_ROLE,
        {"input": {"circleId": circle_id, "memberId": bob, "role": "MODERATOR"}},
        as_="carol",
    )
    by_member = await gql(
        SET_ROLE, {"input": {"circleId": circle_id, "memberId": bob, "role": "OWNER"}}, as_="bob"
    )
    # then
    assert error_codes(by_moderator) == ["FORBIDDEN"]
    assert error_codes(by_member) == ["FORBIDDEN"]
    roles = await gql.data(MEMBERS, {"id": circle_id}, as_="alice")
    assert [e["node"]["role"] for e in roles["node"]["members"]["edges"]] == [
        "OWNER",
        "MEMBER",
        "MODERATOR",
    ]


async def test_the_member_list_is_for_active_members_only(gql: GraphQLClient) -> None:
    # given a public circle with a member, a banned member and an outsider
    await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    carol = await gql.onboard("carol")
    await gql.onboard("dave")
    circle_id = await create_circle(gql, "alice")
    await join(gql, "bob", circle_id)
    await join(gql, "carol", circle_id)
    await ban(gql, "alice", circle_id, carol)
    # when
    by_member = await _member_names(gql, "bob", circle_id)
    by_banned = await gql(MEMBERS, {"id": circle_id}, as_="carol")
    by_outsider = await gql(MEMBERS, {"id": circle_id}, as_="dave")
    first_page = await gql.data(MEMBERS, {"id": circle_id, "first": 1}, as_="bob")
    connection = first_page["node"]["members"]
    second_page = await gql.data(
        MEMBERS,
        {"id": circle_id, "first": 1, "after": connection["pageInfo"]["endCursor"]},
        as_="bob",
    )
    # then
    assert by_member == ["Quiet Fox", "Brave Owl"]
    assert error_codes(by_banned) == ["FORBIDDEN"]
    assert error_codes(by_outsider) == ["FORBIDDEN"]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert second_page["node"]["members"]["edges"][0]["node"]["member"]["displayName"] == (
        "Brave Owl"
    )
    assert second_page["node"]["members"]["pageInfo"]["hasNextPage"] is False
