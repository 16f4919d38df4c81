"""Compiled plans answer exactly what graphql-core's executor answers, on the real schema
and real data: every document of the sample manifest (docs/examples/persisted-documents.json),
variants of them, with good and bad variables, removed and hidden content, anonymous posts
and replies, a block, a muted topic, and as the owner, a moderator, members, a banned
member, a non-member, a signed-out caller and one who has not onboarded.

Each query runs twice on the same data, as a persisted document: once on graphql-core's
executor alone (no fast path, no plan), once on its plan; the HTTP status and the whole
JSON answer (data, error messages, paths, locations, codes) must be equal. Mutations change
what they touch, so the mutation transcript runs twice on two worlds built alike, and the
two transcripts must be equal once ids, times and invite codes are numbered in order of
appearance."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from graphql import parse, print_ast
from graphql.language import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    visit,
)
from graphql.language.visitor import Visitor
from starlette.applications import Starlette

from api.execution import FastExecutionContext, HearthExecutionContext
from api.observability import PLAN_RUNS, STORE_RENDERED
from scripts.sample_manifest import documents
from tests.conftest import IS_POSTGRES, empty_database
from tests.support import circles as c
from tests.support.circles import create_circle, join, mutate, post, reply, set_role
from tests.support.graphql import ME, ONBOARD, GraphQLClient, send_persisted
from tests.support.moderation import BLOCK, HIDE, MUTE_TOPICS

Answer = tuple[int, Any]

# --- running one request both ways ------------------------------------------------------


async def on_graphql_core(
    app: Starlette, http: httpx.AsyncClient, document: str, variables: Any, uid: str | None
) -> Answer:
    """graphql-core's executor alone: no fast path, no plan."""
    schema = app.state.graphql_schema
    schema.execution_context_class = HearthExecutionContext
    schema.compiled_plans.enabled = False
    try:
        return await send_persisted(http, document, variables, uid)
    finally:
        schema.execution_context_class = FastExecutionContext
        schema.compiled_plans.enabled = True


async def on_plan(
    http: httpx.AsyncClient, document: str, variables: Any, uid: str | None
) -> Answer:
    before = PLAN_RUNS._value.get()
    answer = await send_persisted(http, document, variables, uid)
    assert PLAN_RUNS._value.get() == before + 1, "the plan did not run"
    return answer


async def same(
    app: Starlette, http: httpx.AsyncClient, document: str, variables: Any, uid: str | None
) -> Any:
    expected = await on_graphql_core(app, http, document, variables, uid)
    actual = await on_plan(http, document, variables, uid)
    assert actual == expected, (uid, variables)
    return actual[1]


# --- the world --------------------------------------------------------------------------

VIEWERS = ("ann", "mod", "bea", "cal", "ben", "out", None, "newbie")


