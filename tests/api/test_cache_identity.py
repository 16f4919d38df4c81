"""Cache identity from the outside: the entities apps cache have stable ids that lists,
payloads and `node(id:)` agree on, and `node` hides each from whoever may not see it
(another member, a non-member, a member who blocked or was blocked, signed out)."""

from __future__ import annotations

from typing import Any

from tests.api.checkins.conftest import check_in
from tests.support.circles import create_circle, join
from tests.support.graphql import GraphQLClient, error_codes

UE = "userErrors { code field message }"
MEMBERS = """
query Members($id: ID!) { node(id: $id) { id ... on Circle {
  viewerMembership { id role status }
  members(first: 50) { edges { node { id circleId role status member { id } } } }
} } }
"""
REQUESTS = """
query Requests($id: ID!) { node(id: $id) { id ... on Circle {
  joinRequests(first: 50) { edges { node { id status member { id } } } }
} } }
"""
SHARED = """
query Shared($id: ID!) { node(id: $id) { id ... on Circle {
  sharedCheckIns(first: 50) { edges { node { id circleId mood sharer { id } } } }
} } }
"""
NODE = """
query Node($id: ID!) { node(id: $id) {
  id
  ... on CircleMember { role status member { id } }
  ... on ViewerMembership { role status }
  ... on SharedCheckIn { mood sharer { id } }
  ... on Device { platform }
} }
"""
APPROVE = f"""
mutation Approve($input: CircleMemberInput!) {{ approveJoinRequest(input: $input) {{
  membership {{ id role status }} circle {{ id memberCount viewerMembership {{ id role }} }} {UE}
}} }}
"""
DECLINE = f"""
mutation Decline($input: CircleMemberInput!) {{ declineJoinRequest(input: $input) {{
  membership {{ id }} removedMembershipId circle {{ id }} {UE}
}} }}
"""
SET_ROLE = f"""
mutation Role($input: SetMemberRoleInput!) {{ setMemberRole(input: $input) {{
  membership {{ id role }} circle {{ id viewerMembership {{ id role }} }} {UE}
}} }}
"""
LEAVE = f"""
mutation Leave($input: CircleInput!) {{ leaveCircle(input: $input) {{
  circleId removedMembershipId circle {{ id memberCount viewerMembership {{ id }} }} {UE}
}} }}
"""
INVITE = f"""
mutation Invite($input: CreateInviteInput!) {{ createInvite(input: $input) {{
  invite {{ id code }} {UE}
}} }}
"""
REGISTER = f"""
mutation Register($input: RegisterDeviceInput!) {{ registerDevice(input: $input) {{
  device {{ id platform }} {UE}
}} }}
"""
UNREGISTER = f"""
mutation Unregister($input: UnregisterDeviceInput!) {{ unregisterDevice(input: $input) {{
  removed deletedDeviceId {UE}
}} }}
"""
BLOCK = f"""
mutation Block($input: BlockMemberInput!) {{ blockMember(input: $input) {{ memberId {UE} }} }}
"""


async def _node(gql: GraphQLClient, node_id: str, viewer: str) -> Any:
    return (await gql.data(NODE, {"id": node_id}, as_=viewer))["node"]


async def _signed_out_refused(gql: GraphQLClient, node_id: str) -> None:
    result = await gql(NODE, {"id": node_id})
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["data"] is None or result["data"].get("node") is None


