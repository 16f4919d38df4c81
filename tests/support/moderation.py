"""Operations for the blocking, reporting and moderation API tests."""

from __future__ import annotations

from typing import Any

from tests.support.circles import USER_ERRORS, mutate
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
