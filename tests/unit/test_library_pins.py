"""Library internals Hearth relies on for speed or correctness are pinned exactly; a
version change fails here, loudly, before anything subtle breaks elsewhere."""

from __future__ import annotations

import enum
import importlib.metadata
import inspect
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import firebase_admin
import google.oauth2.credentials
import graphql
import orjson
import requests
import strawberry
import uvicorn
from firebase_admin import messaging
from graphql import (
    ExecutionResult,
    build_schema,
    create_source_event_stream,
    execute,
    map_source_to_response_event,
    parse,
)
from graphql.execution.collect_fields import FieldDetails, collect_fields
from graphql.execution.executor import Executor
from graphql.pyutils import Path
from strawberry.extensions import SchemaExtension
from strawberry.http.async_base_view import AsyncBaseHTTPView
from strawberry.schema.schema import (
    DEFAULT_ALLOWED_OPERATION_TYPES,
    StrawberryGraphQLCoreExecutionContext,
    _coerce_error,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types import ExecutionResult as StrawberryResult
from strawberry.types.graphql import OperationType
from uvicorn.protocols.websockets.websockets_impl import WebSocketProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from api.execution.internals import (
    DEFINITION_BACKREF,
    GRAPHQL_CORE_VERSION,
    PATH_NEW,
    STRAWBERRY_VERSION,
    TYPE_CAST_ATTRIBUTE,
    definition_of,
    enum_class,
    graphql_info,
    has_default_resolver,
    implements_field_middleware,
    own_class,
    plain_is_type_of,
)
from api.execution.lane import coerce_error as lane_error
from api.http import HearthGraphQL
from api.realtime.send_deadline import UVICORN_VERSION

RECHECK = (
    "re-read api/execution/internals.py (every internal the fast path and the compiled "
    "plans use is listed there), run tests/unit/test_execution.py, "
    "tests/unit/test_compiled_execution.py, tests/api/test_compiled_equivalence.py and "
    "tests/unit/test_subscription_memory.py, then update the version there and the pin in "
    "pyproject.toml (meanwhile HEARTH_COMPILED_EXECUTION=false turns the plans off and "
    "HEARTH_EXECUTOR=graphql-core the fast path)."
)


def test_graphql_core_is_the_version_the_executor_internals_were_checked_against() -> None:
    assert graphql.version == GRAPHQL_CORE_VERSION, (
        f"graphql-core {graphql.version} is installed, but api/execution was checked against "
        f"{GRAPHQL_CORE_VERSION}: {RECHECK}"
    )


def test_strawberry_is_the_version_the_executor_internals_were_checked_against() -> None:
    installed = importlib.metadata.version("strawberry-graphql")
    assert installed == STRAWBERRY_VERSION, (
        f"strawberry-graphql {installed} is installed, but api/execution was checked against "
        f"{STRAWBERRY_VERSION}: {RECHECK}"
    )


# The executor methods the plans call or override, with the parameters they pass.
EXECUTOR_METHODS = {
    "execute_fields": [
        "parent_type",
        "source_value",
        "path",
        "grouped_field_set",
        "position_context",
    ],
    "execute_field": ["parent_type", "source", "field_details_list", "path", "position_context"],
    "complete_value": [
        "return_type",
        "field_details_list",
        "info",
        "path",
        "result",
        "position_context",
    ],
    "complete_awaitable_value": [
        "return_type",
        "field_details_list",
        "info",
        "path",
        "result",
        "position_context",
    ],
    "complete_awaitable_list_item_value": [
        "item",
        "item_type",
        "field_details_list",
        "info",
        "item_path",
        "position_context",
    ],
    "handle_field_error": ["raw_error", "return_type", "field_details_list", "path"],
    "build_resolve_info": ["field_def", "field_nodes", "parent_type", "path"],
    "collect_subfields": ["return_type", "field_details_list"],
    "settle_in_background": ["awaitables"],
}


def test_the_executor_methods_the_plans_use_keep_their_parameters() -> None:
    for name, parameters in EXECUTOR_METHODS.items():
        method = getattr(StrawberryGraphQLCoreExecutionContext, name, None)
        assert method is not None, f"Executor.{name} is gone: {RECHECK}"
        found = list(inspect.signature(method).parameters)[1:]
        assert found == parameters, f"Executor.{name}{found} changed: {RECHECK}"


def test_paths_field_details_and_collected_subfields_keep_their_shapes() -> None:
    assert Path._fields == ("prev", "key", "typename"), RECHECK
    assert PATH_NEW(Path, (None, "a", "Query")) == Path(None, "a", "Query"), RECHECK
    assert {"node", "fragment_variable_values"} <= set(FieldDetails._fields), RECHECK
    schema = build_schema("type Query { a: A } type A { b: Int }")
    executor = Executor.build(schema, parse("{ a { b } }"))
    assert isinstance(executor, Executor)
    assert executor.variable_values.coerced == {}, RECHECK
    root = collect_fields(
        schema,
        executor.fragments,
        executor.variable_values,
        schema.query_type,
        executor.operation,
        False,
    )
    collected = executor.collect_subfields(schema.type_map["A"], root[0]["a"])
    assert len(collected) == 3, RECHECK  # (grouped field set, new defer usages, forbidden)
    grouped, defers, _ = collected
    assert list(grouped) == ["b"], RECHECK
    assert not defers, RECHECK
    assert grouped["b"][0].node.name.value == "b", RECHECK


class _Recording(Executor):
    """An executor that keeps the extra keyword argument ``execute`` hands it."""

    def __init__(self, *args: Any, marker: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marker = marker

    def execute_fields(self, *_: Any) -> Any:
        return {"a": self.marker}


def test_execute_hands_custom_arguments_to_the_executor_class() -> None:
    schema = build_schema("type Query { a: String }")
    result = execute(schema, parse("{ a }"), executor_class=_Recording, marker="seen")
    assert result == ({"a": "seen"}, None), RECHECK  # type: ignore[comparison-overlap]


@strawberry.interface(name="Named", description="Named.")
class _Named:
    name: str = strawberry.field(description="Name.")


@strawberry.type(name="Thing", description="A thing.")
class _Thing(_Named):
    size: int = strawberry.field(description="Size.")

    @strawberry.field(description="Twice the size.")
    def double(self, by: int = 2) -> int:
        return self.size * by


@strawberry.enum(name="Mood", description="A mood.")
class _Mood(enum.Enum):
    LOW = "low"


@strawberry.type(name="Query", description="Root.")
class _Query:
    @strawberry.field(description="A thing.")
    def thing(self) -> _Thing:
        return _Thing(name="t", size=1)

    @strawberry.field(description="A mood.")
    def mood(self) -> _Mood:
        return _Mood.LOW


class _Preset(SchemaExtension):
    """Sets the result in on_execute, as api.execution.compiled does."""

    def on_execute(self) -> Iterator[None]:
        self.execution_context.result = graphql.ExecutionResult(data={"preset": True})
        yield


def test_strawberry_definitions_resolvers_and_is_type_of_are_where_the_plans_look() -> None:
    schema = strawberry.Schema(query=_Query, types=[_Thing])
    assert isinstance(schema._schema, graphql.GraphQLSchema), RECHECK
    thing = schema._schema.type_map["Thing"]
    size, double = thing.fields["size"], thing.fields["double"]
    assert DEFINITION_BACKREF in size.extensions, RECHECK
    assert definition_of(size).python_name == "size", RECHECK
    assert has_default_resolver(size), RECHECK
    assert not has_default_resolver(double), RECHECK
    resolver = definition_of(double).base_resolver
    for attribute in (
        "is_async",
        "self_parameter",
        "info_parameter",
        "root_parameter",
        "parent_parameter",
        "wrapped_func",
    ):
        assert hasattr(resolver, attribute), f"StrawberryResolver.{attribute}: {RECHECK}"
    assert definition_of(double.args["by"]).python_name == "by", RECHECK
    assert definition_of(thing) is not None, RECHECK
    assert plain_is_type_of(thing), RECHECK
    assert thing.is_type_of(_Thing(name="t", size=1), None) is True, RECHECK
    # a plain instance of the type's own class is accepted without a call ...
    assert own_class(thing) is _Thing, RECHECK
    # ... unless strawberry.cast marked it, in its __dict__
    marked = strawberry.cast(_Thing, _Thing(name="t", size=1))
    assert TYPE_CAST_ATTRIBUTE in vars(marked), RECHECK
    # an enum type coerces the members of its Python enum to their names
    mood = schema._schema.type_map["Mood"]
    assert enum_class(mood) is _Mood, RECHECK
    assert mood.coerce_output_value(_Mood.LOW) == "LOW", RECHECK


async def test_strawberry_skips_the_executor_when_on_execute_set_the_result() -> None:
    schema = strawberry.Schema(query=_Query, extensions=[_Preset])
    result = await schema.execute("{ thing { size } }")
    assert result.data == {"preset": True}, RECHECK
    assert implements_field_middleware(_Preset()) is False, RECHECK


@strawberry.type
class _Seen:
    @strawberry.field
    def nodes(self, info: strawberry.Info) -> str:
        raw = graphql_info(info)
        assert set(graphql.GraphQLResolveInfo._fields) <= set(raw._fields), RECHECK
        names = [node.name.value for node in raw.field_nodes]
        return f"{names}:{sorted(raw.fragments)}"


async def test_strawberrys_info_keeps_graphql_cores_resolve_info_with_its_ast() -> None:
    # api.posts.assemble reads latestReplies' arguments from the field's AST through it
    schema = strawberry.Schema(query=_Seen)
    result = await schema.execute("{ ...F } fragment F on Seen { nodes }")
    assert result.errors is None, result.errors
    assert result.data == {"nodes": "['nodes']:['F']"}, RECHECK


def test_per_event_executors_still_share_the_memo_that_hearth_resets() -> None:
    schema = build_schema("type Query { a: Int } type Subscription { a: Int }")
    executor = Executor.build(schema, parse("subscription { a }"))
    assert isinstance(executor, Executor)
    assert isinstance(executor._relevant_sub_fields, dict)
    per_event = executor.build_per_event_executor({"a": 1})
    # graphql-core copies the executor shallowly: the memo is shared unless reset.
    assert per_event._relevant_sub_fields is executor._relevant_sub_fields


def test_firebase_admin_is_the_version_the_fcm_tuning_was_checked_against() -> None:
    # infra/push/fcm.py (tune_fcm_connections, disable_http_retries) and the FCM stand-in
    # reach into firebase-admin's private messaging service and its requests session.
    assert firebase_admin.__version__ == "7.7.0", (
        "firebase-admin changed: re-check infra/push/fcm.py's use of "
        "messaging._get_messaging_service(app)._client.session before updating the pin "
        "(HEARTH_FCM_POOL_SIZE=0 turns the tuning off)"
    )
    assert callable(messaging._get_messaging_service)


def test_firebase_admin_still_has_what_the_pooled_fcm_sender_reads() -> None:
    # infra/push/fcm_pooled.py sends with firebase-admin's URL, headers, credentials and
    # error mapping from its private messaging service (HEARTH_FCM_TRANSPORT=firebase-admin
    # turns the pooled sender off).
    credential = google.oauth2.credentials.Credentials(token="pin-check")
    app = firebase_admin.initialize_app(
        credential,  # type: ignore[arg-type]
        {"projectId": "pin-check"},
        name="pin-check-pooled-sender",
    )
    try:
        service = messaging._get_messaging_service(app)
        assert service._fcm_url == "https://fcm.googleapis.com/v1/projects/pin-check/messages:send"
        assert set(service._fcm_headers) == {"X-GOOG-API-FORMAT-VERSION", "X-FIREBASE-CLIENT"}
        assert service._credential is credential
        assert service._client.timeout == firebase_admin._http_client.DEFAULT_TIMEOUT_SECONDS
        policy = service._client.session.get_adapter(service._fcm_url).max_retries
        assert policy.status_forcelist == [500, 503]
        assert "x-goog-api-client" in firebase_admin._http_client.METRICS_HEADERS
        message = messaging.Message(fid="f", data={"k": "v"})
        assert service.encode_message(message) == {"fid": "f", "data": {"k": "v"}}
        response = requests.Response()
        response.status_code = 404
        response._content = (
            b'{"error": {"code": 404, "status": "NOT_FOUND", "message": "gone", "details": '
            b'[{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", '
            b'"errorCode": "UNREGISTERED"}]}}'
        )
        error = service._handle_fcm_error(requests.exceptions.HTTPError(response=response))
        assert isinstance(error, messaging.UnregisteredError)
        assert error.http_response is response
    finally:
        firebase_admin.delete_app(app)


def test_strawberry_is_the_version_the_render_once_path_was_checked_against() -> None:
    installed = importlib.metadata.version("strawberry-graphql")
    assert installed == STRAWBERRY_VERSION, (
        f"strawberry-graphql {installed} is installed, but api/execution/audience.py was "
        f"checked against {STRAWBERRY_VERSION}: check that its websocket handlers still put "
        "ExecutionResult.data in the message untouched and encode it with the view's "
        "encode_json (the tests below), run tests/unit/test_render_once.py and "
        "tests/api/realtime, then update STRAWBERRY_VERSION and the pin "
        "(HEARTH_LIVE_RENDER_ONCE=false turns the path off meanwhile)."
    )


async def test_graphql_core_runs_each_event_on_what_build_per_event_executor_returns() -> None:
    # api.execution.audience returns a stand-in whose execute_operation is all that runs.
    schema = build_schema("type Query { a: Int } type Subscription { a: Int }")
    done = ExecutionResult({"a": 42}, None)

    class StandIn:
        def execute_operation(self, serially: bool | None = None) -> Any:
            assert serially is False
            return done

    class Building(Executor):
        def build_per_event_executor(self, payload: Any) -> Any:
            return StandIn()

    executor = Building.build(schema, parse("subscription { a }"))
    assert isinstance(executor, Building)

    async def events() -> AsyncIterator[int]:
        yield 1

    results = [r async for r in map_source_to_response_event(executor, events())]
    assert results == [done]


async def test_graphql_core_builds_the_root_fields_info_on_the_subscription_executor_first() -> (
    None
):
    # api.execution.base.SUBSCRIBING: set in build_resolve_info, read by the resolver.
    schema = build_schema("type Query { a: Int } type Subscription { a: Int }")
    seen: list[str] = []

    class Recording(Executor):
        def build_resolve_info(self, *args: Any) -> Any:
            seen.append(f"info on {'the subscription' if self is executor else 'a copy'}")
            return super().build_resolve_info(*args)

    async def events() -> AsyncIterator[int]:
        yield 1

    def subscribe(root: Any, info: Any) -> AsyncIterator[int]:
        seen.append("subscribe")
        return events()

    schema.subscription_type.fields["a"].subscribe = subscribe  # type: ignore[union-attr]
    executor = Recording.build(schema, parse("subscription { a }"))
    assert isinstance(executor, Recording)
    stream = create_source_event_stream(executor)
    if inspect.isawaitable(stream):
        stream = await stream
    assert seen == ["info on the subscription", "subscribe"], (
        "graphql-core no longer builds the subscription root field's info on the "
        "subscription's executor just before calling its subscribe resolver: "
        "api.execution.base.SUBSCRIBING would not give the circle fan-out its executor "
        "(HEARTH_LIVE_RENDER_ONCE=false turns it off meanwhile)"
    )


def test_strawberrys_transport_ws_handler_runs_each_operation_in_its_own_task() -> None:
    # api.http.TransportWSHandler sets api.realtime.fanout.DIRECT in run_operation.
    source = inspect.getsource(BaseGraphQLTransportWSHandler.handle_subscribe)
    assert "asyncio.create_task(self.run_operation(operation))" in source, (
        "Strawberry no longer runs each graphql-transport-ws operation in a task of its "
        "own started with run_operation: re-check api.http.TransportWSHandler"
    )
    assert {"id", "completed"} <= set(Operation.__slots__)


def test_uvicorns_sansio_protocol_uses_its_receive_queue_and_handshake_as_slimmed() -> None:
    # api.realtime.send_deadline.slim_accepted: once accepted, the protocol's queue is a
    # ReceiveQueue (put_nowait, get, empty) and its request and response are dropped.
    source = inspect.getsource(WebSocketsSansIOProtocol)
    queue_uses = set(re.findall(r"self\.queue\.(\w+)", source))
    assert queue_uses == {"put_nowait", "get", "empty"}, (
        f"uvicorn's websockets-sansio protocol now uses {sorted(queue_uses)} of its "
        "receive queue: re-check api.realtime.send_deadline.ReceiveQueue"
    )
    assert re.findall(r"self\.request\b(?! =)", source) == [], (
        "uvicorn's websockets-sansio protocol now reads self.request: re-check "
        "api.realtime.send_deadline.slim_accepted"
    )
    # api.realtime.send_deadline.SendDeadline arms no timer while ``writable`` is set, and
    # api.http._NextWriter.now runs a send to its end in one step then
    awaits = re.findall(r"await [^\n]+", inspect.getsource(WebSocketsSansIOProtocol.send))
    assert awaits == ["await self.writable.wait()"], (
        f"uvicorn's websockets-sansio send now waits for {awaits}: re-check "
        "api.realtime.send_deadline.SendDeadline's fast path and api.http._NextWriter.now"
    )
    accept = inspect.getsource(WebSocketsSansIOProtocol.send)
    handshake = inspect.getsource(WebSocketsSansIOProtocol.handle_connect)
    outside = source.replace(accept, "").replace(handshake, "")
    assert "self.response" not in outside, (
        "uvicorn's websockets-sansio protocol now reads self.response outside the "
        "handshake: re-check api.realtime.send_deadline.slim_accepted"
    )


SERIALISED = orjson.Fragment(b'{"circleActivity":{"__typename":"PostCreated"}}')
EXPECTED = {"circleActivity": {"__typename": "PostCreated"}}


class _Sent:
    """Collects what a Strawberry handler sends, encoded as HearthGraphQL does."""

    def __init__(self) -> None:
        self.frames: list[Any] = []
        self.view = HearthGraphQL.__new__(HearthGraphQL)

    async def send_message(self, message: Any) -> None:
        self.frames.append(orjson.loads(self.view.encode_json(message)))

    def forget_id(self, id: str) -> None:
        pass


async def test_strawberrys_transport_ws_handler_sends_pre_serialised_data_as_is() -> None:
    sent = _Sent()
    operation = Operation(sent, "7", "subscription { a }", None, None)  # type: ignore[arg-type]
    await operation.send_next(StrawberryResult(data=SERIALISED, errors=None))  # type: ignore[arg-type]
    assert sent.frames == [{"id": "7", "type": "next", "payload": {"data": EXPECTED}}]


async def test_strawberrys_legacy_ws_handler_sends_pre_serialised_data_as_is() -> None:
    sent = _Sent()
    result = StrawberryResult(data=SERIALISED, errors=None)  # type: ignore[arg-type]
    await BaseGraphQLWSHandler.send_data_message(sent, result, "7")  # type: ignore[arg-type]
    assert sent.frames == [{"type": "data", "id": "7", "payload": {"data": EXPECTED}}]


def test_uvicorn_is_the_version_the_stalled_socket_reset_was_checked_against() -> None:
    recheck = (
        f"uvicorn {uvicorn.__version__} is installed, but api/realtime/send_deadline.py was "
        f"checked against {UVICORN_VERSION}: check that each websocket protocol still hands "
        "the application its bound send method and keeps the asyncio transport in "
        "self.transport, run tests/api/realtime/test_stalled_socket.py, then update "
        "UVICORN_VERSION and the pin (HEARTH_WS_SEND_TIMEOUT_SECONDS=0 turns the reset off)."
    )
    assert uvicorn.__version__ == UVICORN_VERSION, recheck
    for protocol in (WebSocketsSansIOProtocol, WebSocketProtocol):
        assert inspect.iscoroutinefunction(protocol.send), recheck
        assert "self.transport = transport" in inspect.getsource(protocol.connection_made), recheck


def test_strawberrys_execute_keeps_what_the_direct_lane_takes_over() -> None:
    # api.execution.lane: HearthSchema.execute takes the same arguments, for the view's
    # own call, and answers what Strawberry's execute would (tests/api/test_direct_lane.py)
    recheck = (
        "re-read api/execution/lane.py against strawberry.schema.schema.Schema.execute and "
        f"run tests/api/test_direct_lane.py: {RECHECK} HEARTH_DIRECT_LANE=false turns the "
        "lane off."
    )
    parameters = list(inspect.signature(strawberry.Schema.execute).parameters)
    assert parameters == [
        "self",
        "query",
        "variable_values",
        "context_value",
        "root_value",
        "operation_name",
        "allowed_operation_types",
        "operation_extensions",
    ], recheck
    assert "self.schema.execute(" in inspect.getsource(AsyncBaseHTTPView.execute_single), recheck
    assert {*DEFAULT_ALLOWED_OPERATION_TYPES} == {*OperationType}, recheck
    theirs, ours = _coerce_error(RuntimeError("boom")), lane_error(RuntimeError("boom"))
    assert (theirs.message, type(theirs.original_error)) == (
        ours.message,
        type(ours.original_error),
    ), recheck
