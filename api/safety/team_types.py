"""GraphQL types of the safety team's queue. Every field here is reached only through
staff-only fields (their descriptions start with STAFF_ONLY)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from api.enums import RiskLevelEnum, described_enum  # noqa: F401 - registers RiskLevel
from api.errors import HearthError, TopLevelCode
from api.node import Node, to_global_id
from api.pagination import Connection, Edge, connection_of
from domain.moderation.model import ReportReason
from domain.safety.model import RiskLevel
from domain.safety.team import ItemSource, ItemStatus, TargetKind

STAFF_ONLY = "Staff only (safety team)."
"""Every staff-only query and mutation's description starts with this; the test that
sweeps them as other viewers finds them by it."""

SafetyItemStatusEnum = described_enum(
    ItemStatus,
    "SafetyItemStatus",
    "Where a safety queue item is: OPEN -> ACKNOWLEDGED -> RESOLVED.",
    {
        "OPEN": "Waiting for someone on the safety team (URGENT ones re-alert every 15 minutes).",
        "ACKNOWLEDGED": "Someone on the safety team has it.",
        "RESOLVED": "Done, with a note on what was done.",
    },
)
SafetyItemSourceEnum = described_enum(
    ItemSource,
    "SafetyItemSource",
    "Why an item is in the safety queue.",
    {
        "URGENT_CONTENT": "A post or reply the risk detector rated URGENT.",
        "PEER_REPORT": "A member reported a post or reply as a suicide (URGENT) or self-harm "
        "(CONCERN) risk; the reporter is not shown.",
        "REACH_OUT": "A member asked for someone to reach out after a check-in (the note is "
        "withheld).",
    },
)
SafetyTargetKindEnum = described_enum(
    TargetKind,
    "SafetyTargetKind",
    "What a safety item is about.",
    {"POST": "A post.", "REPLY": "A reply.", "CHECK_IN": "A check-in (its note is withheld)."},
)
_NODE_TYPES = {"POST": "Post", "REPLY": "Reply", "CHECK_IN": "CheckIn"}


@strawberry.type(description="A circle, as the safety team sees it on a queue item.")
class SafetyItemCircle:
    id: strawberry.ID = strawberry.field(description="The circle's global ID.")
    name: str = strawberry.field(description="The circle's name.")


@strawberry.type(description="Who wrote a queue item's content.")
class SafetyItemAuthor:
    id: strawberry.ID = strawberry.field(description="The member's global ID.")
    display_name: str = strawberry.field(description="The member's display name.")


@strawberry.type(description="A member who reported a queue item's content as a risk.")
class SafetyItemReporter:
    id: strawberry.ID = strawberry.field(description="The member's global ID.")
    display_name: str = strawberry.field(description="The member's display name.")
    reason: ReportReason = strawberry.field(description="SUICIDE_RISK or SELF_HARM_RISK.")
    reported_at: datetime = strawberry.field(description="When they reported it.")


@strawberry.type(description="One item in the safety team's queue.")
class SafetyItem(Node):
    level: RiskLevel = strawberry.field(description="The rating that put it here.")
    status: ItemStatus = strawberry.field(
        description="Where it is in OPEN -> ACKNOWLEDGED -> RESOLVED."
    )
    source: ItemSource = strawberry.field(description="Why it is in the queue.")
    target_kind: TargetKind = strawberry.field(description="What it is about.")
    target_id: strawberry.ID = strawberry.field(description="The post, reply or check-in.")
    text: str | None = strawberry.field(
        description="The post's or reply's text; null for a check-in (the note is withheld, "
        "always) and once the content was removed."
    )
    post_id: strawberry.ID | None = strawberry.field(
        description="For a reply, the post it answers; null otherwise."
    )
    circle: SafetyItemCircle | None = strawberry.field(
        description="Where it was posted; null for a check-in."
    )
    reasons: list[str] = strawberry.field(
        description="Why the detector rated it so: the rule ids that fired (for a reach-out "
        "request, that the member asked)."
    )
    author_is_anonymous: bool = strawberry.field(
        description="True when the author posted anonymously: then `author` is null and "
        "`revealSafetyItemAuthor` (with a recorded, audited reason) is the only way to it."
    )
    author: SafetyItemAuthor | None = strawberry.field(
        description="Who wrote it; null when anonymous."
    )
    member_said_safe_at: datetime | None = strawberry.field(
        description='When the author last said "I\'m safe right now" about it; null if never.'
    )
    created_at: datetime = strawberry.field(description="When it entered the queue.")
    alert_count: int = strawberry.field(description="How often on-call staff were pushed about it.")
    acknowledged_at: datetime | None = strawberry.field(description="When someone took it.")
    resolved_at: datetime | None = strawberry.field(description="When it was resolved.")
    note: str | None = strawberry.field(description="The staff note on what was done.")
    raw_target_id: strawberry.Private[UUID]

    @strawberry.field(
        description="Staff only, like the whole item: the members who reported the post or "
        "reply as a suicide or self-harm risk, oldest first (never shown to the author or to "
        "peer moderators). Empty when nobody reported it."
    )
    async def reporters(self, info: strawberry.Info) -> list[SafetyItemReporter]:
        found = await info.context.loaders.safety_reporters.load(self.raw_target_id)
        return [
            SafetyItemReporter(
                id=strawberry.ID(to_global_id("Member", r.reporter_id)),
                display_name=r.display_name,
                reason=r.reason,
                reported_at=r.reported_at,
            )
            for r in found
        ]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> SafetyItem:
        kind = row["target_kind"]
        anonymous = bool(row["anonymous"])
        removed = row["removed_at"] is not None
        return cls(
            id=to_global_id("SafetyItem", row["id"]),
            level=RiskLevel(row["level"]),
            status=ItemStatus(row["status"]),
            source=ItemSource(row["source"]),
            target_kind=TargetKind(kind),
            target_id=to_global_id(_NODE_TYPES[kind], row["target_id"]),
            text=None if kind == TargetKind.CHECK_IN.value or removed else row["text"],
            post_id=to_global_id("Post", row["post_id"]) if row["post_id"] else None,
            circle=SafetyItemCircle(
                id=to_global_id("Circle", row["circle_id"]), name=row["circle_name"]
            )
            if row["circle_id"] and row["circle_name"] is not None
            else None,
            reasons=list(json.loads(row["reasons"])),
            author_is_anonymous=anonymous,
            author=None
            if anonymous
            else SafetyItemAuthor(
                id=to_global_id("Member", row["author_id"]), display_name=row["author_name"]
            ),
            member_said_safe_at=row["safe_said_at"],
            created_at=row["created_at"],
            alert_count=row["alert_count"],
            acknowledged_at=row["acknowledged_at"],
            resolved_at=row["resolved_at"],
            note=row["note"],
            raw_target_id=row["target_id"],
        )


def encode_queue_cursor(level: int, at: datetime, raw_id: UUID) -> str:
    text = f"safety|{level}|{at.isoformat()}|{raw_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_queue_cursor(cursor: str | None) -> tuple[int, datetime, UUID] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, level, at, raw_id = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        if kind != "safety":
            raise ValueError(kind)
        return int(level), datetime.fromisoformat(at), UUID(raw_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise HearthError(
            "That cursor is not valid for this list.", TopLevelCode.BAD_USER_INPUT
        ) from exc


def queue_connection(
    rows: list[Mapping[Any, Any]], size: int, after: str | None
) -> Connection[SafetyItem]:
    page = rows[:size]
    edges = [
        Edge(
            cursor=encode_queue_cursor(r["level"], r["created_at"], r["id"]),
            node=SafetyItem.from_row(r),
        )
        for r in page
    ]
    return connection_of(edges, len(rows) > size, after)
