"""Helpers for API tests of circles and posts."""

from __future__ import annotations

from typing import Any

from tests.support.graphql import GraphQLClient

CREATE_CIRCLE = """
mutation($input: CreateCircleInput!) {
  createCircle(input: $input) {
    circle { id name visibility capacity memberCount viewerMembership { role status } }
    userErrors { code field message }
  }
}
"""
JOIN = """
mutation($input: JoinCircleInput!) {
  joinCircle(input: $input) {
    circle { id memberCount }
    membership { role status }
    userErrors { code field message }
  }
}
"""
CREATE_POST = """
mutation($input: CreatePostInput!) {
  createPost(input: $input) {
    post { id body isAnonymous isMine author { id displayName } }
    userErrors { code field message }
  }
}
"""
REPLY = """
mutation($input: ReplyToPostInput!) {
  replyToPost(input: $input) {
    reply { id body isAnonymous isMine author { id displayName } }
    userErrors { code field message }
  }
}
"""
REACT = """
mutation($input: ReactionInput!) {
  react(input: $input) {
    target { id ... on Post { reactionCounts { kind count } viewerReactions } }
    userErrors { code field message }
  }
}
"""
FEED = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on Circle {
      posts(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id body createdAt isAnonymous isMine isRemoved
          contentWarning { topics note }
          author { id displayName }
          replyCount
          reactionCounts { kind count }
          viewerReactions
          latestReplies(first: 3) { id body createdAt isMine author { id displayName } }
        } }
      }
    }
  }
}
"""


async def create_circle(gql: GraphQLClient, owner: str, **overrides: Any) -> str:
    values: dict[str, Any] = {
        "name": "Evening Calm",
        "description": "For anxious evenings.",
        "topics": ["ANXIETY"],
        "visibility": "PUBLIC",
    }
    values.update(overrides)
    data = await gql.data(CREATE_CIRCLE, {"input": values}, as_=owner)
    payload = data["createCircle"]
    assert payload["userErrors"] == [], payload["userErrors"]
    circle_id: str = payload["circle"]["id"]
    return circle_id


async def join(
    gql: GraphQLClient, uid: str, circle_id: str, code: str | None = None
) -> dict[str, Any]:
    data = await gql.data(JOIN, {"input": {"circleId": circle_id, "inviteCode": code}}, as_=uid)
    result: dict[str, Any] = data["joinCircle"]
    return result


async def post(
    gql: GraphQLClient, uid: str, circle_id: str, body: str, **extra: Any
) -> dict[str, Any]:
    data = await gql.data(
        CREATE_POST, {"input": {"circleId": circle_id, "body": body, **extra}}, as_=uid
    )
    payload = data["createPost"]
    assert payload["userErrors"] == [], payload["userErrors"]
    result: dict[str, Any] = payload["post"]
    return result


async def reply(
    gql: GraphQLClient, uid: str, post_id: str, body: str, **extra: Any
) -> dict[str, Any]:
    data = await gql.data(REPLY, {"input": {"postId": post_id, "body": body, **extra}}, as_=uid)
    payload = data["replyToPost"]
    assert payload["userErrors"] == [], payload["userErrors"]
    result: dict[str, Any] = payload["reply"]
    return result


# --- more operations for the circle, membership, post and reaction tests ---

USER_ERRORS = "userErrors { code field message }"
CIRCLE_FIELDS = "id name description topics visibility capacity guidelines memberCount viewerMembership { role status }"
POST_FIELDS = """id body createdAt editedAt isRemoved isAnonymous isMine
  contentWarning { topics note } author { id displayName } replyCount
  reactionCounts { kind count } viewerReactions"""
REPLY_FIELDS = """id body createdAt editedAt isRemoved isAnonymous isMine
  author { id displayName } reactionCounts { kind count } viewerReactions"""
MEMBER_FIELDS = "member { id displayName } role status since"

UPDATE_CIRCLE = f"""
mutation($input: UpdateCircleInput!) {{
  updateCircle(input: $input) {{ circle {{ {CIRCLE_FIELDS} }} {USER_ERRORS} }}
}}
"""
CREATE_INVITE = f"""
mutation($input: CreateInviteInput!) {{
  createInvite(input: $input) {{ invite {{ code expiresAt maxUses }} {USER_ERRORS} }}
}}
"""
APPROVE = f"""
mutation($input: CircleMemberInput!) {{
  approveJoinRequest(input: $input) {{ membership {{ {MEMBER_FIELDS} }} {USER_ERRORS} }}
}}
"""
DECLINE = f"""
mutation($input: CircleMemberInput!) {{
  declineJoinRequest(input: $input) {{ membership {{ {MEMBER_FIELDS} }} {USER_ERRORS} }}
}}
"""
BAN = f"""
mutation($input: CircleMemberInput!) {{
  banMember(input: $input) {{ membership {{ {MEMBER_FIELDS} }} {USER_ERRORS} }}
}}
"""
SET_ROLE = f"""
mutation($input: SetMemberRoleInput!) {{
  setMemberRole(input: $input) {{ membership {{ {MEMBER_FIELDS} }} {USER_ERRORS} }}
}}
"""
LEAVE = f"""
mutation($input: CircleInput!) {{
  leaveCircle(input: $input) {{ circleId {USER_ERRORS} }}
}}
"""
EDIT_POST = f"""
mutation($input: EditPostInput!) {{
  editPost(input: $input) {{ post {{ {POST_FIELDS} }} {USER_ERRORS} }}
}}
"""
DELETE_POST = f"""
mutation($input: PostInput!) {{
  deletePost(input: $input) {{ post {{ {POST_FIELDS} }} {USER_ERRORS} }}
}}
"""
EDIT_REPLY = f"""
mutation($input: EditReplyInput!) {{
  editReply(input: $input) {{ reply {{ {REPLY_FIELDS} }} {USER_ERRORS} }}
}}
"""
DELETE_REPLY = f"""
mutation($input: ReplyInput!) {{
  deleteReply(input: $input) {{ reply {{ {REPLY_FIELDS} }} {USER_ERRORS} }}
}}
"""
REACT_ANY = f"""
mutation($input: ReactionInput!) {{
  react(input: $input) {{
    target {{ id ... on Post {{ reactionCounts {{ kind count }} viewerReactions }}
                 ... on Reply {{ reactionCounts {{ kind count }} viewerReactions }} }}
    {USER_ERRORS}
  }}
}}
"""
UNREACT = f"""
mutation($input: ReactionInput!) {{
  unreact(input: $input) {{
    target {{ id ... on Post {{ reactionCounts {{ kind count }} viewerReactions }}
                 ... on Reply {{ reactionCounts {{ kind count }} viewerReactions }} }}
    {USER_ERRORS}
  }}
}}
"""
CIRCLES = f"""
query($topic: Topic, $search: String, $first: Int, $after: String) {{
  circles(topic: $topic, search: $search, first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ {CIRCLE_FIELDS} }} }}
  }}
}}
"""
MY_CIRCLES = f"""
query($first: Int, $after: String) {{
  myCircles(first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ cursor node {{ {CIRCLE_FIELDS} }} }}
  }}
}}
"""
CIRCLE = f"""
query($id: ID!) {{ node(id: $id) {{ ... on Circle {{ {CIRCLE_FIELDS} }} }} }}
"""
MEMBERS = f"""
query($id: ID!, $first: Int, $after: String) {{
  node(id: $id) {{ ... on Circle {{
    members(first: $first, after: $after) {{
      pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {MEMBER_FIELDS} }} }}
    }}
  }} }}
}}
"""
JOIN_REQUESTS = f"""
query($id: ID!) {{
  node(id: $id) {{ ... on Circle {{
    joinRequests {{ edges {{ cursor node {{ {MEMBER_FIELDS} }} }} }}
  }} }}
}}
"""
POSTS = f"""
query($id: ID!, $first: Int, $after: String) {{
  node(id: $id) {{ ... on Circle {{
    posts(first: $first, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{ {POST_FIELDS} latestReplies(first: 3) {{ {REPLY_FIELDS} }} }} }}
    }}
  }} }}
}}
"""
POST = f"""
query($id: ID!) {{ node(id: $id) {{ ... on Post {{ {POST_FIELDS} }} }} }}
"""
REPLY_NODE = f"""
query($id: ID!) {{ node(id: $id) {{ ... on Reply {{ {REPLY_FIELDS} }} }} }}
"""
REPLIES = f"""
query($id: ID!, $first: Int, $after: String) {{
  node(id: $id) {{ ... on Post {{
    replies(first: $first, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{ {REPLY_FIELDS} }} }}
    }}
  }} }}
}}
"""
MEMBER_NODE = """
query($id: ID!) { node(id: $id) { ... on Member { id displayName timezone region } } }
"""


async def mutate(
    gql: GraphQLClient, document: str, input: dict[str, Any], as_: str
) -> dict[str, Any]:
    """The payload of a one-mutation document; fails the test on top-level errors."""
    data = await gql.data(document, {"input": input}, as_=as_)
    payload: dict[str, Any] = next(iter(data.values()))
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    """(code, field) of each user error of a payload."""
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def invite(gql: GraphQLClient, uid: str, circle_id: str, **extra: Any) -> str:
    payload = await mutate(gql, CREATE_INVITE, {"circleId": circle_id, **extra}, uid)
    assert payload["userErrors"] == [], payload["userErrors"]
    code: str = payload["invite"]["code"]
    return code


async def set_role(
    gql: GraphQLClient, owner: str, circle_id: str, member_id: str, role: str
) -> None:
    payload = await mutate(
        gql, SET_ROLE, {"circleId": circle_id, "memberId": member_id, "role": role}, owner
    )
    assert payload["userErrors"] == [], payload["userErrors"]


async def ban(gql: GraphQLClient, moderator: str, circle_id: str, member_id: str) -> None:
    payload = await mutate(gql, BAN, {"circleId": circle_id, "memberId": member_id}, moderator)
    assert payload["userErrors"] == [], payload["userErrors"]


async def react(gql: GraphQLClient, uid: str, target_id: str, kind: str) -> dict[str, Any]:
    payload = await mutate(gql, REACT_ANY, {"targetId": target_id, "kind": kind}, uid)
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def feed_of(gql: GraphQLClient, uid: str, circle_id: str, **variables: Any) -> dict[str, Any]:
    """A circle's ``posts`` connection as ``uid`` sees it."""
    data = await gql.data(POSTS, {"id": circle_id, **variables}, as_=uid)
    assert data["node"] is not None, "the circle is not visible"
    posts: dict[str, Any] = data["node"]["posts"]
    return posts
