"""Scalars whose wire format Hearth fixes for clients (docs/api.md, "Wire formats")."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry


def serialize_datetime(value: datetime) -> str:
    """RFC 3339 in UTC with ``Z``: ``2026-12-05T08:00:00Z``, with microseconds when
    there are any (``2026-12-05T08:00:00.250000Z``)."""
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


DateTime = strawberry.scalar(
    datetime,
    name="DateTime",
    description="A moment in time. Sent as RFC 3339 in UTC with `Z` "
    "(`2026-12-05T08:00:00Z`, fractions of a second when there are any). Accepted as "
    "RFC 3339 with `Z` or an offset (`2026-12-05T09:00:00+01:00`).",
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)

SCALAR_OVERRIDES = {datetime: DateTime}