async def build_world(gql: GraphQLClient) -> dict[str, str]:
    """ann owns a public circle C (mod moderates it; bea, cal and ben are members) and a
    private one C2 (dan asked to join); out is in neither; ben is banned after posting and
    replying; cal blocked bea and muted GRIEF. p1 (ann, a GRIEF warning) has five replies
    (r1 anonymous, r3 removed), p2 is anonymous, p3 removed, p5 hidden by mod."""
    ids = {
        f"m_{u}": await gql.onboard(u, f"Name {u}")
        for u in ("ann", "mod", "bea", "cal", "ben", "out", "dan")
    }
    world = dict(ids)
    world["C"] = await create_circle(gql, "ann", topics=["ANXIETY", "GRIEF"])
    world["C2"] = await create_circle(
        gql, "ann", name="Quiet Mornings", visibility="PRIVATE", topics=["GRIEF"]
    )
    for uid in ("mod", "bea", "cal", "ben"):
        await join(gql, uid, world["C"])
    await join(gql, "dan", world["C2"])
    await set_role(gql, "ann", world["C"], ids["m_mod"], "MODERATOR")
    warning = {"topics": ["GRIEF"], "note": "about a loss"}
    world["p1"] = (await post(gql, "ann", world["C"], "Hello all", contentWarning=warning))["id"]
    world["p2"] = (await post(gql, "bea", world["C"], "Quiet thoughts", anonymous=True))["id"]
    world["p3"] = (await post(gql, "cal", world["C"], "Removed soon"))["id"]
    world["p4"] = (await post(gql, "ben", world["C"], "Before the ban"))["id"]
    world["p5"] = (await post(gql, "bea", world["C"], "Hidden by a moderator"))["id"]
    world["r1"] = (await reply(gql, "bea", world["p1"], "Anonymous reply", anonymous=True))["id"]
    world["r2"] = (await reply(gql, "cal", world["p1"], "A reply"))["id"]
    world["r3"] = (await reply(gql, "mod", world["p1"], "Removed reply"))["id"]
    world["r4"] = (await reply(gql, "ben", world["p1"], "Reply before the ban"))["id"]
    world["r5"] = (await reply(gql, "ann", world["p1"], "The owner's reply"))["id"]
    for uid, target, kind in [
        ("bea", "p1", "HUG"),
        ("cal", "p1", "HUG"),
        ("mod", "p1", "ME_TOO"),
        ("ben", "p1", "STRENGTH"),
        ("ann", "r2", "THANK_YOU"),
        ("cal", "p2", "STRENGTH"),
        ("bea", "r2", "HUG"),
    ]:
        await c.react(gql, uid, world[target], kind)
    await mutate(gql, c.DELETE_POST, {"postId": world["p3"]}, "cal")
    await mutate(gql, c.DELETE_REPLY, {"replyId": world["r3"]}, "mod")
    await mutate(gql, HIDE, {"targetId": world["p5"], "reason": "SPAM"}, "mod")
    await c.ban(gql, "mod", world["C"], ids["m_ben"])
    await mutate(gql, BLOCK, {"memberId": ids["m_bea"]}, "cal")
    await mutate(gql, MUTE_TOPICS, {"topics": ["GRIEF"]}, "cal")
    return world


def fill(value: Any, world: dict[str, str]) -> Any:
    """Variables with ``@name`` replaced by the world's ids."""
    if isinstance(value, str) and value.startswith("@"):
        return world[value[1:]]
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    return value


# --- queries ----------------------------------------------------------------------------

PAGES = [
    {"id": "@C", "first": 20},
    {"id": "@C", "first": 2},
    {"id": "@C", "first": 0},
    {"id": "@C", "first": 51},
    {"id": "@C", "after": "bogus"},
    {"id": "@C2", "first": 5},
    {"id": "@p1"},
    {"id": "nonsense"},
    {"id": "@C", "first": "two"},
    {},
]
NODES = ["@p1", "@p2", "@p3", "@p4", "@p5", "@r1", "@r3", "@C", "@m_bea", "nonsense"]

QUERIES: list[tuple[str, list[dict[str, Any]]]] = [
    (c.FEED, PAGES),
    (c.POSTS, PAGES),
    (c.POST, [{"id": n} for n in NODES]),
    (c.REPLY_NODE, [{"id": n} for n in NODES]),
    (c.MEMBER_NODE, [{"id": n} for n in ["@m_ann", "@m_bea", "@m_ben", "@m_out", "@p1"]]),
    (c.CIRCLE, [{"id": n} for n in ["@C", "@C2", "@p1", "nonsense"]]),
    (c.REPLIES, [{"id": "@p1", "first": 2}, {"id": "@p3"}, {"id": "@p1", "after": "bogus"}]),
    (c.MEMBERS, [{"id": "@C", "first": 2}, {"id": "@C"}, {"id": "@C2"}, {"id": "@C", "first": 0}]),
    (c.JOIN_REQUESTS, [{"id": "@C2"}, {"id": "@C"}]),
    (
        c.CIRCLES,
        [
            {},
            {"topic": "ANXIETY"},
            {"search": "Quiet"},
            {"first": 1},
            {"first": 0},
            {"topic": "NOPE"},
        ],
    ),
    (c.MY_CIRCLES, [{}, {"first": 1}, {"first": -1}]),
    (ME, [{}]),
]


