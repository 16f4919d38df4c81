"""`hearth seed --demo` gives an app developer a living feed on the first run."""

from __future__ import annotations

import pytest

from infra.demo import DemoRefused, seed_demo
from tests.conftest import test_settings
from tests.support.graphql import GraphQLClient

MY_FEED = """{ myCircles(first: 5) { edges { node { name
  posts(first: 5) { edges { node { body author { displayName } replyCount
    reactionCounts { kind count } } } } } } } }"""


async def test_the_demo_fills_feeds_that_a_demo_member_can_read(gql: GraphQLClient) -> None:
    created = await seed_demo(test_settings())
    assert created == {"members": 4, "circles": 2, "posts": 4, "replies": 3, "check-ins": 2}
    data = await gql.data(MY_FEED, as_="demo-ada")
    circles = {e["node"]["name"]: e["node"]["posts"]["edges"] for e in data["myCircles"]["edges"]}
    assert set(circles) == {"Evening Calm", "New Parents, Tired Hearts"}
    calm = [e["node"] for e in circles["Evening Calm"]]
    assert len(calm) == 3
    assert sum(p["replyCount"] for p in calm) == 3
    assert any(p["reactionCounts"] for p in calm)
    # and running it again adds nothing
    assert not any((await seed_demo(test_settings())).values())


async def test_the_demo_is_refused_without_dev_sign_in(clean_database: str) -> None:
    with pytest.raises(DemoRefused):
        await seed_demo(test_settings(hearth_sign_in="firebase", firebase_project_id="p"))
