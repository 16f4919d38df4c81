"""Signed, expiring download links for exports: HMAC-SHA256 with HEARTH_SECRET_KEY
over the export id, its member and the expiry."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode
from uuid import UUID

DOWNLOAD_PREFIX = "/exports/"


def signature(secret: str, export_id: UUID, member_id: UUID, expires: int) -> str:
    message = f"data-export:{export_id}:{member_id}:{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def download_path(secret: str, export_id: UUID, member_id: UUID, expires: int) -> str:
    query = urlencode({"expires": expires, "sig": signature(secret, export_id, member_id, expires)})
    return f"{DOWNLOAD_PREFIX}{export_id}?{query}"


def is_signed(secret: str, export_id: UUID, member_id: UUID, expires: int, sig: str) -> bool:
    return hmac.compare_digest(signature(secret, export_id, member_id, expires), sig)


class SignedExportLinks:
    """``domain.privacy.reads.ExportLinks`` signed with the deployment's secret key."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def download_path(self, export_id: UUID, member_id: UUID, expires: int) -> str:
        return download_path(self._secret, export_id, member_id, expires)

    def is_signed(self, export_id: UUID, member_id: UUID, expires: int, sig: str) -> bool:
        return is_signed(self._secret, export_id, member_id, expires, sig)
