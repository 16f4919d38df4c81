"""GraphQL types of the safety team's queue. Every field here is reached only through
staff-only fields (their descriptions start with STAFF_ONLY)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from api.enums import RiskLevelEnum, described_enum  # noqa: F401 - registers RiskLevel
from api.node import Node, to_global_id
from api.pagination import Connection, Edge, connection_of, encode_ranked_cursor
from api.safety.types import CrisisResourcesType
from domain.errors import DomainError
from domain.moderation.model import ReportReason
from domain.safety.crisis import resources_for
from domain.safety.model import RiskLevel
from domain.safety.reads import ItemAuthorView, ReporterView, SafetyItemView
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
        "PEER_REPORT": "A member reported a post, a reply or a member as a suicide (URGENT) or "
        "self-harm (CONCERN) risk; reporters are in `reporters` (staff only).",
        "REACH_OUT": "A member asked for someone to reach out after a check-in (the note is "
        "withheld).",
    },
)
SafetyTargetKindEnum = described_enum(
    TargetKind,
    "SafetyTargetKind",
    "What a safety item is about.",
    {
        "POST": "A post.",
        "REPLY": "A reply.",
        "CHECK_IN": "A check-in (its note is withheld).",
        "MEMBER": "A member a peer reported as a risk (`author` is the member; no text).",
    },
)
_NODE_TYPES = {"POST": "Post", "REPLY": "Reply", "CHECK_IN": "CheckIn", "MEMBER": "Member"}


@strawberry.type(description="A circle, as the safety team sees it on a queue item.")
class SafetyItemCircle:
    id: strawberry.ID = strawberry.field(description="The circle's global ID.")
    name: str = strawberry.field(description="The circle's name.")


@strawberry.type(description="Who wrote a queue item's content, or the member it is about.")
class SafetyItemAuthor:
    id: strawberry.ID = strawberry.field(description="The member's global ID.")
    display_name: str = strawberry.field(description="The member's display name.")
    region: str | None = strawberry.field(
        description="The region the member gave at onboarding (ISO 3166-1 alpha-2), so "
        "that staff point to help that reaches them; null when they gave none."
    )

    @strawberry.field(
        description="The crisis lines and emergency numbers for the member's region: what "
        'the member sees under "get help now". The international directories only, when '
        "the region is unknown."
    )
    def crisis_resources(self, info: strawberry.Info) -> CrisisResourcesType:
        directory = info.context.services.crisis_directory
        try:
            found = resources_for(directory, self.region)
        except DomainError:  # a region stored before codes were checked
            found = resources_for(directory, None)
        return CrisisResourcesType.from_domain(found)

    @classmethod
    def build(cls, view: ItemAuthorView) -> SafetyItemAuthor:
        return cls(
            id=to_global_id("Member", view.id), display_name=view.display_name, region=view.region
        )


@strawberry.type(description="A member who reported a queue item's content or member as a risk.")
class SafetyItemReporter:
    id: strawberry.ID = strawberry.field(description="The member's global ID.")
    display_name: str = strawberry.field(description="The member's display name.")
    reason: ReportReason = strawberry.field(description="SUICIDE_RISK or SELF_HARM_RISK.")
    reported_at: datetime = strawberry.field(description="When they reported it.")
    circle: SafetyItemCircle | None = strawberry.field(
        description="The circle they reported in (a member can be reported in several); "
        "null once the circle is gone."
    )


@strawberry.type(description="One item in the safety team's queue.")
class SafetyItem(Node):
    level: RiskLevel = strawberry.field(description="The rating that put it here.")
    status: ItemStatus = strawberry.field(
        description="Where it is in OPEN -> ACKNOWLEDGED -> RESOLVED."
    )
    source: ItemSource = strawberry.field(description="Why it is in the queue.")
    target_kind: TargetKind = strawberry.field(description="What it is about.")
    target_id: strawberry.ID = strawberry.field(
        description="The post, reply, check-in or member (a `Member` global ID)."
    )
    text: str | None = strawberry.field(
        description="The post's or reply's text; null for a check-in (the note is withheld, "
        "always), for a member, and once the content was removed."
    )
    post_id: strawberry.ID | None = strawberry.field(
        description="For a reply, the post it answers; null otherwise."
    )
    circle: SafetyItemCircle | None = strawberry.field(
        description="Where it was posted, or where the member was first reported (see "
        "`reporters` for each report's circle); null for a check-in."
    )
    reasons: list[str] = strawberry.field(
        description="Why the detector rated it so: the rule ids that fired (for a reach-out "
        'request, that the member asked; for a peer report, "peer report: <reason>").'
    )
    author_is_anonymous: bool = strawberry.field(
        description="True when the author posted anonymously: then `author` is null and "
        "`revealSafetyItemAuthor` (with a recorded, audited reason) is the only way to it."
    )
    author: SafetyItemAuthor | None = strawberry.field(
        description="Who wrote it, or the member it is about; null when anonymous."
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
        description="Staff only, like the whole item: the members who reported the post, "
        "reply or member as a suicide or self-harm risk, oldest first (never shown to the "
        "author, the reported member or peer moderators). Empty when nobody reported it, "
        "and once the reported member deleted their account."
    )
    async def reporters(self, info: strawberry.Info) -> list[SafetyItemReporter]:
        found: list[ReporterView] = await info.context.loaders.safety_reporters.load(
            self.raw_target_id
        )
        return [
            SafetyItemReporter(
                id=strawberry.ID(to_global_id("Member", r.member_id)),
                display_name=r.display_name,
                reason=r.reason,
                reported_at=r.reported_at,
                circle=SafetyItemCircle(id=to_global_id("Circle", r.circle.id), name=r.circle.name)
                if r.circle
                else None,
            )
            for r in found
        ]

    @classmethod
    def build(cls, view: SafetyItemView) -> SafetyItem:
        circle, author = view.circle, view.author
        return cls(
            id=to_global_id("SafetyItem", view.id),
            level=view.level,
            status=view.status,
            source=view.source,
            target_kind=view.target_kind,
            target_id=to_global_id(_NODE_TYPES[view.target_kind.value], view.target_id),
            text=view.text,
            post_id=to_global_id("Post", view.post_id) if view.post_id else None,
            circle=SafetyItemCircle(id=to_global_id("Circle", circle.id), name=circle.name)
            if circle
            else None,
            reasons=list(view.reasons),
            author_is_anonymous=view.author_is_anonymous,
            author=SafetyItemAuthor.build(author) if author else None,
            member_said_safe_at=view.member_said_safe_at,
            created_at=view.created_at,
            alert_count=view.alert_count,
            acknowledged_at=view.acknowledged_at,
            resolved_at=view.resolved_at,
            note=view.note,
            raw_target_id=view.target_id,
        )


def queue_connection(
    found: list[SafetyItemView], size: int, after: str | None
) -> Connection[SafetyItem]:
    edges = [
        Edge(cursor=encode_ranked_cursor("safety", *v.key), node=SafetyItem.build(v))
        for v in found[:size]
    ]
    return connection_of(edges, len(found) > size, after)
