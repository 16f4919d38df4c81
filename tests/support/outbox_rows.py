"""Rows of the notification outbox and their members, written straight into the
database for tests of the worker's SQL (``infra/worker/outbox.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4


def member_row(uid: str, timezone: str, at: datetime) -> dict[str, Any]:
    """A member who has onboarded, in ``timezone``."""
    return {
        "id": uuid4(),
        "firebase_uid": uid,
        "display_name": uid,
        "display_name_key": uid,
        "timezone": timezone,
        "region": "GB",
        "created_at": at,
        "updated_at": at,
        "guidelines_version": "2026-11",
        "guidelines_accepted_at": at,
        "adult_confirmed_at": at,
    }


def push_row(member_id: UUID, at: datetime, status: str = "SENT", **more: Any) -> dict[str, Any]:
    """A REPLY notification created at ``at``; ``sent_at`` is ``at`` when it was SENT."""
    return {
        "id": uuid4(),
        "member_id": member_id,
        "kind": "REPLY",
        "title": "New reply",
        "body": "Open Hearth to read it.",
        "data": {},
        "dedupe_key": f"t:{uuid4()}",
        "count": 1,
        "urgent": False,
        "status": status,
        "attempts": 1,
        "next_attempt_at": at,
        "created_at": at,
        "sent_at": at if status == "SENT" else None,
        # every row names the same columns, so that a list of them is one insert
        "collapse_key": None,
        "claimed_by": None,
        "claimed_until": None,
        **more,
    }


def device_row(member_id: UUID, token: str, at: datetime) -> dict[str, Any]:
    """An Android device of the member, registered at ``at``."""
    return {
        "token": token,
        "member_id": member_id,
        "platform": "android",
        "app_version": "1.0",
        "locale": "en-GB",
        "created_at": at,
        "last_seen_at": at,
    }