async def _next_pages(
    app: Starlette,
    http: httpx.AsyncClient,
    document: str,
    answer: Any,
    variables: dict[str, Any],
    uid: str | None,
) -> None:
    """The page after a first page, from its end cursor (connections only)."""
    data = (answer or {}).get("data") or {}
    node = data.get("node") or data.get("circles") or data.get("myCircles") or {}
    connection = next((v for v in node.values() if isinstance(v, dict) and "pageInfo" in v), node)
    cursor = (connection.get("pageInfo") or {}).get("endCursor")
    if cursor:
        await same(app, http, document, {**variables, "after": cursor}, uid)


async def test_every_manifest_query_answers_like_graphql_core(
    app_and_http: tuple[Starlette, httpx.AsyncClient], gql: GraphQLClient
) -> None:
    app, http = app_and_http
    world = await build_world(gql)
    for document, cases in QUERIES:
        for uid in VIEWERS:
            for variables in cases:
                filled = fill(variables, world)
                answer = await same(app, http, document, filled, uid)
                if variables.get("first") in (1, 2):
                    await _next_pages(app, http, document, answer, filled, uid)


async def test_the_feed_shows_what_each_viewer_may_see_on_both_paths(
    app_and_http: tuple[Starlette, httpx.AsyncClient], gql: GraphQLClient
) -> None:
    # the equivalence above means something only if the rules show in the answers
    app, http = app_and_http
    world = await build_world(gql)
    variables = {"id": world["C"], "first": 20}
    rendered = STORE_RENDERED._value.get()
    by_cal = await same(app, http, c.FEED, variables, "cal")
    # on PostgreSQL the plan's page was rendered by the database (api.posts.rendered),
    # and graphql-core's was read into objects: the two paths really differ
    assert STORE_RENDERED._value.get() == rendered + (1 if IS_POSTGRES else 0)
    posts = {e["node"]["id"]: e["node"] for e in by_cal["data"]["node"]["posts"]["edges"]}
    assert world["p2"] not in posts  # bea's, and cal blocked bea
    assert world["p3"] not in posts or posts[world["p3"]]["body"] is None
    p1 = posts[world["p1"]]
    # newest first, without bea's (cal blocked her) and the removed one; ben's stay
    names = {v: k for k, v in world.items()}
    assert [names[r["id"]] for r in p1["latestReplies"]] == ["r5", "r4", "r2"]
    by_bea = await same(app, http, c.FEED, variables, "bea")
    anonymous = next(
        e["node"]
        for e in by_bea["data"]["node"]["posts"]["edges"]
        if e["node"]["id"] == world["p2"]
    )
    assert anonymous["author"] is None
    assert anonymous["isMine"] is True
    outsider = await same(app, http, c.FEED, variables, "out")
    assert outsider["data"]["node"] is None
    assert outsider["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    banned = await same(app, http, c.FEED, variables, "ben")
    assert banned["data"]["node"] is None


# --- variants of the manifest's queries ---------------------------------------------------


def _field(name: str) -> FieldNode:
    return FieldNode(
        name=NameNode(value=name), arguments=(), directives=(), alias=None, selection_set=None
    )


def _directive(name: str, variable: str) -> DirectiveNode:
    argument = ArgumentNode(
        name=NameNode(value="if"), value=VariableNode(name=NameNode(value=variable))
    )
    return DirectiveNode(name=NameNode(value=name), arguments=(argument,))


class _Typenames(Visitor):
    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
        return SelectionSetNode(selections=(*node.selections, _field("__typename")))


class _Aliases(Visitor):
    """The first two fields of each selection set renamed (within the alias limit)."""

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
        renamed = [
            replace(f, alias=NameNode(value=f"{(f.alias or f.name).value}_"))
            if i < 2 and isinstance(f, FieldNode)
            else f
            for i, f in enumerate(node.selections)
        ]
        return SelectionSetNode(selections=tuple(renamed))


class _Fragments(Visitor):
    """Each selection set inside an inline fragment, its first leaf asked for twice."""

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
        inline = InlineFragmentNode(type_condition=None, directives=(), selection_set=node)
        leaves = [f for f in node.selections if isinstance(f, FieldNode) and not f.selection_set]
        return SelectionSetNode(selections=(*leaves[:1], inline))


class _Directives(Visitor):
    """Leaves under ``@include(if: $yes)``, objects under ``@skip(if: $no)``."""

    def leave_field(self, node: FieldNode, *_: Any) -> FieldNode:
        directive = _directive("skip", "no") if node.selection_set else _directive("include", "yes")
        return replace(node, directives=(*(node.directives or ()), directive))

    def leave_operation_definition(
        self, node: OperationDefinitionNode, *_: Any
    ) -> OperationDefinitionNode:
        boolean = NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="Boolean")))
        added = tuple(
            VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value=name)),
                type=boolean,
                default_value=None,
                directives=(),
            )
            for name in ("yes", "no")
        )
        return replace(node, variable_definitions=(*(node.variable_definitions or ()), *added))


