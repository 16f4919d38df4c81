"""Prometheus metrics that operators watch (served at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

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
