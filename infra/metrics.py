"""Prometheus metrics that operators watch (served at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

KNOWN_PATHS = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})

HTTP_REQUESTS = Counter(
    "hearth_http_requests_total", "HTTP requests served", ["method", "path", "status"]
)
HTTP_LATENCY = Histogram(
    "hearth_http_request_duration_seconds",
    "HTTP request duration",
    ["path"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
GRAPHQL_ERRORS = Counter(
    "hearth_graphql_errors_total", "GraphQL errors returned, by code", ["code"]
)


def path_label(path: str) -> str:
    return path if path in KNOWN_PATHS else "other"


# hearth_subscriptions_active, hearth_subscription_overflows_total and
# hearth_support_first_reply_seconds are observed by resolvers: api/observability.py.

PUSH_SENT = Counter(
    "hearth_push_sent_total",
    "Push messages handed to the push service, by outcome (sent, retry, prune_device, failed)",
    ["outcome"],
)
NOTIFICATIONS_CLAIMED = Counter(
    "hearth_notifications_claimed_total", "Outbox rows claimed by notification workers"
)
NOTIFICATIONS_FINISHED = Counter(
    "hearth_notifications_finished_total",
    "Claimed outbox rows by what happened (sent, retry, failed, inbox_only, deferred)",
    ["status"],
)
NOTIFICATIONS_LEASE_LOST = Counter(
    "hearth_notifications_lease_lost_total",
    "Rows whose lease expired before the worker recorded the outcome (possible duplicate push)",
)
NOTIFICATION_DELIVERY_SECONDS = Histogram(
    "hearth_notification_delivery_seconds",
    "From the notification's creation to the push service accepting it",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 28800),
)
EVENTS_UNPUBLISHED = Counter(
    "hearth_events_unpublished_total",
    "Events that could not be published to Redis even after a retry on a fresh connection; "
    "their subscribers were told that events may have been missed",
)

GRAPHQL_OPERATIONS = Histogram(
    "hearth_graphql_operation_duration_seconds",
    "GraphQL operations by name (a bounded set: names past it count as 'other') and type",
    ["operation", "type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_BACKLOG = Gauge(
    "hearth_outbox_backlog", "Notifications waiting to be sent (PENDING), read at each scrape"
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "hearth_outbox_oldest_pending_seconds",
    "Age of the oldest PENDING notification that is due, read at each scrape (0 when none)",
)
DB_POOL_IN_USE = Gauge("hearth_db_pool_in_use", "Database connections checked out of the pool")
DB_POOL_SIZE = Gauge("hearth_db_pool_size", "Database pool size (connections it keeps)")
DB_POOL_OVERFLOW = Gauge(
    "hearth_db_pool_overflow", "Connections open beyond the pool size (negative: room left)"
)
DB_POOL_WAITING = Gauge(
    "hearth_db_pool_waiting",
    "Checkouts waiting for a database connection (the pool and its overflow all in use)",
)
EVENT_LAG = Histogram(
    "hearth_event_delivery_lag_seconds",
    "From an event's commit to its delivery to this process's subscribers (bus lag)",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

MAX_OPERATION_NAMES = 200
_operation_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The operation's name as a metric label: the first ``MAX_OPERATION_NAMES`` distinct
    well-formed names keep theirs, later or odd ones count as "other"."""
    if not name:
        return "anonymous"
    if name in _operation_names:
        return name
    if len(_operation_names) >= MAX_OPERATION_NAMES or not name.isidentifier() or len(name) > 64:
        return "other"
    _operation_names.add(name)
    return name


RISK_DETECTOR_ERRORS = Counter(
    "hearth_risk_detector_errors_total",
    "Texts the risk detector failed on (saved anyway and rated CONCERN, 'detector error')",
)
RISK_RATINGS = Counter(
    "hearth_risk_ratings_total", "Texts rated by the risk detector, by level", ["level"]
)
SAFETY_REALERTS = Counter(
    "hearth_safety_realerts_total", "Unacknowledged URGENT safety items alerted again"
)

SUPPORT_UNANSWERED_OVER_1H = Gauge(
    "hearth_support_unanswered_over_1h",
    "Visible posts of the last 7 days with no reply after an hour (set by the nudge job)",
)
SUPPORT_NUDGES_SENT = Counter(
    "hearth_support_nudges_sent_total",
    "Pushes asking an available member to look at an unanswered post",
)