def _edges(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    return [e["node"] for e in data["node"][field]["edges"]]


async def test_memberships_have_ids_that_lists_payloads_and_node_share(
    gql: GraphQLClient,
) -> None:
    carol = await gql.onboard("carol", "Kind Heron")
    alice = await gql.onboard("alice", "Quiet Fox")
    bob = await gql.onboard("bob", "Brave Owl")
    await gql.onboard("dave", "Lone Wolf")
    erin = await gql.onboard("erin", "Shy Wren")
    circle = await create_circle(gql, "carol", visibility="PRIVATE")
    code = (await gql.data(INVITE, {"input": {"circleId": circle}}, as_="carol"))["createInvite"]
    assert code["userErrors"] == []
    assert code["invite"]["id"]
    await join(gql, "alice", circle, code["invite"]["code"])
    await join(gql, "bob", circle, code["invite"]["code"])

    listed = await gql.data(MEMBERS, {"id": circle}, as_="alice")
    by_member = {m["member"]["id"]: m for m in _edges(listed, "members")}
    assert set(by_member) == {carol, alice, bob}
    assert len({m["id"] for m in by_member.values()}) == 3
    assert all(m["circleId"] == circle for m in by_member.values())
    # the same ids for every member who lists them
    again = await gql.data(MEMBERS, {"id": circle}, as_="bob")
    assert {m["id"] for m in _edges(again, "members")} == {m["id"] for m in by_member.values()}

    bobs = by_member[bob]["id"]
    # members of the circle resolve it; a non-member does not; signed out is refused
    assert (await _node(gql, bobs, "alice"))["member"]["id"] == bob
    assert (await _node(gql, bobs, "carol"))["role"] == "MEMBER"
    assert await _node(gql, bobs, "dave") is None
    await _signed_out_refused(gql, bobs)

    # the viewer's own membership: a Node only for the viewer
    alices_own = listed["node"]["viewerMembership"]
    assert alices_own["role"] == "MEMBER"
    assert alices_own["id"]
    assert (await _node(gql, alices_own["id"], "alice"))["role"] == "MEMBER"
    for other in ("bob", "carol", "dave"):
        assert await _node(gql, alices_own["id"], other) is None
    await _signed_out_refused(gql, alices_own["id"])

    # a join request: the owner lists it with an id; only she and the asker resolve it
    await join(gql, "erin", circle)
    requests = _edges(await gql.data(REQUESTS, {"id": circle}, as_="carol"), "joinRequests")
    assert [r["member"]["id"] for r in requests] == [erin]
    erins = requests[0]["id"]
    assert (await _node(gql, erins, "carol"))["status"] == "PENDING"
    assert (await _node(gql, erins, "erin"))["status"] == "PENDING"
    assert await _node(gql, erins, "alice") is None  # an ordinary member
    assert await _node(gql, erins, "dave") is None

    # approving returns the same id, now ACTIVE, and the circle with its new count
    approved = (
        await gql.data(APPROVE, {"input": {"circleId": circle, "memberId": erin}}, as_="carol")
    )["approveJoinRequest"]
    assert approved["userErrors"] == []
    assert approved["membership"] == {"id": erins, "role": "MEMBER", "status": "ACTIVE"}
    assert approved["circle"]["memberCount"] == 4
    assert approved["circle"]["viewerMembership"]["role"] == "OWNER"
    assert (await _node(gql, erins, "alice"))["status"] == "ACTIVE"

    # handing ownership on changes the viewer's own membership too: the payload has both
    handed = (
        await gql.data(
            SET_ROLE,
            {"input": {"circleId": circle, "memberId": alice, "role": "OWNER"}},
            as_="carol",
        )
    )["setMemberRole"]
    assert handed["userErrors"] == []
    assert handed["membership"] == {"id": by_member[alice]["id"], "role": "OWNER"}
    assert handed["circle"]["viewerMembership"]["role"] != "OWNER"

    # a declined request names the id to evict
    await gql.onboard("finn", "Late Finch")
    await join(gql, "finn", circle)
    finns = _edges(await gql.data(REQUESTS, {"id": circle}, as_="alice"), "joinRequests")[0]["id"]
    declined = (
        await gql.data(
            DECLINE,
            {"input": {"circleId": circle, "memberId": await _id(gql, "finn")}},
            as_="alice",
        )
    )["declineJoinRequest"]
    assert declined["userErrors"] == []
    assert declined["membership"] is None
    assert declined["removedMembershipId"] == finns
    assert await _node(gql, finns, "alice") is None

    # leaving names the membership to evict; the private circle is no longer visible
    left = (await gql.data(LEAVE, {"input": {"circleId": circle}}, as_="bob"))["leaveCircle"]
    assert left["userErrors"] == []
    assert left["removedMembershipId"] == bobs
    assert left["circle"] is None
    assert await _node(gql, bobs, "alice") is None

    # blocking hides the blocked member's membership from the blocker
    alices = by_member[alice]["id"]
    assert await _node(gql, alices, "erin") is not None
    blocked = (await gql.data(BLOCK, {"input": {"memberId": alice}}, as_="erin"))["blockMember"]
    assert blocked["userErrors"] == []
    assert await _node(gql, alices, "erin") is None


async def _id(gql: GraphQLClient, uid: str) -> str:
    data = await gql.data("query Me { me { id } }", as_=uid)
    member_id: str = data["me"]["id"]
    return member_id


async def test_shared_check_ins_have_ids_that_only_the_circle_resolves(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("carol", "Kind Heron")
    alice = await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    await gql.onboard("dave", "Lone Wolf")
    circle = await create_circle(gql, "carol")
    other = await create_circle(gql, "dave", name="Other Room")
    await join(gql, "alice", circle)
    await join(gql, "bob", circle)
    await join(gql, "alice", other)
    await check_in(gql, "alice", mood=2, emotions=["LONELY"], shareWithCircleIds=[circle, other])

    shared = _edges(await gql.data(SHARED, {"id": circle}, as_="bob"), "sharedCheckIns")
    elsewhere = _edges(await gql.data(SHARED, {"id": other}, as_="dave"), "sharedCheckIns")
    assert len(shared) == 1
    assert len(elsewhere) == 1
    share = shared[0]
    assert share["circleId"] == circle
    assert share["sharer"]["id"] == alice
    # one check-in shared with two circles: two entities, two ids
    assert share["id"] != elsewhere[0]["id"]

    assert (await _node(gql, share["id"], "bob"))["mood"] == 2
    assert (await _node(gql, share["id"], "carol"))["sharer"]["id"] == alice
    assert await _node(gql, share["id"], "dave") is None  # a member of the other circle only
    await _signed_out_refused(gql, share["id"])

    # a block either way hides it
    blocked = (await gql.data(BLOCK, {"input": {"memberId": alice}}, as_="bob"))["blockMember"]
    assert blocked["userErrors"] == []
    assert await _node(gql, share["id"], "bob") is None

    # once the sharer leaves, no one resolves it
    left = (await gql.data(LEAVE, {"input": {"circleId": circle}}, as_="alice"))["leaveCircle"]
    assert left["userErrors"] == []
    assert left["circle"]["viewerMembership"] is None
    assert await _node(gql, share["id"], "carol") is None


async def test_devices_have_ids_only_their_owner_resolves(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    fid = "fid-cache-identity-0001"
    device_input = {"token": fid, "platform": "ANDROID", "appVersion": "1.0.0", "locale": "en-GB"}
    made = (await gql.data(REGISTER, {"input": device_input}, as_="alice"))["registerDevice"]
    assert made["userErrors"] == []
    device_id = made["device"]["id"]
    assert fid not in device_id  # the id does not carry the FID
    again = (await gql.data(REGISTER, {"input": device_input}, as_="alice"))["registerDevice"]
    assert again["device"]["id"] == device_id  # stable across registrations

    assert (await _node(gql, device_id, "alice"))["platform"] == "ANDROID"
    assert await _node(gql, device_id, "bob") is None
    await _signed_out_refused(gql, device_id)

    gone = (await gql.data(UNREGISTER, {"input": {"token": fid}}, as_="alice"))["unregisterDevice"]
    assert gone == {"removed": True, "deletedDeviceId": device_id, "userErrors": []}
    assert await _node(gql, device_id, "alice") is None
    nothing = (await gql.data(UNREGISTER, {"input": {"token": fid}}, as_="alice"))[
        "unregisterDevice"
    ]
    assert nothing["removed"] is False
    assert nothing["deletedDeviceId"] is None
