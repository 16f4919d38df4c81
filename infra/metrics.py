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


SUBSCRIPTIONS_ACTIVE = Gauge(
    "hearth_subscriptions_active", "GraphQL subscriptions currently streaming in this process"
)
SUBSCRIPTION_OVERFLOWS = Counter(
    "hearth_subscription_overflows_total", "Subscriptions ended because the client fell behind"
)

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