VARIANTS: dict[str, Callable[[], Visitor]] = {
    "typenames": _Typenames,
    "aliases": _Aliases,
    "fragments": _Fragments,
    "directives": _Directives,
}


def variant(document: str, how: str) -> str:
    return print_ast(visit(parse(document), VARIANTS[how]()))


@pytest.mark.parametrize("how", sorted(VARIANTS))
async def test_variants_of_the_manifest_queries_answer_like_graphql_core(
    app_and_http: tuple[Starlette, httpx.AsyncClient], gql: GraphQLClient, how: str
) -> None:
    app, http = app_and_http
    world = await build_world(gql)
    switches = [{"yes": True, "no": False}, {"yes": False, "no": False}, {"yes": True, "no": True}]
    for document, cases in QUERIES:
        changed = variant(document, how)
        for uid in ("ann", "cal", "out"):
            for variables in cases[:4]:
                for extra in switches if how == "directives" else [{}]:
                    await same(app, http, changed, {**fill(variables, world), **extra}, uid)


# --- mutations ------------------------------------------------------------------------------

ONBOARDING = {
    "timezone": "Europe/London",
    "region": "GB",
    "confirmsAdult": True,
    "acceptedGuidelinesVersion": "2026-11",
}
NEW_CIRCLE = {
    "name": "Night Owls",
    "description": "Late.",
    "topics": ["STRESS"],
    "visibility": "PUBLIC",
}

