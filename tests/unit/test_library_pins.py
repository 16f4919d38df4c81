"""Library internals Hearth relies on for speed or correctness are pinned exactly; a
version change fails here, loudly, before anything subtle breaks elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.metadata import version
from typing import Any

import firebase_admin
import graphql
import orjson
from firebase_admin import messaging
from graphql import ExecutionResult, build_schema, map_source_to_response_event, parse
from graphql.execution.executor import Executor
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types import ExecutionResult as StrawberryResult

from api.execution.audience import STRAWBERRY_VERSION
from api.execution.base import GRAPHQL_CORE_VERSION
from api.http import HearthGraphQL


def test_graphql_core_is_the_version_the_executor_internals_were_checked_against() -> None:
    assert graphql.version == GRAPHQL_CORE_VERSION, (
        f"graphql-core {graphql.version} is installed, but api/execution was checked against "
        f"{GRAPHQL_CORE_VERSION}: re-read its use of Executor internals (execute_fields, "
        "_relevant_sub_fields, build_per_event_executor), run tests/unit/test_execution.py and "
        "tests/unit/test_subscription_memory.py, then update GRAPHQL_CORE_VERSION and the pin."
    )


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


def test_strawberry_is_the_version_the_render_once_path_was_checked_against() -> None:
    installed = version("strawberry-graphql")
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
