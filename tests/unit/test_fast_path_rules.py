"""Fields of the types a feed page repeats per item must stay on the fast execution path
(``api/execution``; the rules are in docs/performance.md, "Keeping the read path fast").
A field that breaks them (an ``async`` resolver, one that asks for ``Info``, an enum or
input argument, a field extension) costs Strawberry's full resolver path once per post
or reply. This test names such a field the day it is added, instead of a profile weeks
later. Fields slow by design are listed with the reason they may be."""

from __future__ import annotations

from graphql import GraphQLObjectType

from api.execution.plans import plan_field
from api.wiring import build_schema

# The types a feed page (Circle.posts, Post.replies, awaitingSupport) repeats per item.
PER_ITEM = (
    "PostConnection",
    "PostEdge",
    "Post",
    "ReplyConnection",
    "ReplyEdge",
    "Reply",
    "ReactionCount",
    "ContentWarning",
    "PageInfo",
)
# Member appears per item as an author: its public profile must be fast; the member's
# own fields are read once, on `me`.
MEMBER_PUBLIC = ("id", "displayName", "pronouns", "bio", "memberSince")

SLOW_BY_DESIGN = {
    "Post.replies": "a connection of its own: paged, read for one post at a time",
    "Post.circle": "loads the circle through node(id:) rules, once per circle (DataLoader)",
    "Post.riskBadge": "moderators only: needs the viewer's role (Info); not in the feed",
    "Reply.riskBadge": "moderators only: needs the viewer's role (Info); not in the feed",
}


def _slow_fields() -> set[str]:
    schema = build_schema()._schema
    found: set[str] = set()
    for name in PER_ITEM:
        parent = schema.type_map[name]
        assert isinstance(parent, GraphQLObjectType), name
        found |= {f"{name}.{f}" for f in parent.fields if plan_field(parent, f) is None}
    member = schema.type_map["Member"]
    assert isinstance(member, GraphQLObjectType)
    assert set(MEMBER_PUBLIC) <= set(member.fields)
    found |= {f"Member.{f}" for f in MEMBER_PUBLIC if plan_field(member, f) is None}
    return found


def test_every_per_item_field_takes_the_fast_path_unless_slow_by_design() -> None:
    slow = _slow_fields()
    assert sorted(slow - SLOW_BY_DESIGN.keys()) == [], (
        "these fields leave the fast path; make them plain attributes or synchronous "
        "resolvers without Info and with built-in scalar arguments (docs/performance.md)"
    )
    assert sorted(SLOW_BY_DESIGN.keys() - slow) == [], "fast now: remove from SLOW_BY_DESIGN"
