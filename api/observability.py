"""What the access log says about a request beyond HTTP: the GraphQL operation's name
and a pseudonymous member id (an HMAC of the member's id, never the id itself), so
that operators can follow one member's requests without learning who they are."""

from __future__ import annotations

import hashlib
import hmac
from contextvars import ContextVar
from uuid import UUID

from prometheus_client import Counter, Gauge, Histogram

# Metrics that resolvers observe, in prometheus_client's default registry like
# infra.metrics' (so /metrics shows them all).
SUBSCRIPTIONS_ACTIVE = Gauge(
    "hearth_subscriptions_active", "GraphQL subscriptions currently streaming in this process"
)
SUBSCRIPTION_OVERFLOWS = Counter(
    "hearth_subscription_overflows_total", "Subscriptions ended because the client fell behind"
)
WEBSOCKETS_STALLED = Counter(
    "hearth_websocket_stalled_total",
    "Websockets dropped because their client read nothing for HEARTH_WS_SEND_TIMEOUT_SECONDS",
)
SUBSCRIPTION_EXECUTIONS = Counter(
    "hearth_subscription_executions_total",
    "Executions of a subscription's document for one event: once for a whole audience "
    "(same document, same view of the event), or once for one subscriber",
    ["per"],
)
LIVE_DELIVERIES = Counter(
    "hearth_live_deliveries_total",
    "Live circle events sent to one subscription: as a pre-serialised frame written "
    "straight to its socket, or through GraphQL execution for that subscription",
    ["sent_as"],
)
SUPPORT_FIRST_REPLY_SECONDS = Histogram(
    "hearth_support_first_reply_seconds",
    "Time from a post to its first reply by someone other than its author",
    buckets=(60, 300, 600, 1200, 1800, 3600, 7200, 14400, 43200, 86400, 259200),
)
PLAN_RUNS = Counter(
    "hearth_graphql_plan_runs_total",
    "Operations of persisted or trusted documents that ran on a compiled plan",
)
PLAN_FALLBACKS = Counter(
    "hearth_graphql_plan_fallbacks_total",
    "Operations of persisted or trusted documents (or selections of them) that ran on "
    "graphql-core instead of a compiled plan, by reason (incremental, fragment_variables, "
    "subscription, middleware, variants, compile_error; store_rendering: a feed page "
    "PostgreSQL could not render, read into Python objects instead)",
    ["reason"],
)
DIRECT_LANE_RUNS = Counter(
    "hearth_graphql_direct_lane_runs_total",
    "Operations of known documents run on their plan without Strawberry's extension "
    "pipeline (api.execution.lane, HEARTH_DIRECT_LANE)",
)
STORE_RENDERED = Counter(
    "hearth_graphql_store_rendered_total",
    "Pages of known documents (a circle's posts, a post's replies) that the store "
    "rendered to JSON (api.posts.rendered)",
)

# A dict per request, set by the access-log middleware and filled in as the request
# runs (a dict, so that child tasks' notes reach the middleware too).
REQUEST_LOG: ContextVar[dict[str, str] | None] = ContextVar("hearth_request_log", default=None)


def note(**fields: str) -> None:
    """Add fields to this request's access log line (no-op outside a request)."""
    current = REQUEST_LOG.get()
    if current is not None:
        current.update(fields)


def member_hash(secret: str, member_id: UUID) -> str:
    """A stable pseudonym for a member in logs: 16 hex characters of an HMAC."""
    digest = hmac.new(secret.encode(), member_id.bytes, hashlib.sha256).hexdigest()
    return digest[:16]