# (document, caller, input, the name to keep the answer's id under)
MUTATIONS: list[tuple[str, str | None, Any, str | None]] = [
    (ONBOARD, "newbie", {**ONBOARDING, "displayName": "Newbie"}, None),
    (ONBOARD, "newbie2", {**ONBOARDING, "displayName": "x"}, None),
    (ONBOARD, "ann", {**ONBOARDING, "displayName": "Name ann"}, None),
    (c.CREATE_CIRCLE, "ann", NEW_CIRCLE, "C3"),
    (c.CREATE_CIRCLE, "bea", {**NEW_CIRCLE, "name": "x", "capacity": 500}, None),
    (c.CREATE_CIRCLE, None, NEW_CIRCLE, None),
    (c.UPDATE_CIRCLE, "ann", {"circleId": "@C", "name": "Evening Calm, renamed"}, None),
    (c.UPDATE_CIRCLE, "bea", {"circleId": "@C", "name": "Taken over"}, None),
    (c.UPDATE_CIRCLE, "ann", {"circleId": "@C", "capacity": 1}, None),
    (c.CREATE_INVITE, "ann", {"circleId": "@C2"}, None),
    (c.CREATE_INVITE, "bea", {"circleId": "@C2"}, None),
    (c.CREATE_INVITE, "ann", {"circleId": "@C2", "maxUses": 0}, None),
    (c.JOIN, "out", {"circleId": "@C"}, None),
    (c.JOIN, "ben", {"circleId": "@C"}, None),
    (c.JOIN, "out", {"circleId": "@C2"}, None),
    (c.JOIN, "out", {"circleId": "nonsense"}, None),
    (c.APPROVE, "ann", {"circleId": "@C2", "memberId": "@m_dan"}, None),
    (c.APPROVE, "bea", {"circleId": "@C2", "memberId": "@m_out"}, None),
    (c.APPROVE, "ann", {"circleId": "@C2", "memberId": "@m_cal"}, None),
    (c.DECLINE, "ann", {"circleId": "@C2", "memberId": "@m_out"}, None),
    (c.DECLINE, "ann", {"circleId": "@C2", "memberId": "@m_out"}, None),
    (c.SET_ROLE, "ann", {"circleId": "@C", "memberId": "@m_bea", "role": "MODERATOR"}, None),
    (c.SET_ROLE, "cal", {"circleId": "@C", "memberId": "@m_cal", "role": "OWNER"}, None),
    (c.SET_ROLE, "ann", {"circleId": "@C", "memberId": "@m_bea", "role": "EMPEROR"}, None),
    (c.BAN, "mod", {"circleId": "@C", "memberId": "@m_out"}, None),
    (c.BAN, "cal", {"circleId": "@C", "memberId": "@m_mod"}, None),
    (c.BAN, "mod", {"circleId": "@C", "memberId": "@m_ann"}, None),
    (c.CREATE_POST, "bea", {"circleId": "@C", "body": "Anonymous", "anonymous": True}, "p6"),
    (
        c.CREATE_POST,
        "cal",
        {"circleId": "@C", "body": "Warned", "contentWarning": {"topics": ["GRIEF"], "note": "n"}},
        "p7",
    ),
    (c.CREATE_POST, "dan", {"circleId": "@C", "body": "Not a member"}, None),
    (c.CREATE_POST, "ben", {"circleId": "@C", "body": "Banned"}, None),
    (c.CREATE_POST, "bea", {"circleId": "@C", "body": ""}, None),
    (c.CREATE_POST, "bea", {"circleId": "@p1", "body": "Wrong id"}, None),
    (c.REPLY, "mod", {"postId": "@p6", "body": "To an anonymous post"}, "r6"),
    (c.REPLY, "cal", {"postId": "@p6", "body": "To a post of someone I blocked"}, None),
    (c.REPLY, "bea", {"postId": "@p7", "body": "Anonymously", "anonymous": True}, "r7"),
    (c.REPLY, "dan", {"postId": "@p1", "body": "Not a member"}, None),
    (c.REPLY, "ann", {"postId": "@p3", "body": "To a removed post"}, None),
    (c.REACT, "ann", {"targetId": "@p6", "kind": "HUG"}, None),
    (c.REACT, "ann", {"targetId": "@p6", "kind": "HUG"}, None),
    (c.REACT_ANY, "ann", {"targetId": "@r6", "kind": "STRENGTH"}, None),
    (c.REACT_ANY, "ann", {"targetId": "@p3", "kind": "HUG"}, None),
    (c.REACT_ANY, "out", {"targetId": "@p1", "kind": "HUG"}, None),
    (c.REACT_ANY, "ann", {"targetId": "@p1", "kind": "SHRUG"}, None),
    (c.UNREACT, "ann", {"targetId": "@p6", "kind": "HUG"}, None),
    (c.UNREACT, "ann", {"targetId": "@r6", "kind": "STRENGTH"}, None),
    (c.EDIT_POST, "bea", {"postId": "@p6", "body": "Edited, still anonymous"}, None),
    (c.EDIT_POST, "cal", {"postId": "@p1", "body": "Not mine"}, None),
    (c.EDIT_POST, "cal", {"postId": "@p3", "body": "Removed"}, None),
    (c.EDIT_REPLY, "mod", {"replyId": "@r6", "body": "Edited reply"}, None),
    (c.EDIT_REPLY, "ann", {"replyId": "@r6", "body": "Not mine"}, None),
    (c.DELETE_REPLY, "bea", {"replyId": "@r7"}, None),
    (c.DELETE_REPLY, "cal", {"replyId": "@r5"}, None),
    (c.DELETE_POST, "bea", {"postId": "@p6"}, None),
    (c.DELETE_POST, "cal", {"postId": "@p1"}, None),
    (c.DELETE_POST, "mod", {"postId": "@p7"}, None),
    (c.LEAVE, "cal", {"circleId": "@C2"}, None),
    (c.LEAVE, "bea", {"circleId": "@C"}, None),
    (c.LEAVE, "ann", {"circleId": "@C"}, None),
]

