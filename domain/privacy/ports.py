"""Ports of the data-rights area."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from domain.circles.model import Membership

if TYPE_CHECKING:
    from domain.privacy.export import DataExport
from domain.privacy.model import Consent, ConsentKind


class ConsentRepository(Protocol):
    """Consents a member gave (the guidelines consent lives on the member's profile)."""

    async def add(self, consent: Consent) -> None: ...

    async def active(self, member_id: UUID, kind: ConsentKind) -> Consent | None:
        """The member's consent of this kind that is not withdrawn, if any."""
        ...

    async def of_member(self, member_id: UUID) -> list[Consent]:
        """Every consent the member gave, oldest first."""
        ...

    async def withdraw(self, member_id: UUID, kind: ConsentKind, at: datetime) -> None:
        """Mark the member's active consent of this kind withdrawn."""
        ...

    async def members_with_active(self, member_ids: Sequence[UUID], kind: ConsentKind) -> set[UUID]:
        """Those of ``member_ids`` who have an active consent of this kind."""
        ...


class HealthDataEraser(Protocol):
    """Removes everything a member stored under the health-data consent."""

    async def erase_health_data(self, member_id: UUID) -> int:
        """Delete the member's check-ins (notes and shares with them), reminder
        settings and check-in reminder notifications; returns the check-ins deleted."""
        ...


class AccountEraser(Protocol):
    """Removes a member's account and everything linked to it (see ``erase``)."""

    async def memberships_of(self, member_id: UUID) -> list[Membership]:
        """Every membership of the member (any status)."""
        ...

    async def active_members(self, circle_id: UUID) -> list[Membership]:
        """The circle's active memberships, longest-standing first."""
        ...

    async def erase(self, member_id: UUID, delete_content: bool, now: datetime) -> None:
        """Delete the member's profile and every row that links to them.

        Posts and replies are re-attributed to the shared "former member" profile
        (``FORMER_MEMBER_ID``), with their bodies emptied and marked removed when
        ``delete_content``. Reports and other safety records they made stay only as
        anonymous counts. Notifications about them still waiting in the outbox are
        dropped; delivered ones lose any preview of their words."""
        ...


class SignInAccounts(Protocol):
    """The sign-in provider's accounts (Firebase Authentication)."""

    async def delete(self, firebase_uid: str) -> bool:
        """Delete the sign-in account when the deployment is set to; True when it
        was deleted. Never raises: the Hearth account is already gone."""
        ...


class ExportRepository(Protocol):
    """Data exports (their documents are written by the worker, outside the domain)."""

    async def add(self, export: DataExport) -> None: ...

    async def requested_since(self, member_id: UUID, since: datetime) -> int:
        """How many exports the member asked for at or after ``since``."""
        ...
