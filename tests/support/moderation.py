"""Operations for the blocking, reporting and moderation API tests."""

from __future__ import annotations

from typing import Any

from tests.support.circles import USER_ERRORS, create_circle, join, mutate, set_role
from tests.support.graphql import GraphQLClient

BLOCK = f"""
mutation($input: BlockMemberInput!) {{ blockMember(input: $input) {{ memberId {USER_ERRORS} }} }}
"""
UNBLOCK = f"""
mutation($input: BlockMemberInput!) {{ unblockMember(input: $input) {{ memberId {USER_ERRORS} }} }}
"""
BLOCKED = """
query { me { blockedMembers { edges { node { id displayName } } } } }
"""
MUTE_TOPICS = f"""
mutation($input: MuteTopicsInput!) {{ muteTopics(input: $input) {{ mutedTopics {USER_ERRORS} }} }}
"""
INBOX = "query { me { notifications { nodes { kind title body postId count } } } }"


async def block(gql: GraphQLClient, uid: str, member_id: str) -> None:
    payload = await mutate(gql, BLOCK, {"memberId": member_id}, uid)
    assert payload["userErrors"] == [], payload["userErrors"]


async def inbox(gql: GraphQLClient, uid: str) -> list[dict[str, Any]]:
    data = await gql.data(INBOX, as_=uid)
    nodes: list[dict[str, Any]] = data["me"]["notifications"]["nodes"]
    return nodes


REPORT = f"""
mutation($input: ReportInput!) {{
  report(input: $input) {{ report {{ id reason status }} supportGuide {USER_ERRORS} }}
}}
"""
ENTRY = "entry { action actor { displayName } targetType targetId targetMember { displayName } reason message }"
HIDE = f"""
mutation($input: HideContentInput!) {{ hideContent(input: $input) {{ {ENTRY} {USER_ERRORS} }} }}
"""
RESTORE = f"""
mutation($input: RestoreContentInput!) {{ restoreContent(input: $input) {{ {ENTRY} {USER_ERRORS} }} }}
"""
REMOVE_MEMBER = f"""
mutation($input: MemberActionInput!) {{ removeMember(input: $input) {{ {ENTRY} {USER_ERRORS} }} }}
"""
UNBAN = f"""
mutation($input: MemberActionInput!) {{ unbanMember(input: $input) {{ {ENTRY} {USER_ERRORS} }} }}
"""
MUTE = f"""
mutation($input: MuteMemberInput!) {{ muteMember(input: $input) {{ {ENTRY} {USER_ERRORS} }} }}
"""
RESOLVE = f"""
mutation($input: ResolveReportInput!) {{ resolveReport(input: $input) {{ {ENTRY} {USER_ERRORS} }} }}
"""
QUEUE = """
query($id: ID!, $status: ModerationStatus, $first: Int, $after: String) {
  node(id: $id) { ... on Circle { moderationQueue(status: $status, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      reportId targetId targetType excerpt author { displayName } isHidden
      reasons { reason count } reportCount notes riskLevel
      firstReportedAt lastReportedAt status
    } }
  } } }
}
"""
LOG = """
query($id: ID!) { node(id: $id) { ... on Circle { moderationLog { edges { node {
  action actor { displayName } targetType targetId targetMember { displayName } reason message
} } } } } }
"""


async def report(gql: GraphQLClient, uid: str, target_id: str, reason: str, **extra: Any) -> Any:
    return await mutate(gql, REPORT, {"targetId": target_id, "reason": reason, **extra}, uid)


async def queue(gql: GraphQLClient, uid: str, circle_id: str, **variables: Any) -> Any:
    data = await gql.data(QUEUE, {"id": circle_id, **variables}, as_=uid)
    return data["node"]["moderationQueue"]


async def moderated_circle(gql: GraphQLClient) -> tuple[str, dict[str, str]]:
    """ann owns a public circle, mod moderates it, bea and cal are members; out is in no
    circle. Returns the circle's id and everyone's member id."""
    ids = {u: await gql.onboard(u, f"Name {u}") for u in ("ann", "mod", "bea", "cal", "out")}
    circle_id = await create_circle(gql, "ann")
    for uid in ("mod", "bea", "cal"):
        await join(gql, uid, circle_id)
    await set_role(gql, "ann", circle_id, ids["mod"], "MODERATOR")
    return circle_id, ids
