"""The SQL unit of work: one session and transaction per use case."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import Event, EventPublisher
from domain.members.rules import name_confusable
from domain.uow import UnitOfWork
from infra.db.repositories.checkins import SqlCheckInReminderRepository, SqlCheckInRepository
from infra.db.repositories.circles import (
    SqlCircleRepository,
    SqlInviteRepository,
    SqlMembershipRepository,
)
from infra.db.repositories.idempotency import SqlIdempotencyRepository
from infra.db.repositories.members import SqlMemberRepository
from infra.db.repositories.moderation import (
    SqlBlockRepository,
    SqlModerationLogRepository,
    SqlReportRepository,
    SqlTopicFilterRepository,
)
from infra.db.repositories.notifications import (
    SqlDeviceRepository,
    SqlNotificationPreferencesRepository,
    SqlNotificationRepository,
)
from infra.db.repositories.pins import SqlPinRepository
from infra.db.repositories.posts import SqlPostRepository, SqlReactionRepository, SqlReplyRepository
from infra.db.repositories.privacy import (
    SqlAccountEraser,
    SqlConsentRepository,
    SqlExportRepository,
    SqlHealthDataEraser,
)
from infra.db.repositories.safety import (
    SqlRiskRatingRepository,
    SqlSafeSaidRepository,
    SqlSafetyAuditRepository,
    SqlSafetyItemRepository,
    SqlStaffRepository,
)
from infra.db.repositories.support import SqlSupportRepository

log = logging.getLogger("hearth.uow")


def _integrity_error(exc: IntegrityError) -> DomainError:
    text = str(exc.orig).lower()
    if "display_name_key" in text:
        return ValidationError(
            [
                DomainError(
                    ErrorCode.TAKEN,
                    "That display name is taken. Try another one.",
                    ("input", "displayName"),
                )
            ]
        )
    if "name_skeleton" in text:
        return ValidationError([name_confusable(("input", "displayName"))])
    return DomainError(ErrorCode.CONFLICT, "That changed at the same time. Please try again.")


class SqlUnitOfWork(UnitOfWork):
    """Implements ``domain.uow.UnitOfWork`` on an async SQLAlchemy session. It names the
    protocol as its base so that mypy checks every repository assigned below against
    its port (a protocol's attributes are invariant: without the base, mypy refused
    ``SqlUnitOfWork`` as a ``UnitOfWork`` wholesale and checked nothing per port)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        publisher: EventPublisher | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        self._publisher = publisher
        self._events: list[Event] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self._events = []
        session = self._session
        self.members = SqlMemberRepository(session)
        self.circles = SqlCircleRepository(session)
        self.memberships = SqlMembershipRepository(session)
        self.invites = SqlInviteRepository(session)
        self.posts = SqlPostRepository(session)
        self.replies = SqlReplyRepository(session)
        self.reactions = SqlReactionRepository(session)
        self.check_ins = SqlCheckInRepository(session)
        self.reminders = SqlCheckInReminderRepository(session)
        self.devices = SqlDeviceRepository(session)
        self.notification_preferences = SqlNotificationPreferencesRepository(session)
        self.notifications = SqlNotificationRepository(session)
        self.pins = SqlPinRepository(session)
        self.risk_ratings = SqlRiskRatingRepository(session)
        self.staff = SqlStaffRepository(session)
        self.safety_items = SqlSafetyItemRepository(session)
        self.safety_audit = SqlSafetyAuditRepository(session)
        self.safe_said = SqlSafeSaidRepository(session)
        self.blocks = SqlBlockRepository(session)
        self.topic_filters = SqlTopicFilterRepository(session)
        self.reports = SqlReportRepository(session)
        self.moderation_log = SqlModerationLogRepository(session)
        self.consents = SqlConsentRepository(session)
        self.health_data = SqlHealthDataEraser(session)
        self.accounts = SqlAccountEraser(session)
        self.exports = SqlExportRepository(session)
        self.support = SqlSupportRepository(session)
        self.idempotency = SqlIdempotencyRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            await session.rollback()
        finally:
            await session.close()
            self._session = None

    def record(self, event: Event) -> None:
        self._events.append(event)

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            self._events = []
            raise _integrity_error(exc) from exc
        committed_at = time.time()
        events = [replace(e, committed_at=committed_at) for e in self._events]
        self._events = []
        if events and self._publisher is not None:
            try:
                await self._publisher.publish(events)
            except Exception:  # a committed write must not fail because fan-out did
                log.exception("could not publish %d events", len(events))

    async def rollback(self) -> None:
        self._events = []
        await self.session.rollback()
