"""When an export may be downloaded, decided in domain/privacy/reads.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.privacy.export import DataExport, ExportStatus
from domain.privacy.reads import downloadable, link_expiry

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
MEMBER = uuid4()


def _export(status: ExportStatus, expires_in: timedelta) -> DataExport:
    return DataExport(uuid4(), MEMBER, status, NOW - timedelta(hours=1), NOW + expires_in)


def test_a_link_is_offered_only_for_a_ready_unexpired_export() -> None:
    ready = _export(ExportStatus.READY, timedelta(hours=2))
    assert link_expiry(ready, NOW) == int(ready.expires_at.timestamp())
    assert link_expiry(_export(ExportStatus.PENDING, timedelta(hours=2)), NOW) is None
    assert link_expiry(_export(ExportStatus.READY, -timedelta(seconds=1)), NOW) is None


def test_only_the_member_downloads_and_only_before_either_expiry() -> None:
    ready = _export(ExportStatus.READY, timedelta(hours=2))
    later = int((NOW + timedelta(hours=1)).timestamp())
    assert downloadable(ready, MEMBER, later, NOW) is True
    assert downloadable(ready, uuid4(), later, NOW) is None
    assert downloadable(None, MEMBER, later, NOW) is None
    assert downloadable(ready, MEMBER, int(NOW.timestamp()), NOW) is False
    failed = _export(ExportStatus.FAILED, timedelta(hours=2))
    assert downloadable(failed, MEMBER, later, NOW) is False


def test_no_link_at_the_instant_the_export_expires() -> None:
    assert link_expiry(_export(ExportStatus.READY, timedelta(0)), NOW) is None
