"""The unit of work: one atomic piece of work over every area's repositories.

Each area declares its repositories in ``domain/<area>/ports.py``; this Protocol
only composes them. Adapters in ``infra/`` implement it; unit tests use fakes.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from domain.checkins.ports import CheckInReminderRepository, CheckInRepository
from domain.circles.ports import CircleRepository, InviteRepository, MembershipRepository
from domain.events import Event
from domain.idempotency import IdempotencyRepository
from domain.members.ports import MemberRepository
from domain.moderation.ports import (
    BlockRepository,
    ModerationLogRepository,
    ReportRepository,
    TopicFilterRepository,
)
from domain.notifications.ports import (
    DeviceRepository,
    NotificationPreferencesRepository,
    NotificationRepository,
)
from domain.posts.ports import PostRepository, ReactionRepository, ReplyRepository
from domain.privacy.ports import (
    AccountEraser,
    ConsentRepository,
    ExportRepository,
    HealthDataEraser,
)
from domain.safety.ports import (
    RiskRatingRepository,
    SafeSaidRepository,
    SafetyAuditRepository,
    SafetyItemRepository,
    StaffRepository,
)
from domain.support.ports import SupportRepository


class UnitOfWork(Protocol):
    """One atomic piece of work. Nothing is kept unless ``commit`` is called."""

    members: MemberRepository
    circles: CircleRepository
    memberships: MembershipRepository
    invites: InviteRepository
    posts: PostRepository
    replies: ReplyRepository
    reactions: ReactionRepository
    check_ins: CheckInRepository
    reminders: CheckInReminderRepository
    devices: DeviceRepository
    notification_preferences: NotificationPreferencesRepository
    notifications: NotificationRepository
    risk_ratings: RiskRatingRepository
    staff: StaffRepository
    safety_items: SafetyItemRepository
    safety_audit: SafetyAuditRepository
    safe_said: SafeSaidRepository
    blocks: BlockRepository
    topic_filters: TopicFilterRepository
    reports: ReportRepository
    moderation_log: ModerationLogRepository
    consents: ConsentRepository
    health_data: HealthDataEraser
    accounts: AccountEraser
    exports: ExportRepository
    support: SupportRepository
    idempotency: IdempotencyRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def record(self, event: Event) -> None:
        """Remember an event; it is published only after a successful commit."""
        ...

    async def commit(self) -> None:
        """Make the work durable. Raises ``DomainError(CONFLICT|TAKEN)`` on a
        uniqueness race."""
        ...

    async def rollback(self) -> None: ...
