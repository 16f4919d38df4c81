"""Data export (GDPR article 20): a member asks, the worker builds the document.

Rules: at most ``EXPORTS_PER_DAY`` requests in any 24 hours (``RATE_LIMITED``); a
finished export can be downloaded for ``EXPORT_TTL`` and is then purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.clock import Clock
from domain.errors import DomainError, ErrorCode
from domain.uow import UnitOfWork

EXPORTS_PER_DAY = 3
EXPORT_TTL = timedelta(hours=24)
EXPORT_SCHEMA_VERSION = "1.3"
"""The export document's ``schemaVersion`` (``docs/export.schema.json``): the major
number changes when a field is removed or changes meaning, the minor one when
sections or fields are added."""


class ExportStatus(StrEnum):
    PENDING = "PENDING"
    """Waiting for (or being built by) the worker."""
    READY = "READY"
    """Built: downloadable until ``expires_at``."""
    FAILED = "FAILED"
    """Could not be built (the member may ask again)."""


@dataclass(frozen=True, slots=True)
class DataExport:
    id: UUID
    member_id: UUID
    status: ExportStatus
    requested_at: datetime
    expires_at: datetime
    completed_at: datetime | None = None
    byte_size: int = 0


async def request_export(member_id: UUID, uow: UnitOfWork, clock: Clock) -> DataExport:
    """Start an export; the worker builds it."""
    now = clock.now()
    async with uow:
        if await uow.exports.requested_since(member_id, now - timedelta(days=1)) >= EXPORTS_PER_DAY:
            raise DomainError(
                ErrorCode.RATE_LIMITED,
                f"You can ask for {EXPORTS_PER_DAY} exports a day. Try again tomorrow.",
            )
        export = DataExport(uuid4(), member_id, ExportStatus.PENDING, now, now + EXPORT_TTL)
        await uow.exports.add(export)
        await uow.commit()
    return export
