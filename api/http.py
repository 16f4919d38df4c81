"""The GraphQL endpoint over HTTP and websockets.

Follows the GraphQL-over-HTTP spec: a client that accepts
``application/graphql-response+json`` gets that media type and the spec's status
codes (400 for a request error such as a syntax or validation failure); a
client that accepts only ``application/json`` gets 200 as before. A mutation
sent with GET is answered 405.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLSyntaxError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from api.context import Context
from api.errors import HearthError, TopLevelCode
from api.realtime import fanout, send_deadline
from api.realtime import websocket as realtime

GRAPHQL_RESPONSE = "application/graphql-response+json"


def wants_graphql_response(accept: str) -> bool:
    """True when the Accept header lists the GraphQL response media type (q > 0)."""
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if media.lower() != GRAPHQL_RESPONSE:
            continue
        q = next((p.split("=", 1)[1] for p in params if p.lower().startswith("q=")), "1")
        try:
            return float(q) > 0
        except ValueError:
            return False
    return False


def is_request_error(result: ExecutionResult) -> bool:
    """A request error (syntax, validation, limits) has no data and no error paths."""
    return (
        result.data is None
        and bool(result.errors)
        and all(e.path is None for e in result.errors or [])
    )


def _is_operation(item: object) -> bool:
    """One operation of a batch: strawberry checks these types only for single
    operations, and an int ``query`` would otherwise fail deep in the parser."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("query"), str | None)
        and isinstance(item.get("variables"), dict | None)
        and isinstance(item.get("extensions"), dict | None)
        and isinstance(item.get("operationName"), str | None)
    )


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, closing a refused ``connection_init`` with its own code
    (Strawberry's rejection is always 4403), and letting each operation's live events
    be written as pre-serialised ``next`` messages (``api.realtime.fanout.DIRECT``)."""

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        # The operation's own task: the context variable holds for its life.
        writable = self.context.request.scope.get(send_deadline.WRITABLE)
        fanout.DIRECT.set(_NextWriter(self, operation, writable))
        await super().run_operation(operation)

    async def _send_next(self, operation: Operation[Context, None], data: orjson.Fragment) -> None:
        """One ``next`` message whose ``data`` is already serialised: the message
        Strawberry's ``Operation.send_next`` sends for it (no errors, no extensions),
        encoded as ``HearthGraphQL.encode_json`` does."""
        if operation.completed:
            return
        websocket: WebSocket = self.context.request
        message = {"id": operation.id, "type": "next", "payload": {"data": data}}
        try:
            await websocket.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:  # as Strawberry's own sends report it
            raise WebSocketDisconnected from exc

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await super().handle_connection_init(message)
        except realtime.SocketRejected as rejected:
            await self.websocket.close(code=rejected.code, reason=rejected.reason)
        finally:
            # cancelled by the init above, but kept for the socket's life otherwise
            timeout = self.connection_init_timeout_task
            if timeout is not None and timeout.done():
                self.connection_init_timeout_task = None


class _NextWriter:
    """An operation's :class:`api.realtime.fanout.Writer`."""

    __slots__ = ("_handler", "_operation", "_writable")

    def __init__(
        self,
        handler: TransportWSHandler,
        operation: Operation[Context, None],
        writable: asyncio.Event | None,
    ) -> None:
        self._handler = handler
        self._operation = operation
        self._writable = writable

    async def __call__(self, data: Any) -> None:
        await self._handler._send_next(self._operation, data)

    def now(self, data: Any) -> bool:
        """Run the send to its end here when the socket is writable: uvicorn's
        ``websockets-sansio`` send then waits for nothing (``api.realtime.send_deadline``),
        nor do Starlette's and the deadline's wrappers, so the coroutine finishes at its
        first step (``tests/unit/test_library_pins.py``)."""
        writable = self._writable
        if writable is None or not writable.is_set():
            return False
        sending = self._handler._send_next(self._operation, data)
        try:
            sending.send(None)
        except StopIteration:
            return True
        sending.close()
        raise RuntimeError("a websocket send waited although its socket was writable")


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """The legacy graphql-ws protocol: a ``connection_error`` with the reason and the
    code, then the close."""

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await super().handle_connection_init(message)
        except realtime.SocketRejected as rejected:
            payload = {"reason": rejected.reason, "code": int(rejected.code)}
            await self.send_message({"type": "connection_error", "payload": payload})
            await self.websocket.close(code=rejected.code, reason=rejected.reason)


def is_subscription(query: object, operation_name: object) -> bool:
    """True when the operation to run is a subscription (the document is parsed only
    when it mentions the keyword; a broken one is left to the normal path)."""
    if not isinstance(query, str) or "subscription" not in query:
        return False
    try:
        operation = get_operation_ast(
            parse(query), operation_name if isinstance(operation_name, str) else None
        )
    except GraphQLSyntaxError:
        return False
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


def subscription_over_http() -> ExecutionResult:
    """The request error for a subscription sent over HTTP: subscriptions run only
    over a websocket (the graphql-transport-ws or graphql-ws protocols)."""
    error = HearthError("Subscriptions need a websocket.", TopLevelCode.BAD_USER_INPUT)
    return ExecutionResult(data=None, errors=[error])


class HearthGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        services = request.app.state.services
        header = request.headers.get("authorization")
        context = Context.from_authorization(services, header, request=request, response=response)
        if isinstance(request, WebSocket):
            request.state.hearth_context = context
        return context

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL for a browser's GET without a query, but not for a persisted query
        sent by GET (its hash is in ``extensions``, and there is no ``query``)."""
        return super().should_render_graphql_ide(request) and not request.query_params.get(
            "extensions"
        )

    async def on_ws_connect(self, context: Context) -> dict[str, Any]:
        return await realtime.connect(context)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        finally:
            if isinstance(request, WebSocket):
                realtime.disconnect(request, getattr(request.state, "hearth_context", None))

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        accept = request.headers.get("accept", "")
        sub_response.graphql_response = wants_graphql_response(accept)  # type: ignore[attr-defined]
        sub_response.method = request.scope.get("method")  # type: ignore[attr-defined]
        sub_response.signed_in = "authorization" in request.headers  # type: ignore[attr-defined]
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        if is_request_error(result):
            data.pop("data", None)
        return data

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        # orjson.JSONDecodeError subclasses json.JSONDecodeError, so malformed JSON
        # (and invalid UTF-8) is answered 400 by strawberry's parse_json.
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        """A request body (or GET ``variables``/``extensions``) must be a JSON object,
        or a list of objects for a batch: anything else is a 400, never a 500."""
        parsed = super().parse_json(data)
        if isinstance(parsed, dict) or (
            isinstance(parsed, list) and all(_is_operation(item) for item in parsed)
        ):
            return parsed
        raise HTTPException(400, "The request must be a JSON object (or a list of operations).")

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if (
            getattr(sub_response, "persisted", False)
            and getattr(sub_response, "method", "") == "GET"
        ):
            # A persisted query over GET can be cached by a CDN, but only a signed-out
            # answer without errors may be shared; a member's answer is theirs alone.
            response.headers["vary"] = "Authorization, Accept"
            shared = (
                not getattr(sub_response, "signed_in", True)
                and isinstance(response_data, dict)
                and not response_data.get("errors")
            )
            response.headers["cache-control"] = (
                "public, max-age=60" if shared else "private, no-store"
            )
        if getattr(sub_response, "graphql_response", False):
            response.headers["content-type"] = GRAPHQL_RESPONSE + "; charset=utf-8"
            single = response_data if isinstance(response_data, dict) else None
            if single is not None and "data" not in single and not sub_response.status_code:
                response.status_code = 400
        return response

    async def execute_single(
        self, request: Any, request_adapter: Any, *args: Any, **kw: Any
    ) -> Any:
        data = kw.get("request_data")
        if data is not None and is_subscription(data.query, data.operation_name):
            return subscription_over_http()
        try:
            return await super().execute_single(request, request_adapter, *args, **kw)
        except HTTPException as exc:
            if request_adapter.method == "GET" and "not allowed when using GET" in exc.reason:
                raise HTTPException(405, exc.reason) from exc
            raise
