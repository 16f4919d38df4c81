"""Row <-> domain mapping for circles, posts and replies (shared by repositories and reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.circles.model import Circle, Membership, MembershipStatus, Role, Topic, Visibility
from domain.posts.model import ContentWarning, Post, Reply
from domain.safety.contact_details import kinds_from_text, kinds_to_text
from domain.safety.model import RiskLevel


def topics_to_text(topics: tuple[Topic, ...]) -> str:
    return "," + ",".join(t.value for t in topics) + "," if topics else ""


def topics_from_text(text: str | None) -> tuple[Topic, ...]:
    return tuple(Topic(t) for t in (text or "").split(",") if t)


def circle_values(circle: Circle) -> dict[str, Any]:
    return {
        "id": circle.id,
        "name": circle.name,
        "description": circle.description,
        "topics": topics_to_text(circle.topics),
        "visibility": circle.visibility.value,
        "capacity": circle.capacity,
        "guidelines": circle.guidelines,
        "created_at": circle.created_at,
        "created_by": circle.created_by,
        "active_count": circle.active_count,
        "nudge_after_minutes": circle.nudge_after_minutes,
    }


def to_circle(row: Mapping[Any, Any]) -> Circle:
    return Circle(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        topics=topics_from_text(row["topics"]),
        visibility=Visibility(row["visibility"]),
        capacity=row["capacity"],
        guidelines=row["guidelines"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        active_count=row["active_count"],
        nudge_after_minutes=row["nudge_after_minutes"],
    )


def membership_values(m: Membership) -> dict[str, Any]:
    return {
        "circle_id": m.circle_id,
        "member_id": m.member_id,
        "role": m.role.value,
        "status": m.status.value,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
        "muted_until": m.muted_until,
    }


def to_membership(row: Mapping[Any, Any]) -> Membership:
    return Membership(
        circle_id=row["circle_id"],
        member_id=row["member_id"],
        role=Role(row["role"]),
        status=MembershipStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        muted_until=row["muted_until"],
    )


def post_values(post: Post) -> dict[str, Any]:
    warning = post.content_warning
    return {
        "id": post.id,
        "circle_id": post.circle_id,
        "author_id": post.author_id,
        "anonymous": post.anonymous,
        "body": post.body,
        "cw_topics": topics_to_text(warning.topics) if warning else None,
        "cw_note": warning.note if warning else None,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "removed_at": post.removed_at,
        "removed_by": post.removed_by,
        "contact_masked": kinds_to_text(post.contact_masked),
        "risk_level": int(post.risk_level),
        "hidden_at": post.hidden_at,
        "hidden_by": post.hidden_by,
        "hidden_reason": post.hidden_reason,
    }


def warning_from_row(row: Mapping[Any, Any]) -> ContentWarning | None:
    if row["cw_topics"] is None and row["cw_note"] is None:
        return None
    return ContentWarning(topics_from_text(row["cw_topics"]), row["cw_note"])


def to_post(row: Mapping[Any, Any]) -> Post:
    return Post(
        id=row["id"],
        circle_id=row["circle_id"],
        author_id=row["author_id"],
        anonymous=row["anonymous"],
        body=row["body"],
        created_at=row["created_at"],
        content_warning=warning_from_row(row),
        edited_at=row["edited_at"],
        removed_at=row["removed_at"],
        removed_by=row["removed_by"],
        contact_masked=kinds_from_text(row["contact_masked"]),
        risk_level=RiskLevel(row["risk_level"]),
        hidden_at=row["hidden_at"],
        hidden_by=row["hidden_by"],
        hidden_reason=row["hidden_reason"],
        first_reply_at=row.get("first_reply_at"),
    )


REPLY_FIELDS = (
    "id",
    "post_id",
    "circle_id",
    "author_id",
    "anonymous",
    "body",
    "created_at",
    "edited_at",
    "removed_at",
    "removed_by",
    "hidden_at",
    "hidden_by",
    "hidden_reason",
)


def reply_values(reply: Reply) -> dict[str, Any]:
    values = {name: getattr(reply, name) for name in REPLY_FIELDS}
    return {
        **values,
        "contact_masked": kinds_to_text(reply.contact_masked),
        "risk_level": int(reply.risk_level),
    }


def to_reply(row: Mapping[Any, Any]) -> Reply:
    masked = kinds_from_text(row["contact_masked"])
    reply = Reply(**{name: row[name] for name in REPLY_FIELDS}, contact_masked=masked)
    reply.risk_level = RiskLevel(row["risk_level"])
    return reply
