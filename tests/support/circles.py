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
