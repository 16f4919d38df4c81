"""The UUID inside a global ID, for tests that check an order the API promises."""

from __future__ import annotations

from uuid import UUID

from api.node import from_global_id


def uuid_of(global_id: str) -> UUID:
    parsed = from_global_id(global_id)
    assert parsed is not None, global_id
    return parsed[1]
