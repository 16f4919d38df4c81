"""GraphQL types of reports, the moderation queue and the moderation log."""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from datetime import datetime
from typing import Any
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
from api.errors import HearthError, TopLevelCode, UserError
from api.members.types import MemberType
from api.node import to_global_id, to_pair_id
from api.pagination import (
    Connection,
    Edge,
    connection,
    connection_of,
    decode_cursor,
    page_size,
)
from api.safety.types import CrisisResourcesType
from domain.moderation.model import (
    SEVERITY,
    ModerationActionKind,
    ReportReason,
    ReportStatus,
    TargetType,
)
from domain.safety.model import RiskLevel
from infra.db.reads import moderation as reads

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


def _profile(row: Any, member_id: UUID | None, viewer_id: UUID) -> MemberType | None:
    if row is None or member_id is None:
        return None
    return MemberType.public(
        member_id, row["display_name"], row["pronouns"], row["bio"], row["created_at"], viewer_id
    )


def _queue_cursor(key: tuple[int, datetime, UUID]) -> str:
    text = f"queue|{key[0]}|{key[1].isoformat()}|{key[2]}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _queue_key(cursor: str | None) -> tuple[int, datetime, UUID] | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        kind, rank, at, target = raw.split("|")
        if kind != "queue":
            raise ValueError(kind)
        return int(rank), datetime.fromisoformat(at), UUID(target)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise HearthError(
            "That cursor is not valid for this list.", TopLevelCode.BAD_USER_INPUT
        ) from exc


async def moderation_queue(
    info: strawberry.Info,
    circle_id: UUID,
    status: ReportStatus,
    first: int | None,
    after: str | None,
) -> Connection[ModerationQueueItem]:
    viewer = await info.context.member()
    size = page_size(first)
    async with info.context.services.reads() as conn:
        groups, reports = await reads.queue_page(conn, circle_id, status, size, _queue_key(after))
        page = groups[:size]
        content = await reads.targets(conn, [g["target_id"] for g in page])
        members = await reads.profiles(
            conn,
            [g["target_id"] for g in page if g["target_type"] == TargetType.MEMBER.value],
        )
    edges = []
    for group in page:
        target_type = TargetType(group["target_type"])
        items = reports[group["target_id"]]
        counts = Counter(ReportReason(r["reason"]) for r in items)
        found = content.get(group["target_id"])
        if target_type is TargetType.MEMBER:
            author = _profile(members.get(group["target_id"]), group["target_id"], viewer.id)
            excerpt, hidden = None, False
        else:
            named = found is not None and not found["anonymous"]
            author = _profile(
                {**found, "created_at": found["member_since"]} if named and found else None,
                found["author_id"] if named and found else None,
                viewer.id,
            )
            gone = found is None or found["removed_at"] is not None
            excerpt = None if gone or found is None else found["body"]
            hidden = found is not None and found["hidden_at"] is not None
        item = ModerationQueueItem(
            id=to_pair_id("ModerationQueueItem", circle_id, group["target_id"]),
            report_id=to_global_id("Report", items[-1]["id"]),
            target_id=target_global_id(target_type, group["target_id"]),
            target_type=target_type,
            excerpt=excerpt,
            author=author,
            is_hidden=hidden,
            reasons=[
                ReasonCount(reason=reason, count=n)
                for reason, n in sorted(counts.items(), key=lambda kv: -SEVERITY[kv[0]])
            ],
            report_count=len(items),
            notes=[r["note"] for r in items if r["note"]],
            risk_level=_risk(found, target_type),
            first_reported_at=group["first_at"],
            last_reported_at=group["last_at"],
            status=status,
        )
        key = (group["severity"], group["first_at"], group["target_id"])
        edges.append(Edge(cursor=_queue_cursor(key), node=item))
    return connection_of(edges, len(groups) > size, after)


def _risk(found: Any, target_type: TargetType) -> RiskLevel | None:
    """The detector's latest rating of a post or reply still there; null for a member
    or for content that is gone."""
    if target_type is TargetType.MEMBER or found is None or found["removed_at"] is not None:
        return None
    return RiskLevel(found["risk_level"])


def log_entry(row: Any, names: dict[UUID, Any], viewer_id: UUID) -> ModerationLogEntry:
    target_type = TargetType(row["target_type"])
    member_id = row["target_member_id"]
    return ModerationLogEntry(
        id=to_global_id("ModerationLogEntry", row["id"]),
        action=ModerationActionKind(row["kind"]),
        actor=_profile(names.get(row["actor_id"]), row["actor_id"], viewer_id),
        target_type=target_type,
        target_id=target_global_id(target_type, row["target_id"]),
        target_member=_profile(names.get(member_id), member_id, viewer_id) if member_id else None,
        reason=ReportReason(row["reason"]) if row["reason"] else None,
        message=row["message"],
        created_at=row["created_at"],
    )


async def moderation_log(
    info: strawberry.Info, circle_id: UUID, first: int | None, after: str | None
) -> Connection[ModerationLogEntry]:
    viewer = await info.context.member()
    size = page_size(first)
    async with info.context.services.reads() as conn:
        rows = await reads.log_page(conn, circle_id, size, decode_cursor("moderation-log", after))
        page = rows[:size]
        people = [r["actor_id"] for r in page] + [
            r["target_member_id"] for r in page if r["target_member_id"]
        ]
        names = await reads.profiles(conn, people) if page else {}
    entries = [log_entry(r, names, viewer.id) for r in page]
    keys = [(r["created_at"], r["id"]) for r in page]
    return connection("moderation-log", entries, keys, len(rows) > size)
