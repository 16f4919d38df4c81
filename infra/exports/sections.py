"""The sections of a data export: one per area, each read page by page.

**Extension point.** An area that stores data about a member adds a
:class:`Section` to :data:`SECTIONS` (and its shape to ``docs/export.schema.json``,
bumping the minor ``schemaVersion``). Only the member's own data goes in: the
members she blocked, never who blocked her; the reports she made, never who reported
her (moderators' decisions about her are in her notifications); the safety team's
items about her own content and her own requests, never the items peers' reports
opened, nor the staff's notes or names. What she did as a moderator or as staff is
the circle's or the team's record about other members, and stays out.
A list section yields its items from a keyset-paged query (``paged``), so a
history of any length is never in memory at once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Table, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.safety.model import RiskLevel
from domain.safety.team import ItemSource
from infra.db.repositories.checkins import emotions_from_text
from infra.db.tables.checkins import check_in_reminder_table, check_in_share_table, check_in_table
from infra.db.tables.circles import circle_table, invite_table, membership_table
from infra.db.tables.idempotency import idempotency_key_table
from infra.db.tables.members import member_table
from infra.db.tables.moderation import (
    block_table,
    moderation_action_table,
    report_table,
    topic_filter_table,
)
from infra.db.tables.notifications import (
    device_table,
    named_circle_table,
    notification_table,
    preferences_table,
)
from infra.db.tables.pins import circle_pin_table
from infra.db.tables.posts import post_table, reaction_table, reply_table
from infra.db.tables.privacy import consent_table
from infra.db.tables.safety import (
    risk_rating_table,
    safe_said_table,
    safety_item_table,
    staff_role_table,
)
from infra.db.tables.support import support_availability_table, support_nudge_table

PAGE = 1_000
Row = Mapping[Any, Any]
Items = AsyncIterator[dict[str, Any]]


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def ids(text: str | None) -> list[str]:
    return [t for t in (text or "").split(",") if t]


@dataclass(frozen=True)
class Section:
    """One top-level key of the document. ``many``: a JSON array of what ``items``
    yields; otherwise the first item (or null)."""

    name: str
    items: Callable[[AsyncConnection, UUID], Items]
    many: bool = True


async def paged(
    conn: AsyncConnection,
    table: Table,
    where: ColumnElement[bool],
    to_item: Callable[[Row], dict[str, Any]],
    order: Sequence[str] = ("created_at", "id"),
    columns: Sequence[Any] | None = None,
) -> Items:
    """Rows of ``table`` matching ``where``, ``PAGE`` at a time, oldest first."""
    keys = [table.c[name] for name in order]
    after: tuple[Any, ...] | None = None
    while True:
        query = select(*(columns or [table])).where(where)
        if after is not None:
            query = query.where(tuple_(*keys) > tuple_(*after))
        rows = (await conn.execute(query.order_by(*keys).limit(PAGE))).mappings().all()
        for row in rows:
            yield to_item(row)
        if len(rows) < PAGE:
            return
        after = tuple(rows[-1][name] for name in order)


async def _profile(conn: AsyncConnection, member_id: UUID) -> Items:
    row = (
        (await conn.execute(select(member_table).where(member_table.c.id == member_id)))
        .mappings()
        .first()
    )
    if row is not None:
        yield {
            "id": str(row["id"]),
            "displayName": row["display_name"],
            "pronouns": row["pronouns"],
            "bio": row["bio"],
            "timezone": row["timezone"],
            "region": row["region"],
            "memberSince": iso(row["created_at"]),
            "updatedAt": iso(row["updated_at"]),
            "adultConfirmedAt": iso(row["adult_confirmed_at"]),
        }


async def _consents(conn: AsyncConnection, member_id: UUID) -> Items:
    m = member_table
    row = (await conn.execute(select(m).where(m.c.id == member_id))).mappings().first()
    if row is not None:
        yield {
            "kind": "GUIDELINES",
            "version": row["guidelines_version"],
            "givenAt": iso(row["guidelines_accepted_at"]),
            "withdrawnAt": None,
        }
    c = consent_table
    async for item in paged(
        conn,
        c,
        c.c.member_id == member_id,
        lambda r: {
            "kind": r["kind"],
            "version": r["version"],
            "givenAt": iso(r["given_at"]),
            "withdrawnAt": iso(r["withdrawn_at"]),
        },
        order=("given_at", "id"),
    ):
        yield item


async def _memberships(conn: AsyncConnection, member_id: UUID) -> Items:
    m, c = membership_table, circle_table
    query = (
        select(m, c.c.name)
        .join(c, c.c.id == m.c.circle_id)
        .where(m.c.member_id == member_id)
        .order_by(m.c.created_at, m.c.circle_id)
    )
    for row in (await conn.execute(query)).mappings():  # a member is in few circles
        yield {
            "circleId": str(row["circle_id"]),
            "circleName": row["name"],
            "role": row["role"],
            "status": row["status"],
            "since": iso(row["created_at"]),
            "updatedAt": iso(row["updated_at"]),
            "mutedUntil": iso(row["muted_until"]),
        }


def _moderated(row: Row) -> dict[str, Any]:
    """What she sees of moderation on her own post or reply: whether a moderator hid
    it and why (never which moderator), and which kinds of contact details were masked
    in it."""
    return {
        "hiddenAt": iso(row["hidden_at"]),
        "hiddenReason": row["hidden_reason"],
        "maskedContactKinds": ids(row["contact_masked"]),
    }


def _post(row: Row) -> dict[str, Any]:
    warning = None
    if row["cw_topics"] is not None or row["cw_note"] is not None:
        warning = {"topics": ids(row["cw_topics"]), "note": row["cw_note"]}
    return {
        "id": str(row["id"]),
        "circleId": str(row["circle_id"]),
        "anonymous": row["anonymous"],
        "body": row["body"] if row["removed_at"] is None else None,
        "contentWarning": warning,
        "createdAt": iso(row["created_at"]),
        "editedAt": iso(row["edited_at"]),
        "removedAt": iso(row["removed_at"]),
        "firstReplyAt": iso(row["first_reply_at"]),
        **_moderated(row),
    }


def _reply(row: Row) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "postId": str(row["post_id"]),
        "circleId": str(row["circle_id"]),
        "anonymous": row["anonymous"],
        "body": row["body"] if row["removed_at"] is None else None,
        "createdAt": iso(row["created_at"]),
        "editedAt": iso(row["edited_at"]),
        "removedAt": iso(row["removed_at"]),
        **_moderated(row),
    }


def _posts(conn: AsyncConnection, member_id: UUID) -> Items:
    return paged(conn, post_table, post_table.c.author_id == member_id, _post)


def _replies(conn: AsyncConnection, member_id: UUID) -> Items:
    return paged(conn, reply_table, reply_table.c.author_id == member_id, _reply)


def _reactions(conn: AsyncConnection, member_id: UUID) -> Items:
    r = reaction_table
    return paged(
        conn,
        r,
        r.c.member_id == member_id,
        lambda row: {
            "targetId": str(row["target_id"]),
            "circleId": str(row["circle_id"]),
            "kind": row["kind"],
            "createdAt": iso(row["created_at"]),
        },
        order=("created_at", "target_id", "kind"),
    )


async def _check_ins(conn: AsyncConnection, member_id: UUID) -> Items:
    t, s = check_in_table, check_in_share_table
    page: list[Row] = []

    async def flush() -> AsyncIterator[dict[str, Any]]:
        query = select(s).where(s.c.check_in_id.in_([r["id"] for r in page]))
        shares: dict[UUID, list[dict[str, Any]]] = {}
        for share in (await conn.execute(query.order_by(s.c.shared_at))).mappings():
            shares.setdefault(share["check_in_id"], []).append(
                {"circleId": str(share["circle_id"]), "sharedAt": iso(share["shared_at"])}
            )
        for r in page:
            yield {
                "id": str(r["id"]),
                "mood": r["mood"],
                "emotions": [e.value for e in emotions_from_text(r["emotions"])],
                "note": r["note"],
                "createdAt": iso(r["created_at"]),
                "editedAt": iso(r["edited_at"]),
                "sharedWith": shares.get(r["id"], []),
            }

    async for row in paged(conn, t, t.c.member_id == member_id, dict):
        page.append(row)
        if len(page) == PAGE:
            async for item in flush():
                yield item
            page = []
    if page:
        async for item in flush():
            yield item


async def _reminder(conn: AsyncConnection, member_id: UUID) -> Items:
    r = check_in_reminder_table
    row = (await conn.execute(select(r).where(r.c.member_id == member_id))).mappings().first()
    if row is not None:
        yield {
            "enabled": row["enabled"],
            "localTimes": ids(row["local_times"]),
            "weekdays": [int(d) for d in ids(row["weekdays"])],
            "timezone": row["timezone"],
            "nextReminderAt": iso(row["next_fire_at"]),
            "paused": row["paused"],
            "unansweredInARow": row["consecutive_unanswered"],
            "updatedAt": iso(row["updated_at"]),
        }


def _devices(conn: AsyncConnection, member_id: UUID) -> Items:
    d = device_table
    return paged(
        conn,
        d,
        d.c.member_id == member_id,
        lambda row: {
            "tokenPrefix": row["token"][:6] + "…",
            "platform": row["platform"],
            "appVersion": row["app_version"],
            "locale": row["locale"],
            "createdAt": iso(row["created_at"]),
            "lastSeenAt": iso(row["last_seen_at"]),
        },
        order=("created_at", "token"),
    )


async def _preferences(conn: AsyncConnection, member_id: UUID) -> Items:
    p = preferences_table
    row = (await conn.execute(select(p).where(p.c.member_id == member_id))).mappings().first()
    if row is not None:
        quiet = None
        if row["quiet_start"] and row["quiet_end"]:
            quiet = {"start": row["quiet_start"], "end": row["quiet_end"]}
        yield {
            "replies": row["replies"],
            "reactions": row["reactions"],
            "circleActivity": row["circle_activity"],
            "checkInReminders": row["check_in_reminders"],
            "quietHours": quiet,
            "showPreviews": row["show_previews"],
            "moderationDecisions": row["moderation_decisions"],
            "updatedAt": iso(row["updated_at"]),
        }


def _link(data: Any, key: str) -> str | None:
    found = data.get(key) if isinstance(data, dict) else None
    return str(found) if found is not None else None


def _notifications(conn: AsyncConnection, member_id: UUID) -> Items:
    """Her inbox and outbox, with what the API shows of each: the texts, the count and
    the ids it links to."""
    n = notification_table
    return paged(
        conn,
        n,
        n.c.member_id == member_id,
        lambda row: {
            "id": str(row["id"]),
            "kind": row["kind"],
            "title": row["title"],
            "body": row["body"],
            "count": row["count"],
            "circleId": _link(row["data"], "circleId"),
            "postId": _link(row["data"], "postId"),
            "replyId": _link(row["data"], "replyId"),
            "status": row["status"],
            "createdAt": iso(row["created_at"]),
            "sentAt": iso(row["sent_at"]),
            "readAt": iso(row["read_at"]),
        },
    )


def _blocks(conn: AsyncConnection, member_id: UUID) -> Items:
    b = block_table
    return paged(
        conn,
        b,
        b.c.blocker_id == member_id,
        lambda row: {"memberId": str(row["blocked_id"]), "createdAt": iso(row["created_at"])},
        order=("created_at", "blocked_id"),
    )


async def _muted_topics(conn: AsyncConnection, member_id: UUID) -> Items:
    t = topic_filter_table
    row = (await conn.execute(select(t).where(t.c.member_id == member_id))).mappings().first()
    if row is not None:
        yield {"topics": ids(row["muted_topics"]), "updatedAt": iso(row["updated_at"])}


def _reports_made(conn: AsyncConnection, member_id: UUID) -> Items:
    r = report_table
    return paged(
        conn,
        r,
        r.c.reporter_id == member_id,
        lambda row: {
            "id": str(row["id"]),
            "targetType": row["target_type"],
            "targetId": str(row["target_id"]),
            "circleId": str(row["circle_id"]),
            "reason": row["reason"],
            "note": row["note"],
            "status": row["status"],
            "createdAt": iso(row["created_at"]),
            "resolvedAt": iso(row["resolved_at"]),
        },
    )


def _moderation_decisions(conn: AsyncConnection, member_id: UUID) -> Items:
    """What moderators did about her or her content: the action, the target, the
    guideline and the message (never which moderator)."""
    a = moderation_action_table
    return paged(
        conn,
        a,
        a.c.target_member_id == member_id,
        lambda row: {
            "action": row["kind"],
            "targetType": row["target_type"],
            "targetId": str(row["target_id"]),
            "circleId": str(row["circle_id"]),
            "reason": row["reason"],
            "message": row["message"],
            "createdAt": iso(row["created_at"]),
        },
    )


def _risk_ratings(conn: AsyncConnection, member_id: UUID) -> Items:
    """How the risk detector rated her own posts, replies and check-in notes: the
    level and the rules that fired (never anyone else's texts)."""
    r = risk_rating_table
    mine = or_(
        r.c.target_id.in_(select(post_table.c.id).where(post_table.c.author_id == member_id)),
        r.c.target_id.in_(select(reply_table.c.id).where(reply_table.c.author_id == member_id)),
        r.c.target_id.in_(
            select(check_in_table.c.id).where(check_in_table.c.member_id == member_id)
        ),
    )
    return paged(
        conn,
        r,
        mine,
        lambda row: {
            "targetKind": row["target_kind"],
            "targetId": str(row["target_id"]),
            "level": RiskLevel(row["level"]).name,
            "reasons": json.loads(row["reasons"]),
            "detectorVersion": row["detector_version"],
            "ratedAt": iso(row["rated_at"]),
        },
        order=("rated_at", "id"),
    )


def _safety_answers(conn: AsyncConnection, member_id: UUID) -> Items:
    s = safe_said_table
    return paged(
        conn,
        s,
        s.c.member_id == member_id,
        lambda row: {
            "targetKind": row["target_kind"],
            "targetId": str(row["target_id"]),
            "saidSafeAt": iso(row["at"]),
        },
        order=("at", "id"),
    )


def _named_circles(conn: AsyncConnection, member_id: UUID) -> Items:
    n = named_circle_table
    return paged(
        conn,
        n,
        n.c.member_id == member_id,
        lambda row: {"circleId": str(row["circle_id"])},
        order=("circle_id",),
    )


def _support_availability(conn: AsyncConnection, member_id: UUID) -> Items:
    """Where and until when she offered to listen (setSupportAvailability)."""
    a = support_availability_table
    return paged(
        conn,
        a,
        a.c.member_id == member_id,
        lambda row: {
            "circleId": str(row["circle_id"]),
            "until": iso(row["until"]),
            "allCircles": row["all_circles"],
            "setAt": iso(row["set_at"]),
        },
        order=("circle_id",),
    )


def _support_nudges(conn: AsyncConnection, member_id: UUID) -> Items:
    """The nudges she was sent about unanswered posts (never who else was nudged)."""
    n = support_nudge_table
    return paged(
        conn,
        n,
        n.c.member_id == member_id,
        lambda row: {
            "postId": str(row["post_id"]),
            "circleId": str(row["circle_id"]),
            "nudgedAt": iso(row["nudged_at"]),
        },
        order=("nudged_at", "id"),
    )


def _circles_created(conn: AsyncConnection, member_id: UUID) -> Items:
    """Circles she started (their name now: later owners may have renamed them)."""
    c = circle_table
    return paged(
        conn,
        c,
        c.c.created_by == member_id,
        lambda row: {
            "circleId": str(row["id"]),
            "name": row["name"],
            "createdAt": iso(row["created_at"]),
        },
    )


def _invites_created(conn: AsyncConnection, member_id: UUID) -> Items:
    """Invites she made (never the code: only its hash is stored)."""
    i = invite_table
    return paged(
        conn,
        i,
        i.c.created_by == member_id,
        lambda row: {
            "id": str(row["id"]),
            "circleId": str(row["circle_id"]),
            "createdAt": iso(row["created_at"]),
            "expiresAt": iso(row["expires_at"]),
            "maxUses": row["max_uses"],
            "uses": row["uses"],
        },
    )


def _pins_made(conn: AsyncConnection, member_id: UUID) -> Items:
    """What she pinned to a circle as its owner or moderator, still pinned."""
    p = circle_pin_table
    return paged(
        conn,
        p,
        p.c.pinned_by == member_id,
        lambda row: {
            "circleId": str(row["circle_id"]),
            "slot": row["slot"],
            "kind": row["kind"],
            "itemId": str(row["item_id"]),
            "pinnedAt": iso(row["pinned_at"]),
        },
        order=("pinned_at", "circle_id", "slot"),
    )


_HERS = (ItemSource.URGENT_CONTENT.value, ItemSource.REACH_OUT.value)


def _safety_team_items(conn: AsyncConnection, member_id: UUID) -> Items:
    """The safety team's items about her own content (rated URGENT) and her own
    requests for someone to reach out: what, when, and how far the team got. Not the
    level or reasons (a peer's report on the same content adds to them), not the
    staff's note or names, and no item a peer's report opened (reporters are never
    revealed, not even that there was one)."""
    i = safety_item_table
    return paged(
        conn,
        i,
        (i.c.author_id == member_id) & i.c.source.in_(_HERS),
        lambda row: {
            "id": str(row["id"]),
            "source": row["source"],
            "targetKind": row["target_kind"],
            "targetId": str(row["target_id"]),
            "createdAt": iso(row["created_at"]),
            "status": row["status"],
            "acknowledgedAt": iso(row["acknowledged_at"]),
            "resolvedAt": iso(row["resolved_at"]),
        },
    )


async def _staff_role(conn: AsyncConnection, member_id: UUID) -> Items:
    """Her safety-team role, if she has one (never who granted it)."""
    r, m = staff_role_table, member_table
    query = select(r).join(m, m.c.firebase_uid == r.c.firebase_uid).where(m.c.id == member_id)
    row = (await conn.execute(query)).mappings().first()
    if row is not None:
        yield {"role": row["role"], "onCall": row["on_call"], "grantedAt": iso(row["granted_at"])}


def _idempotency_keys(conn: AsyncConnection, member_id: UUID) -> Items:
    """The retry keys her app sent with createPost, replyToPost, checkIn and react, and
    what each created (kept 24 hours)."""
    k = idempotency_key_table
    return paged(
        conn,
        k,
        k.c.member_id == member_id,
        lambda row: {
            "key": row["key"],
            "operation": row["operation"],
            "resultId": str(row["result_id"]),
            "createdAt": iso(row["created_at"]),
        },
        order=("created_at", "key"),
    )


SECTIONS: list[Section] = [
    Section("profile", _profile, many=False),
    Section("consents", _consents),
    Section("memberships", _memberships),
    Section("posts", _posts),
    Section("replies", _replies),
    Section("reactions", _reactions),
    Section("checkIns", _check_ins),
    Section("checkInReminder", _reminder, many=False),
    Section("devices", _devices),
    Section("notificationPreferences", _preferences, many=False),
    Section("notifications", _notifications),
    Section("circlesNamedInPushes", _named_circles),
    Section("blockedMembers", _blocks),
    Section("mutedTopics", _muted_topics, many=False),
    Section("reportsMade", _reports_made),
    Section("moderationDecisions", _moderation_decisions),
    Section("riskRatings", _risk_ratings),
    Section("safetyAnswers", _safety_answers),
    Section("supportAvailability", _support_availability),
    Section("supportNudges", _support_nudges),
    Section("circlesCreated", _circles_created),
    Section("invitesCreated", _invites_created),
    Section("pinsMade", _pins_made),
    Section("safetyTeamItems", _safety_team_items),
    Section("staffRole", _staff_role, many=False),
    Section("idempotencyKeys", _idempotency_keys),
]
"""Every section, in document order. Append new areas' sections here."""
