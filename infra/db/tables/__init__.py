"""SQLModel tables. They never leave ``infra/``: repositories map them to domain
dataclasses. Import every table module here so ``SQLModel.metadata`` is complete."""

from infra.db.tables.checkins import CheckInReminderRow, CheckInRow, CheckInShareRow
from infra.db.tables.circles import CircleRow, InviteRow, MembershipRow
from infra.db.tables.idempotency import IdempotencyKeyRow
from infra.db.tables.members import MemberRow
from infra.db.tables.moderation import (
    MemberBlockRow,
    ModerationActionRow,
    ReportRow,
    TopicFilterRow,
)
from infra.db.tables.notifications import DeviceRow, NotificationPreferencesRow, NotificationRow
from infra.db.tables.pins import CirclePinRow
from infra.db.tables.posts import PostRow, ReactionRow, ReplyRow
from infra.db.tables.privacy import ConsentRow, DataExportChunkRow, DataExportRow
from infra.db.tables.safety import (
    RiskRatingRow,
    SafeSaidRow,
    SafetyAuditRow,
    SafetyItemRow,
    StaffRoleRow,
)
from infra.db.tables.support import SupportAvailabilityRow, SupportNudgeRow

__all__ = [
    "CheckInReminderRow",
    "CheckInRow",
    "CheckInShareRow",
    "CirclePinRow",
    "CircleRow",
    "ConsentRow",
    "DataExportChunkRow",
    "DataExportRow",
    "DeviceRow",
    "IdempotencyKeyRow",
    "InviteRow",
    "MemberBlockRow",
    "MemberRow",
    "MembershipRow",
    "ModerationActionRow",
    "NotificationPreferencesRow",
    "NotificationRow",
    "PostRow",
    "ReactionRow",
    "ReplyRow",
    "ReportRow",
    "RiskRatingRow",
    "SafeSaidRow",
    "SafetyAuditRow",
    "SafetyItemRow",
    "StaffRoleRow",
    "SupportAvailabilityRow",
    "SupportNudgeRow",
    "TopicFilterRow",
]
