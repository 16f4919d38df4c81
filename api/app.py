"""The Starlette application. ``create_app`` is the uvicorn factory:

uvicorn api.app:create_app --factory
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asgi_correlation_id import CorrelationIdMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute

from api.health import healthz, metrics, readyz
from api.http import HearthGraphQL
from api.middleware import AccessLogMiddleware, BodyLimitMiddleware, WebSocketLane
from api.privacy.exports import download_export
from api.realtime.send_deadline import SendDeadline
from api.realtime.websocket import MAX_SUBSCRIPTIONS_PER_CONNECTION
from api.wiring import build_schema, build_services, close_services
from infra.logging import configure_logging
from infra.persisted_queries import ManifestError
from infra.settings import Settings, load_settings


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app. Refuses unsafe production settings (exits non-zero)."""
    settings = settings or load_settings()
    configure_logging(settings.hearth_log_level, json=settings.log_json)
    try:
        schema = build_schema(settings)
    except ManifestError as exc:
        raise SystemExit(f"Refusing to start: {exc}.") from exc
    view = HearthGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
        max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
        keep_alive=True,
        keep_alive_interval=20,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = await build_services(settings)
        app.state.services = services
        gc.collect()
        gc.freeze()  # start-up objects never move to the young generations again
        try:
            yield
        finally:
            await close_services(services)

    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),  # reached through WebSocketLane
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/exports/{export_id}", download_export, methods=["GET"]),
        ],
        middleware=[
            # first, so that it holds the server's own websocket send
            Middleware(
                SendDeadline,
                seconds=settings.hearth_ws_send_timeout_seconds,
                buffer_bytes=settings.hearth_ws_send_buffer_bytes,
            ),
            Middleware(CorrelationIdMiddleware, header_name="X-Request-ID"),
            Middleware(WebSocketLane, path="/graphql", endpoint=view),
            Middleware(AccessLogMiddleware),
            Middleware(BodyLimitMiddleware, max_bytes=settings.hearth_max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.graphql_schema = schema  # for benchmarks and tests that inspect it
    return app
