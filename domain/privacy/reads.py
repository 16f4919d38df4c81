"""What the API reads about data exports, and who may download one."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.privacy.export import DataExport, ExportStatus


class ExportReads(Protocol):
    async def own_exports(self, member_id: UUID) -> list[DataExport]:
        """The member's exports, newest first (purged ones are gone)."""
        ...

    async def export_by_id(self, export_id: UUID) -> DataExport | None: ...

    async def chunk(self, export_id: UUID, seq: int) -> str | None:
        """The document's ``seq``-th piece; None past the last one."""
        ...


class ExportLinks(Protocol):
    """Signed download links (the signing key stays with the adapter)."""

    def download_path(self, export_id: UUID, member_id: UUID, expires: int) -> str: ...

    def is_signed(self, export_id: UUID, member_id: UUID, expires: int, sig: str) -> bool: ...


def link_expiry(export: DataExport, now: datetime) -> int | None:
    """When a download link to the export would expire (a Unix time), or None when the
    export cannot be downloaded now (not built, or expired)."""
    expires = int(export.expires_at.timestamp())
    if export.status is ExportStatus.READY and now.timestamp() < expires:
        return expires
    return None


def downloadable(
    export: DataExport | None, member_id: UUID, link_expires: int, now: datetime
) -> bool | None:
    """Whether the member may download the export through a link expiring at
    ``link_expires``: None when it is not theirs (or not there: both read "not found"),
    False when it is no longer ready or either the link or the export expired."""
    if export is None or export.member_id != member_id:
        return None
    ends = min(link_expires, export.expires_at.timestamp())
    return export.status is ExportStatus.READY and now.timestamp() < ends
