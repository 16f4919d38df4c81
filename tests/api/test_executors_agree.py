"""The fast execution path (``HEARTH_EXECUTOR=fast``, the default) answers exactly what
graphql-core's own executor answers, on the real schema and the real data: the app's read
operations (the ones tests/support and the sample manifest use), as the author, another
member, a moderator, a non-member, a banned member and a signed-out client, over anonymous,
removed and blocked content, with good and bad variables. Data and errors must be equal.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx

from api.node import to_global_id
from tests.support import circles as c
from tests.support.graphql import GraphQLClient
from tests.support.moderation import BLOCK

READS = {
    "FEED": c.FEED,
    "POSTS": c.POSTS,
    "POST": c.POST,
    "REPLY_NODE": c.REPLY_NODE,
    "REPLIES": c.REPLIES,
    "CIRCLE": c.CIRCLE,
    "CIRCLES": c.CIRCLES,
    "MY_CIRCLES": c.MY_CIRCLES,
    "MEMBERS": c.MEMBERS,
    "JOIN_REQUESTS": c.JOIN_REQUESTS,
    "MEMBER_NODE": c.MEMBER_NODE,
}
VIEWERS = ("ana", "ben", "mod", "outsider", "banned", None)
UNKNOWN = str(to_global_id("Post", UUID(int=7)))


async def _scene(gql: GraphQLClient) -> dict[str, str]:
    for uid in ("ana", "ben", "mod", "outsider", "banned", "blocker"):
        await gql.onboard(uid, uid.title())
    circle = await c.create_circle(gql, "ana")
    members: dict[str, str] = {}
    for uid in ("ben", "mod", "banned", "blocker"):
        await c.join(gql, uid, circle)
    page = await gql.data(c.MEMBERS, {"id": circle, "first": 10}, as_="ana")
    for edge in page["node"]["members"]["edges"]:
        members[edge["node"]["member"]["displayName"].lower()] = edge["node"]["member"]["id"]
    await c.set_role(gql, "ana", circle, members["mod"], "MODERATOR")
    named = await c.post(gql, "ana", circle, "Evenings are hard lately.")
    anonymous = await c.post(gql, "ben", circle, "I have not told anyone.", anonymous=True)
    removed = await c.post(gql, "ben", circle, "This one goes.")
    blocked = await c.post(gql, "blocker", circle, "Someone ana blocked wrote this.")
    first_reply = await c.reply(gql, "ben", named["id"], "Same here, you are not alone.")
    await c.reply(gql, "mod", named["id"], "Thank you for saying it.", anonymous=True)
    await c.react(gql, "ben", named["id"], "HUG")
    await c.react(gql, "mod", first_reply["id"], "THANK_YOU")
    await c.mutate(gql, c.DELETE_POST, {"postId": removed["id"]}, "ben")
    payload = await c.mutate(gql, BLOCK, {"memberId": members["blocker"]}, "ana")
    assert payload["userErrors"] == []
    await c.ban(gql, "ana", circle, members["banned"])
    return {
        "circle": circle,
        "named": named["id"],
        "anonymous": anonymous["id"],
        "removed": removed["id"],
        "blocked": blocked["id"],
        "reply": first_reply["id"],
        "ana": members["ana"],
        "ben": members["ben"],
    }


def _variables(scene: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    circle, post = scene["circle"], scene["named"]
    pages: list[dict[str, Any]] = [
        {"id": circle},
        {"id": circle, "first": 1},
        {"id": circle, "first": 0},
        {"id": circle, "first": 101},
        {"id": circle, "after": "not-a-cursor"},
        {"id": UNKNOWN},
        {"id": "garbage"},
    ]
    nodes = [scene[k] for k in ("named", "anonymous", "removed", "blocked", "reply")]
    return {
        "FEED": pages,
        "POSTS": pages,
        "POST": [{"id": i} for i in nodes] + [{"id": UNKNOWN}, {"id": 5}],
        "REPLY_NODE": [{"id": scene["reply"]}, {"id": post}],
        "REPLIES": [{"id": post}, {"id": post, "first": 1}, {"id": scene["removed"]}],
        "CIRCLE": [{"id": circle}, {"id": scene["ana"]}],
        "CIRCLES": [{}, {"topic": "ANXIETY"}, {"search": "calm", "first": 1}, {"topic": "NOPE"}],
        "MY_CIRCLES": [{}, {"first": -1}],
        "MEMBERS": [{"id": circle}, {"id": circle, "first": 2}],
        "JOIN_REQUESTS": [{"id": circle}],
        "MEMBER_NODE": [{"id": scene["ana"]}, {"id": scene["ben"]}],
    }


async def test_the_fast_path_answers_every_read_exactly_like_graphql_core(
    gql: GraphQLClient, app_with: Any
) -> None:
    scene = await _scene(gql)
    async with app_with(hearth_executor="graphql-core") as (_, plain_http):
        plain = GraphQLClient(plain_http)
        compared, with_data, with_errors = 0, 0, 0
        for name, variable_sets in _variables(scene).items():
            for variables in variable_sets:
                for viewer in VIEWERS:
                    fast = await _answer(gql, READS[name], variables, viewer)
                    core = await _answer(plain, READS[name], variables, viewer)
                    assert fast == core, (name, variables, viewer)
                    compared += 1
                    with_data += bool((fast[1].get("data") or {}).get(name_of(READS[name])))
                    with_errors += bool(fast[1].get("errors"))
    assert compared == len(VIEWERS) * sum(len(v) for v in _variables(scene).values())
    # the comparison covered real answers and refusals alike, not only nulls
    assert with_data >= compared // 4
    assert with_errors > 10


def name_of(document: str) -> str:
    """The root field a read document asks for."""
    return "node" if "node(id:" in document else document.split("{")[1].split("(")[0].strip()


async def _answer(
    gql: GraphQLClient, document: str, variables: dict[str, Any], viewer: str | None
) -> tuple[int, Any]:
    response: httpx.Response = await gql.post(document, variables, as_=viewer)
    return response.status_code, response.json()
