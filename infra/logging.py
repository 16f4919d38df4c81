"""Logging: JSON lines with a request id in production, readable text in development.

Bodies of posts, replies and check-in notes, and bearer tokens, are never logged:
the access log omits query strings and GraphQL errors are logged without their
messages (which may echo input values).
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "levelname": "level",
                "asctime": "time",
                "correlation_id": "request_id",
            },
        }
        if json
        else {"format": "%(asctime)s %(levelname)-7s [%(correlation_id)s] %(name)s: %(message)s"}
    )
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "correlation_id": {
                    "()": "asgi_correlation_id.CorrelationIdFilter",
                    # Not truncated: the logged id must equal the X-Request-ID header
                    # (a client-supplied UUID has 36 characters).
                    "default_value": "-",
                }
            },
            "formatters": {"default": formatter},
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "formatter": "default",
                    "filters": ["correlation_id"],
                }
            },
            "root": {"handlers": ["stdout"], "level": level.upper()},
            "loggers": {
                "uvicorn.access": {"level": "WARNING"},
                "strawberry.execution": {"level": "CRITICAL"},
                # Both log statements with their parameters (bodies, private notes)
                # at DEBUG / INFO: never let them, whatever HEARTH_LOG_LEVEL says.
                "aiosqlite": {"level": "WARNING"},
                "sqlalchemy.engine": {"level": "WARNING"},
            },
        }
    )
