"""Ports: what the domain needs from the outside world.

Adapters in ``infra/`` implement these Protocols; unit tests use hand-made fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.checkins.model import CheckIn, CheckInReminder
from domain.circles.model import Circle, Invite, Membership
from domain.events import Event
from domain.idempotency import IdempotencyRepository
from domain.members.model import Member
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
from domain.posts.model import Post, ReactionKind, Reply
from domain.privacy.ports import (
    AccountEraser,
    ConsentRepository,
    ExportRepository,
    HealthDataEraser,
)
from domain.safety.team import (
    RiskRatingRepository,
    SafeSaidRepository,
    SafetyAuditRepository,
    SafetyItemRepository,
    StaffRepository,
)
from domain.support.ports import SupportRepository


class MemberRepository(Protocol):
    """Stores member profiles."""

    async def get(self, member_id: UUID) -> Member | None: ...

    async def get_by_uid(self, firebase_uid: str) -> Member | None: ...

    async def name_taken(self, display_name: str, except_id: UUID | None = None) -> bool:
        """True when another member uses this display name, regardless of case."""
        ...

    async def skeleton_taken(self, skeleton: str, except_id: UUID | None = None) -> bool:
        """True when another member's display name has this confusable skeleton."""
        ...

    async def add(self, member: Member) -> None: ...

    async def update(self, member: Member) -> None: ...


class CircleRepository(Protocol):
    async def get(self, circle_id: UUID) -> Circle | None: ...

    async def add(self, circle: Circle) -> None: ...

    async def update(self, circle: Circle) -> None: ...

    async def reserve_seat(self, circle_id: UUID) -> bool:
        """Atomically count one more active member if the circle has room."""
        ...

    async def release_seat(self, circle_id: UUID) -> None: ...

    async def delete(self, circle_id: UUID) -> None:
        """Remove the circle with its memberships, invites, posts, replies,
        reactions and shares."""
        ...


class MembershipRepository(Protocol):
    async def get(self, circle_id: UUID, member_id: UUID) -> Membership | None: ...

    async def add(self, membership: Membership) -> None: ...

    async def update(self, membership: Membership) -> None: ...

    async def delete(self, circle_id: UUID, member_id: UUID) -> None: ...


class InviteRepository(Protocol):
    async def add(self, invite: Invite) -> None: ...

    async def find(self, circle_id: UUID, code_hash: str) -> Invite | None: ...

    async def use(self, invite_id: UUID, now: datetime) -> bool:
        """Atomically count one use if the invite is unexpired and not used up."""
        ...


class PostRepository(Protocol):
    async def get(self, post_id: UUID) -> Post | None: ...

    async def add(self, post: Post) -> None: ...

    async def update(self, post: Post) -> None:
        """Save the post (``first_reply_at`` is left alone: see ``mark_answered``)."""
        ...

    async def mark_answered(self, post_id: UUID, at: datetime, seconds: int) -> bool:
        """Set the first reply's time (and ``seconds`` after the post) unless it is
        set already: a compare-and-set; True when this call set it."""
        ...


class ReplyRepository(Protocol):
    async def get(self, reply_id: UUID) -> Reply | None: ...

    async def add(self, reply: Reply) -> None: ...

    async def update(self, reply: Reply) -> None: ...


class ReactionRepository(Protocol):
    async def add(
        self, target_id: UUID, circle_id: UUID, member_id: UUID, kind: ReactionKind, at: datetime
    ) -> bool:
        """Add the reaction; False when it was already there (idempotent)."""
        ...

    async def remove(self, target_id: UUID, member_id: UUID, kind: ReactionKind) -> bool: ...

    async def since(self, target_id: UUID, at: datetime) -> list[tuple[UUID, ReactionKind]]:
        """(member, kind) of the reactions on a target made at or after ``at``."""
        ...


class CheckInRepository(Protocol):
    """Stores check-ins with the circles they are shared with."""

    async def get(self, check_in_id: UUID) -> CheckIn | None: ...

    async def add(self, check_in: CheckIn) -> None: ...

    async def update(self, check_in: CheckIn) -> None:
        """Save the changes; shares not in ``shared_circle_ids`` any more are removed."""
        ...

    async def delete(self, check_in_id: UUID) -> None:
        """Remove the check-in and every share of it."""
        ...

    async def end_shares(self, member_id: UUID, circle_id: UUID) -> None:
        """End every share of the member's check-ins with the circle, for good
        (a member who leaves or is banned takes their shares with them)."""
        ...

    async def created_between(
        self, member_id: UUID, start: datetime, end: datetime
    ) -> list[CheckIn]:
        """The member's check-ins made in ``[start, end)``, oldest first."""
        ...

    async def latest_times(self, member_ids: Sequence[UUID]) -> dict[UUID, datetime]:
        """When each member last checked in (members who never did are left out)."""
        ...


class CheckInReminderRepository(Protocol):
    """Stores one reminder setting per member."""

    async def get(self, member_id: UUID) -> CheckInReminder | None: ...

    async def save(self, reminder: CheckInReminder) -> None:
        """Insert or replace the member's settings."""
        ...

    async def due(self, window_start: datetime, window_end: datetime) -> list[CheckInReminder]:
        """Enabled, unpaused reminders with ``next_fire_at`` in ``[window_start,
        window_end)``, soonest first (served by an index on ``next_fire_at``)."""
        ...


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