_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


class _Numbering:
    """Ids, times and invite codes of one world, named or numbered in order of appearance."""

    def __init__(self, world: dict[str, str]) -> None:
        self.names = {v: f"@{k}" for k, v in world.items()}
        self.seen: dict[str, str] = {}

    def _new(self, kind: str, value: str) -> str:
        if value not in self.seen:
            self.seen[value] = f"{kind}#{len(self.seen)}"
        return self.seen[value]

    def _uuid(self, raw: str) -> str:
        for value, name in self.names.items():
            if raw in _decode(value):
                return name
        return self._new("uuid", raw)

    def __call__(self, value: Any, key: str = "", parent: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self(v, k, key) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v, key, parent) for v in value]
        if not isinstance(value, str):
            return value
        if value in self.names:
            return self.names[value]
        if _STAMP.match(value):
            return "<time>"
        if key == "code" and parent == "invite":
            return self._new("code", value)
        decoded = _decode(value)
        if decoded.count("|") == 2:  # a cursor: kind|time|uuid
            kind, _, raw = decoded.split("|")
            return f"cursor:{kind}:{self._uuid(raw)}"
        if re.fullmatch(r"[A-Za-z]+(:[0-9a-f-]{36})+", decoded):
            kind, *raws = decoded.split(":")
            return f"{kind}:" + ":".join(self._uuid(r) for r in raws)
        return value


def _decode(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return ""


async def _transcript(
    app: Starlette, http: httpx.AsyncClient, gql: GraphQLClient, compiled: bool
) -> list[Any]:
    world = await build_world(gql)
    numbering = _Numbering(world)
    transcript = []
    for document, uid, payload, keep in MUTATIONS:
        variables = {"input": fill(payload, world)}
        if compiled:
            status, answer = await on_plan(http, document, variables, uid)
        else:
            status, answer = await on_graphql_core(app, http, document, variables, uid)
        if keep is not None:
            found = next(iter((answer.get("data") or {}).values()))
            kept = [v["id"] for v in found.values() if isinstance(v, dict) and "id" in v]
            assert kept, (keep, answer)
            world[keep] = kept[0]
            numbering.names[world[keep]] = f"@{keep}"
        transcript.append((document[:40], uid, status, numbering(answer)))
    return transcript


async def test_every_manifest_mutation_answers_like_graphql_core(
    app_and_http: tuple[Starlette, httpx.AsyncClient], gql: GraphQLClient, migrated_database: str
) -> None:
    app, http = app_and_http
    expected = await _transcript(app, http, gql, compiled=False)
    await empty_database(migrated_database)
    actual = await _transcript(app, http, gql, compiled=True)
    for want, got in zip(expected, actual, strict=True):
        assert got == want
    # the transcript says something: successes, user errors and top-level errors
    answers = [answer for *_, answer in actual]
    assert any("errors" in a for a in answers)
    assert any(
        (next(iter((a.get("data") or {}).values())) or {}).get("userErrors") for a in answers
    )


def test_every_manifest_document_has_cases() -> None:
    used = {d for d, _ in QUERIES} | {d for d, *_ in MUTATIONS}
    missing = [
        doc.split("{")[0].strip() + " " + doc.split("(")[1][:40]
        for doc in documents().values()
        if doc not in used
    ]
    assert missing == []


@pytest.mark.parametrize(
    "settings",
    [{"hearth_compiled_execution": False}, {"hearth_executor": "graphql-core"}],
)
async def test_with_compiled_execution_off_known_documents_run_on_the_executor(
    app_with: Any, settings: dict[str, Any]
) -> None:
    async with app_with(**settings) as (app, http):
        assert app.state.graphql_schema.compiled_plans is None
        gql = GraphQLClient(http)
        await gql.onboard("ann", "Ann")
        circle_id = await create_circle(gql, "ann")
        before = PLAN_RUNS._value.get()
        status, answer = await send_persisted(http, c.FEED, {"id": circle_id, "first": 5}, "ann")
        assert status == 200
        assert answer["data"]["node"]["posts"]["edges"] == []
        assert PLAN_RUNS._value.get() == before
