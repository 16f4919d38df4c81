"""A repeat with an idempotency key takes no rate-limit slot: it answers with the first
result even when the limit is reached, while a new send is RATE_LIMITED."""

from __future__ import annotations

from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient

UE = "userErrors { code field message retryAfter }"
CREATE_POST = f"""
mutation CreatePost($input: CreatePostInput!) {{ createPost(input: $input) {{ post {{ id }} {UE} }} }}
"""
REACT = f"""
mutation React($input: ReactionInput!) {{ react(input: $input) {{ target {{ id }} {UE} }} }}
"""


async def test_repeats_take_no_slot(limited: GraphQLClient) -> None:
    await limited.onboard("carol", "Kind Heron")
    await limited.onboard("alice", "Quiet Fox")
    circle = await create_circle(limited, "carol")
    await join(limited, "alice", circle)
    target = (await post(limited, "carol", circle, "Welcome"))["id"]

    sent = []
    for n in range(3):  # the limit is 3 an hour
        values = {"circleId": circle, "body": f"Post {n}", "idempotencyKey": f"p-{n}"}
        data = await limited.data(CREATE_POST, {"input": values}, as_="alice")
        assert data["createPost"]["userErrors"] == []
        sent.append(data["createPost"]["post"]["id"])
    for n in range(3):  # every repeat still answers, with the first result
        values = {"circleId": circle, "body": f"Post {n}", "idempotencyKey": f"p-{n}"}
        data = await limited.data(CREATE_POST, {"input": values}, as_="alice")
        assert data["createPost"] == {"post": {"id": sent[n]}, "userErrors": []}
    fresh = {"circleId": circle, "body": "One more", "idempotencyKey": "p-3"}
    data = await limited.data(CREATE_POST, {"input": fresh}, as_="alice")
    assert [e["code"] for e in data["createPost"]["userErrors"]] == ["RATE_LIMITED"]
    # the refused send kept no key: once allowed, the same key posts
    assert data["createPost"]["post"] is None

    for n in range(3):
        hug = {"targetId": target, "kind": "HUG", "idempotencyKey": "h-1"}
        data = await limited.data(REACT, {"input": hug}, as_="alice")
        assert data["react"] == {"target": {"id": target}, "userErrors": []}, n
    # one slot used by three sends: two more reactions still pass
    for kind in ("THANK_YOU", "ME_TOO"):
        data = await limited.data(REACT, {"input": {"targetId": target, "kind": kind}}, as_="alice")
        assert data["react"]["userErrors"] == [], kind
