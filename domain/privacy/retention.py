"""How long Hearth keeps what (enforced by the worker's retention job; see
docs/privacy.md)."""

from __future__ import annotations

from datetime import timedelta

from domain.privacy.export import EXPORT_TTL

REMOVED_CONTENT = timedelta(days=30)
"""Tombstones of removed posts and replies (their words are gone at removal) are
deleted after this, unless a post still has visible replies (the thread's shape)."""
READ_NOTIFICATIONS = timedelta(days=90)
"""Inbox items are deleted this long after they were read."""
UNREAD_NOTIFICATIONS = timedelta(days=180)
"""Inbox items never read (delivered, or shown in the inbox only) are deleted this long
after they were created: Hearth does not keep, for ever, a record of what happened
around someone who stopped opening the app."""
OUTBOX = timedelta(days=7)
"""Notifications still undelivered (pending, sending or failed) after this are
dropped: a week-old push helps no one."""
EXPORTS = EXPORT_TTL
"""Data exports are deleted once they expire (24 hours after they became ready)."""
