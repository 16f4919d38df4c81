"""The direct lane (api.execution.lane): a known document's later requests skip
Strawberry's extension pipeline, and clients cannot tell. Each exchange is sent to an
app with the lane and to one without it (``HEARTH_DIRECT_LANE=false``), on the same
data, and must get the same status, headers and answer."""

from __future__ import annotations

import re
import uuid
from contextlib import AsyncExitStack
from typing import Any

import httpx
import orjson
import pytest

import api.execution.compiled
import api.execution.lane
import infra.db.reads.members
from api.node import to_global_id
from tests.support.circles import FEED, REACT, create_circle, post
from tests.support.graphql import ME, GraphQLClient, persisted

LANE_RUNS = "hearth_graphql_direct_lane_runs_total"
SPEC = "application/graphql-response+json"
HEADERS = ("content-type", "cache-control", "vary")


def _counter(metrics: str, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", metrics, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def _lane_runs(http: httpx.AsyncClient) -> float:
    return _counter((await http.get("/metrics")).text, LANE_RUNS)


async def _send(
    http: httpx.AsyncClient,
    document: str,
    variables: dict[str, Any] | None = None,
    *,
    uid: str | None = "alice",
    accept: str | None = None,
    method: str = "POST",
    operation_name: str | None = None,
    with_query: bool = False,
) -> tuple[int, dict[str, str], Any]:
    """(status, the headers clients read, the JSON answer) of a persisted request."""
    headers = {"Authorization": f"Bearer dev:{uid}"} if uid else {}
    if accept:
        headers["Accept"] = accept
    body: dict[str, Any] = {"extensions": persisted(document)}
    if with_query:
        body["query"] = document
    if variables is not None:
        body["variables"] = variables
    if operation_name is not None:
        body["operationName"] = operation_name
    if method == "GET":
        params = {k: v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in body.items()}
        response = await http.get("/graphql", params=params, headers=headers)
    else:
        response = await http.post("/graphql", json=body, headers=headers)
    kept = {name: response.headers[name] for name in HEADERS if name in response.headers}
    try:
        answer = response.json()
    except ValueError:
        answer = response.text
    return response.status_code, kept, answer


async def _known(http: httpx.AsyncClient, document: str, variables: dict[str, Any]) -> None:
    """Registers ``document`` and runs it once on its plan, through the pipeline."""
    status, _, answer = await _send(http, document, variables, with_query=True)
    assert status == 200, answer
    assert "data" in answer, answer


@pytest.fixture
async def apps(app_with: Any) -> Any:
    """(http with the lane, http without it), both on the test database."""
    async with AsyncExitStack() as stack:
        _, lane = await stack.enter_async_context(app_with())
        _, pipeline = await stack.enter_async_context(app_with(hearth_direct_lane=False))
        yield lane, pipeline


async def test_a_known_documents_later_requests_take_the_lane_with_the_pipelines_answers(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    lane, pipeline = apps
    gql = GraphQLClient(lane)
    await gql.onboard("alice", "Alice")
    await gql.onboard("bob", "Bob")
    circle_id = await create_circle(gql, "alice")
    created = await post(gql, "alice", circle_id, "Hello, circle")
    feed = {"id": circle_id, "first": 5}
    react_missing = {"input": {"targetId": to_global_id("Post", uuid.uuid4()), "kind": "HUG"}}
    named = "query MyProfile { me { id displayName } } query Other { me { id } }"
    for http in (lane, pipeline):
        await _known(http, FEED, feed)
        await _known(http, ME, {})
        await _known(http, REACT, {"input": {"targetId": created["id"], "kind": "HUG"}})
        await _known(http, named, {})
    exchanges: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("a member's feed", {"document": FEED, "variables": feed}, {}),
        ("the feed as a non-member", {"document": FEED, "variables": feed, "uid": "bob"}, {}),
        ("the feed signed out", {"document": FEED, "variables": feed, "uid": None}, {}),
        (
            "a variable of the wrong type, spec media type",
            {"document": FEED, "variables": {"id": circle_id, "first": "x"}, "accept": SPEC},
            {},
        ),
        ("a missing variable", {"document": FEED, "variables": {}}, {}),
        ("me", {"document": ME}, {}),
        ("me signed out", {"document": ME, "uid": None}, {}),
        ("a mutation's user error", {"document": REACT, "variables": react_missing}, {}),
        ("the first operation by default", {"document": named}, {}),
        ("an operation by name", {"document": named, "operation_name": "Other"}, {}),
        ("a query over GET", {"document": ME, "method": "GET", "uid": None}, {}),
        ("a member's query over GET", {"document": ME, "method": "GET"}, {}),
        # these never take the lane: the pipeline answers them on both
        ("an unknown operation name", {"document": named, "operation_name": "Nope"}, {"skip": 1}),
        ("a mutation over GET", {"document": REACT, "method": "GET"}, {"skip": 1}),
    ]
    taken = 0
    for label, request, expected in exchanges:
        before = await _lane_runs(lane)
        through_lane = await _send(lane, **request)
        after = await _lane_runs(lane)
        through_pipeline = await _send(pipeline, **request)
        assert through_lane == through_pipeline, label
        took = after - before
        assert took == (0 if expected.get("skip") else 1), label
        taken += int(took)
    assert taken == 12
    # the pipeline app never took it
    assert await _lane_runs(pipeline) == await _lane_runs(lane)


async def test_a_mutation_on_the_lane_writes_and_reads_its_payload_back(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    lane, _ = apps
    gql = GraphQLClient(lane)
    await gql.onboard("alice", "Alice")
    circle_id = await create_circle(gql, "alice")
    created = await post(gql, "alice", circle_id, "Hello")
    hug = {"input": {"targetId": created["id"], "kind": "HUG"}}
    await _known(lane, REACT, hug)  # alice's hug, through the pipeline
    before = await _lane_runs(lane)
    status, _, answer = await _send(
        lane, REACT, {"input": {"targetId": created["id"], "kind": "STRENGTH"}}
    )
    assert status == 200
    assert await _lane_runs(lane) == before + 1
    target = answer["data"]["react"]["target"]
    assert sorted(target["viewerReactions"]) == ["HUG", "STRENGTH"]


async def test_an_evicted_apq_document_is_not_found_again_though_its_plan_is_kept(
    app_with: Any,
) -> None:
    async with app_with(redis_url=None) as (app, http):
        gql = GraphQLClient(http)
        await gql.onboard("alice", "Alice")
        document = f"{ME} # {uuid.uuid4()}"
        await _known(http, document, {})
        assert (await _send(http, document))[2]["data"]["me"]["displayName"] == "Alice"
        app.state.services.persisted._items.clear()  # the LRU forgot it
        _status, _, answer = await _send(http, document)
        assert answer == {
            "errors": [
                {
                    "message": "PersistedQueryNotFound",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
                }
            ]
        }


async def test_a_document_refused_at_registration_never_takes_the_lane(app_with: Any) -> None:
    async with app_with(hearth_max_query_depth=2) as (_, http):
        deep = "query Deep { me { id circles: myCircles(first: 1) { edges { node { id } } } } }"
        for _ in range(3):
            before = await _lane_runs(http)
            _, _, answer = await _send(http, deep, with_query=True)
            assert answer["errors"][0]["extensions"]["code"] == "DEPTH_LIMIT_EXCEEDED"
            _, _, answer = await _send(http, deep)
            assert answer["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
            assert await _lane_runs(http) == before


async def test_an_unexpected_error_on_the_lane_is_masked_as_in_the_pipeline(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = "query Guide { me { id } communityGuidelines { version } }"
    async with AsyncExitStack() as stack:
        _, lane = await stack.enter_async_context(app_with(hearth_mask_errors=True))
        _, pipeline = await stack.enter_async_context(
            app_with(hearth_mask_errors=True, hearth_direct_lane=False)
        )
        await GraphQLClient(lane).onboard("alice", "Alice")
        for http in (lane, pipeline):
            await _known(http, document, {})

        async def boom(*_args: object, **_kw: object) -> Any:
            raise RuntimeError("boom secret")

        # member lookups now fail with a message that must never reach clients
        monkeypatch.setattr(infra.db.reads.members, "by_uids", boom)
        before = await _lane_runs(lane)
        through_lane = await _send(lane, document)
        assert await _lane_runs(lane) == before + 1
        assert through_lane == await _send(pipeline, document)
        _status, _, answer = through_lane
        assert answer["data"] == {"me": None, "communityGuidelines": {"version": "2026-11"}}
        assert answer["errors"] == [
            {
                "message": "Unexpected error.",
                "locations": answer["errors"][0]["locations"],
                "path": ["me"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ]
        assert "boom" not in str(answer)


async def test_an_exception_escaping_execution_is_masked_on_the_lane_and_the_pipeline(
    app_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Strawberry's MaskErrors does not mask an exception that escapes execution: its
    # message would reach the client unless the schema masks it afterwards
    document = "query Escape { communityGuidelines { version } }"
    async with app_with(hearth_mask_errors=True) as (_, http):
        await _known(http, document, {})

        async def boom(*_args: object, **_kw: object) -> Any:
            raise RuntimeError("boom secret")

        monkeypatch.setattr(api.execution.compiled, "run_plan", boom)
        monkeypatch.setattr(api.execution.lane, "run_plan", boom)
        masked = {  # no data: it reads as a request error (no path)
            "errors": [
                {"message": "Unexpected error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
            ],
        }
        before = await _lane_runs(http)
        internal = await _internal_errors(http)
        assert (await _send(http, document))[2] == masked  # the lane
        assert await _lane_runs(http) == before + 1
        assert (await _send(http, document, with_query=True))[2] == masked  # the pipeline
        # and operators see both as what they are: unexpected, not a refused document
        assert await _internal_errors(http) == internal + 2


async def _internal_errors(http: httpx.AsyncClient) -> float:
    text = (await http.get("/metrics")).text
    found = re.search(
        r'^hearth_graphql_errors_total\{code="INTERNAL_SERVER_ERROR"\} (\S+)$', text, re.MULTILINE
    )
    return float(found.group(1)) if found else 0.0


async def test_the_lane_measures_the_operation_by_name(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    lane, _ = apps
    gql = GraphQLClient(lane)
    await gql.onboard("alice", "Alice")
    document = "query LaneProfile { me { id } }"
    await _known(lane, document, {})
    name = "hearth_graphql_operation_duration_seconds_count"
    pattern = rf'^{name}{{operation="LaneProfile",type="query"}} (\S+)$'

    async def count() -> float:
        found = re.search(pattern, (await lane.get("/metrics")).text, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    before, runs = await count(), await _lane_runs(lane)
    for _ in range(3):
        await _send(lane, document)
    assert await count() == before + 3
    assert await _lane_runs(lane) == runs + 3


async def test_each_operation_of_a_batch_may_take_the_lane(app_with: Any) -> None:
    async with app_with(hearth_max_batch=3) as (_, http):
        await GraphQLClient(http).onboard("alice", "Alice")
        document = "query BatchProfile { me { displayName } }"
        await _known(http, document, {})
        before = await _lane_runs(http)
        batch = [{"extensions": persisted(document)}] * 2
        response = await http.post(
            "/graphql", json=batch, headers={"Authorization": "Bearer dev:alice"}
        )
        assert response.status_code == 200
        assert response.json() == [{"data": {"me": {"displayName": "Alice"}}}] * 2
        assert await _lane_runs(http) == before + 2
