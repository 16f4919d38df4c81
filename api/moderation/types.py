"""GraphQL types of reports, the moderation queue and the moderation log."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from api.enums import (  # noqa: F401 - registers the enums
    ModerationActionKindEnum,
    ReportDecisionEnum,
    ReportReasonEnum,
    ReportStatusEnum,
    RiskLevelEnum,
    TargetTypeEnum,
)
from api.errors import UserError
from api.members.types import MemberType
from api.node import to_global_id, to_pair_id
from api.pagination import (
    Connection,
    Edge,
    connection,
    connection_of,
    decode_cursor,
    decode_ranked_cursor,
    encode_ranked_cursor,
    page_size,
)
from api.safety.types import CrisisResourcesType
from domain.moderation.model import (
    ModerationActionKind,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.moderation.reads import LogEntryView, ProfileView, QueueItemView
from domain.safety.model import RiskLevel

_ERRORS = "Why the input was refused."
_TYPE_NAMES = {TargetType.POST: "Post", TargetType.REPLY: "Reply", TargetType.MEMBER: "Member"}


def target_global_id(target_type: TargetType, raw_id: UUID) -> strawberry.ID:
    return to_global_id(_TYPE_NAMES[target_type], raw_id)


@strawberry.type(name="Report", description="A report you filed (only you see it).")
class ReportType:
    id: strawberry.ID = strawberry.field(description="The report's global ID.")
    reason: ReportReason = strawberry.field(description="Why you reported it.")
    status: ReportStatus = strawberry.field(description="Where it stands.")
    created_at: datetime = strawberry.field(description="When you filed it.")


@strawberry.type(description="The result of `report`.")
class ReportPayload:
    report: ReportType | None = strawberry.field(description="The report; null on user errors.")
    support_guide: str | None = strawberry.field(
        description="For SUICIDE_RISK and SELF_HARM_RISK reports: how to support someone "
        "at risk; null otherwise."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
    crisis_resources: CrisisResourcesType | None = strawberry.field(
        default=None,
        description="For SUICIDE_RISK and SELF_HARM_RISK reports: the crisis lines and "
        "emergency numbers for your region (the international directories when Hearth has "
        "none verified for it), to pass on or to use yourself; null otherwise.",
    )


@strawberry.type(description="How many reports gave one reason.")
class ReasonCount:
    reason: ReportReason = strawberry.field(description="The reason.")
    count: int = strawberry.field(description="How many reports gave it.")


@strawberry.type(
    description="Everything reported about one post, reply or member, for the circle's "
    "owner and moderators. Reporters are never shown."
)
class ModerationQueueItem:
    id: strawberry.ID = strawberry.field(
        description="Stable for one reported item in one circle (not a `Node`)."
    )
    report_id: strawberry.ID = strawberry.field(
        description="Pass to `resolveReport`: it closes every report of this item at once."
    )
    target_id: strawberry.ID = strawberry.field(description="The post, reply or member.")
    target_type: TargetType = strawberry.field(description="What was reported.")
    excerpt: str | None = strawberry.field(
        description="The reported text (null for members and removed content)."
    )
    author: MemberType | None = strawberry.field(
        description="Who wrote it, or the reported member; null for anonymous content."
    )
    is_hidden: bool = strawberry.field(description="True while a moderator hides it.")
    reasons: list[ReasonCount] = strawberry.field(description="Reasons with their counts.")
    report_count: int = strawberry.field(description="How many reports.")
    notes: list[str] = strawberry.field(description="The reporters' notes (unsigned).")
    risk_level: RiskLevel | None = strawberry.field(
        description="The risk detector's rating of the text; null until it has rated it."
    )
    first_reported_at: datetime = strawberry.field(description="The first report.")
    last_reported_at: datetime = strawberry.field(description="The latest report.")
    status: ReportStatus = strawberry.field(description="OPEN, ACTIONED or DISMISSED.")


@strawberry.type(description="One line of a circle's append-only moderation log.")
class ModerationLogEntry:
    id: strawberry.ID = strawberry.field(description="The entry's ID.")
    action: ModerationActionKind = strawberry.field(description="What was done.")
    actor: MemberType | None = strawberry.field(description="The owner or moderator who did it.")
    target_type: TargetType = strawberry.field(description="What it was done to.")
    target_id: strawberry.ID = strawberry.field(
        description="The post, reply or member (kept when the content is deleted)."
    )
    target_member: MemberType | None = strawberry.field(
        description="The member concerned; null for anonymous content."
    )
    reason: ReportReason | None = strawberry.field(description="The guideline invoked.")
    message: str | None = strawberry.field(description="The moderator's note.")
    created_at: datetime = strawberry.field(description="When.")


@strawberry.type(description="The result of a moderation action.")
class ModerationActionPayload:
    entry: ModerationLogEntry | None = strawberry.field(
        description="The moderation log entry written; null on user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


def member_type(profile: ProfileView | None, viewer_id: UUID | None) -> MemberType | None:
    if profile is None:
        return None
    return MemberType.public(
        profile.id,
        profile.display_name,
        profile.pronouns,
        profile.bio,
        profile.member_since,
        viewer_id,
    )


def queue_item_type(view: QueueItemView, viewer_id: UUID) -> ModerationQueueItem:
    return ModerationQueueItem(
        id=to_pair_id("ModerationQueueItem", view.circle_id, view.target_id),
        report_id=to_global_id("Report", view.latest_report_id),
        target_id=target_global_id(view.target_type, view.target_id),
        target_type=view.target_type,
        excerpt=view.excerpt,
        author=member_type(view.author, viewer_id),
        is_hidden=view.is_hidden,
        reasons=[ReasonCount(reason=reason, count=n) for reason, n in view.reasons],
        report_count=view.report_count,
        notes=list(view.notes),
        risk_level=view.risk_level,
        first_reported_at=view.first_reported_at,
        last_reported_at=view.last_reported_at,
        status=view.status,
    )


async def moderation_queue(
    info: strawberry.Info,
    circle_id: UUID,
    status: ReportStatus,
    first: int | None,
    after: str | None,
) -> Connection[ModerationQueueItem]:
    viewer = await info.context.member()
    size = page_size(first)
    reads = info.context.services.moderation_reads
    found = await reads.queue_page(circle_id, status, size, decode_ranked_cursor("queue", after))
    edges = [
        Edge(cursor=encode_ranked_cursor("queue", *v.key), node=queue_item_type(v, viewer.id))
        for v in found[:size]
    ]
    return connection_of(edges, len(found) > size, after)


def log_entry(view: LogEntryView, viewer_id: UUID) -> ModerationLogEntry:
    return ModerationLogEntry(
        id=to_global_id("ModerationLogEntry", view.id),
        action=view.action,
        actor=member_type(view.actor, viewer_id),
        target_type=view.target_type,
        target_id=target_global_id(view.target_type, view.target_id),
        target_member=member_type(view.target_member, viewer_id),
        reason=view.reason,
        message=view.message,
        created_at=view.created_at,
    )


async def moderation_log(
    info: strawberry.Info, circle_id: UUID, first: int | None, after: str | None
) -> Connection[ModerationLogEntry]:
    viewer = await info.context.member()
    size = page_size(first)
    reads = info.context.services.moderation_reads
    found = await reads.log_page(circle_id, size, decode_cursor("moderation-log", after))
    page = found[:size]
    entries = [log_entry(v, viewer.id) for v in page]
    keys = [(v.created_at, v.id) for v in page]
    return connection("moderation-log", entries, keys, len(found) > size)
