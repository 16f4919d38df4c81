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

Most sections are one table read by one owner column, and an item is some of the row's
columns (:func:`fields`): each under its name in camelCase unless renamed
(``memberSince=created_at``), dates as ISO 8601 text and UUIDs as text, as the
column's type says; a field worked out from the row is given as a function.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Table, Uuid, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import ColumnCollection

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
from infra.db.types import UTCDateTime

PAGE = 1_000
Row = Mapping[Any, Any]
Items = AsyncIterator[dict[str, Any]]
Item = Callable[[Row], dict[str, Any]]
SectionItems = Callable[[AsyncConnection, UUID], Items]


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def ids(text: str | None) -> list[str]:
    return [t for t in (text or "").split(",") if t]


@dataclass(frozen=True)
class Section:
    """One top-level key of the document. ``many``: a JSON array of what ``items``
    yields; otherwise the first item (or null)."""

    name: str
    items: SectionItems
    many: bool = True


async def paged(
    conn: AsyncConnection,
    table: Table,
    where: ColumnElement[bool],
    to_item: Item,
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


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def _as_stored(column: Any) -> Callable[[Any], Any]:
    """How a column's value is written in the document, by the column's type."""
    if isinstance(column.type, UTCDateTime):
        return iso
    if isinstance(column.type, Uuid):
        return str
    return lambda value: value


def fields(columns: ColumnCollection[str, Any], spec: str, **made: Callable[[Row], Any]) -> Item:
    """An item of some columns of a row, in the order ``spec`` names them: ``column``
    (its name in camelCase) or ``key=column``, written as :func:`_as_stored` says; a
    key given in ``made`` is what its function makes of the row."""
    getters: list[tuple[str, Callable[[Row], Any]]] = []
    for name in spec.split():
        if name in made:
            getters.append((name, made[name]))
            continue
        key, _, column = name.rpartition("=")
        getters.append((key or _camel(column), _stored(column, _as_stored(columns[column]))))
    return lambda row: {key: get(row) for key, get in getters}


def _stored(column: str, write: Callable[[Any], Any]) -> Callable[[Row], Any]:
    return lambda row: write(row[column])


Owner = Callable[[UUID], ColumnElement[bool]]


def listed(
    table: Table,
    owner: str | Owner,
    spec: str,
    order: Sequence[str] = ("created_at", "id"),
    **made: Callable[[Row], Any],
) -> SectionItems:
    """A list section: the rows of ``table`` whose ``owner`` column is the member (or
    that ``owner(member_id)`` selects), page by page in ``order``, as ``fields``."""
    to_item = fields(table.c, spec, **made)

    def items(conn: AsyncConnection, member_id: UUID) -> Items:
        where = owner(member_id) if callable(owner) else table.c[owner] == member_id
        return paged(conn, table, where, to_item, order)

    return items


def single(table: Table, owner: str, spec: str, **made: Callable[[Row], Any]) -> SectionItems:
    """A one-row section: the member's row of ``table`` (by ``owner``), if any."""
    to_item = fields(table.c, spec, **made)

    async def items(conn: AsyncConnection, member_id: UUID) -> Items:
        query = select(table).where(table.c[owner] == member_id)
        row = (await conn.execute(query)).mappings().first()
        if row is not None:
            yield to_item(row)

    return items


_consent = fields(consent_table.c, "kind version given_at withdrawn_at")


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
    async for item in paged(conn, c, c.c.member_id == member_id, _consent, ("given_at", "id")):
        yield item


_MEMBERSHIPS = (
    select(membership_table, circle_table.c.name)
    .join(circle_table, circle_table.c.id == membership_table.c.circle_id)
    .order_by(membership_table.c.created_at, membership_table.c.circle_id)
)
_membership = fields(
    _MEMBERSHIPS.selected_columns,
    "circle_id circleName=name role status since=created_at updated_at muted_until",
)


async def _memberships(conn: AsyncConnection, member_id: UUID) -> Items:
    query = _MEMBERSHIPS.where(membership_table.c.member_id == member_id)
    for row in (await conn.execute(query)).mappings():  # a member is in few circles
        yield _membership(row)


def _body(row: Row) -> str | None:
    return row["body"] if row["removed_at"] is None else None


def _warning(row: Row) -> dict[str, Any] | None:
    if row["cw_topics"] is None and row["cw_note"] is None:
        return None
    return {"topics": ids(row["cw_topics"]), "note": row["cw_note"]}


_MODERATED = "hidden_at hidden_reason maskedContactKinds"
"""What she sees of moderation on her own post or reply: whether a moderator hid it and
why (never which moderator), and which kinds of contact details were masked in it."""


def _masked(row: Row) -> list[str]:
    return ids(row["contact_masked"])


_check_in = fields(
    check_in_table.c,
    "id mood emotions note created_at edited_at",
    emotions=lambda row: [e.value for e in emotions_from_text(row["emotions"])],
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
            yield {**_check_in(r), "sharedWith": shares.get(r["id"], [])}

    async for row in paged(conn, t, t.c.member_id == member_id, dict):
        page.append(row)
        if len(page) == PAGE:
            async for item in flush():
                yield item
            page = []
    if page:
        async for item in flush():
            yield item


def _quiet_hours(row: Row) -> dict[str, Any] | None:
    if row["quiet_start"] and row["quiet_end"]:
        return {"start": row["quiet_start"], "end": row["quiet_end"]}
    return None


def _link(key: str) -> Callable[[Row], str | None]:
    """The id a notification links to (in its data) under ``key``."""

    def link(row: Row) -> str | None:
        data = row["data"]
        found = data.get(key) if isinstance(data, dict) else None
        return str(found) if found is not None else None

    return link


def _risk_ratings_of(member_id: UUID) -> ColumnElement[bool]:
    """The ratings of her own posts, replies and check-in notes (never anyone else's)."""
    r = risk_rating_table
    return or_(
        r.c.target_id.in_(select(post_table.c.id).where(post_table.c.author_id == member_id)),
        r.c.target_id.in_(select(reply_table.c.id).where(reply_table.c.author_id == member_id)),
        r.c.target_id.in_(
            select(check_in_table.c.id).where(check_in_table.c.member_id == member_id)
        ),
    )


_HERS = (ItemSource.URGENT_CONTENT.value, ItemSource.REACH_OUT.value)


def _safety_items_of(member_id: UUID) -> ColumnElement[bool]:
    """The safety team's items about her own content (rated URGENT) and her own
    requests for someone to reach out. Not the level or reasons (a peer's report on the
    same content adds to them), not the staff's note or names, and no item a peer's
    report opened (reporters are never revealed, not even that there was one)."""
    i = safety_item_table
    return (i.c.author_id == member_id) & i.c.source.in_(_HERS)


_staff_role = fields(staff_role_table.c, "role on_call granted_at")


async def _staff_role_items(conn: AsyncConnection, member_id: UUID) -> Items:
    """Her safety-team role, if she has one (never who granted it)."""
    r, m = staff_role_table, member_table
    query = select(r).join(m, m.c.firebase_uid == r.c.firebase_uid).where(m.c.id == member_id)
    row = (await conn.execute(query)).mappings().first()
    if row is not None:
        yield _staff_role(row)


SECTIONS: list[Section] = [
    Section(
        "profile",
        single(
            member_table,
            "id",
            "id display_name pronouns bio timezone region memberSince=created_at updated_at "
            "adult_confirmed_at",
        ),
        many=False,
    ),
    Section("consents", _consents),
    Section("memberships", _memberships),
    Section(
        "posts",
        listed(
            post_table,
            "author_id",
            "id circle_id anonymous body contentWarning created_at edited_at removed_at "
            f"first_reply_at {_MODERATED}",
            body=_body,
            contentWarning=_warning,
            maskedContactKinds=_masked,
        ),
    ),
    Section(
        "replies",
        listed(
            reply_table,
            "author_id",
            f"id post_id circle_id anonymous body created_at edited_at removed_at {_MODERATED}",
            body=_body,
            maskedContactKinds=_masked,
        ),
    ),
    Section(
        "reactions",
        listed(
            reaction_table,
            "member_id",
            "target_id circle_id kind created_at",
            ("created_at", "target_id", "kind"),
        ),
    ),
    Section("checkIns", _check_ins),
    Section(
        "checkInReminder",
        single(
            check_in_reminder_table,
            "member_id",
            "enabled localTimes weekdays timezone nextReminderAt=next_fire_at paused "
            "unansweredInARow=consecutive_unanswered updated_at",
            localTimes=lambda row: ids(row["local_times"]),
            weekdays=lambda row: [int(d) for d in ids(row["weekdays"])],
        ),
        many=False,
    ),
    Section(
        "devices",
        listed(
            device_table,
            "member_id",
            "tokenPrefix platform app_version locale created_at last_seen_at",
            ("created_at", "token"),
            tokenPrefix=lambda row: row["token"][:6] + "…",
        ),
    ),
    Section(
        "notificationPreferences",
        single(
            preferences_table,
            "member_id",
            "replies reactions circle_activity check_in_reminders quietHours show_previews "
            "moderation_decisions updated_at",
            quietHours=_quiet_hours,
        ),
        many=False,
    ),
    # her inbox and outbox, with what the API shows of each: the texts, the count and
    # the ids it links to
    Section(
        "notifications",
        listed(
            notification_table,
            "member_id",
            "id kind title body count circleId postId replyId status created_at sent_at read_at",
            circleId=_link("circleId"),
            postId=_link("postId"),
            replyId=_link("replyId"),
        ),
    ),
    Section(
        "circlesNamedInPushes", listed(named_circle_table, "member_id", "circle_id", ("circle_id",))
    ),
    Section(
        "blockedMembers",
        listed(
            block_table,
            "blocker_id",
            "memberId=blocked_id created_at",
            ("created_at", "blocked_id"),
        ),
    ),
    Section(
        "mutedTopics",
        single(
            topic_filter_table,
            "member_id",
            "topics updated_at",
            topics=lambda row: ids(row["muted_topics"]),
        ),
        many=False,
    ),
    Section(
        "reportsMade",
        listed(
            report_table,
            "reporter_id",
            "id target_type target_id circle_id reason note status created_at resolved_at",
        ),
    ),
    # what moderators did about her or her content: the action, the target, the
    # guideline and the message (never which moderator)
    Section(
        "moderationDecisions",
        listed(
            moderation_action_table,
            "target_member_id",
            "action=kind target_type target_id circle_id reason message created_at",
        ),
    ),
    # how the risk detector rated her own posts, replies and check-in notes: the level
    # and the rules that fired
    Section(
        "riskRatings",
        listed(
            risk_rating_table,
            _risk_ratings_of,
            "target_kind target_id level reasons detector_version rated_at",
            ("rated_at", "id"),
            level=lambda row: RiskLevel(row["level"]).name,
            reasons=lambda row: json.loads(row["reasons"]),
        ),
    ),
    Section(
        "safetyAnswers",
        listed(safe_said_table, "member_id", "target_kind target_id saidSafeAt=at", ("at", "id")),
    ),
    # where and until when she offered to listen (setSupportAvailability)
    Section(
        "supportAvailability",
        listed(
            support_availability_table,
            "member_id",
            "circle_id until all_circles set_at",
            ("circle_id",),
        ),
    ),
    # the nudges she was sent about unanswered posts (never who else was nudged)
    Section(
        "supportNudges",
        listed(
            support_nudge_table, "member_id", "post_id circle_id nudged_at", ("nudged_at", "id")
        ),
    ),
    # circles she started (their name now: later owners may have renamed them)
    Section("circlesCreated", listed(circle_table, "created_by", "circleId=id name created_at")),
    # invites she made (never the code: only its hash is stored)
    Section(
        "invitesCreated",
        listed(invite_table, "created_by", "id circle_id created_at expires_at max_uses uses"),
    ),
    # what she pinned to a circle as its owner or moderator, still pinned
    Section(
        "pinsMade",
        listed(
            circle_pin_table,
            "pinned_by",
            "circle_id slot kind item_id pinned_at",
            ("pinned_at", "circle_id", "slot"),
        ),
    ),
    # what the team did about her own content and requests: what, when, and how far
    # the team got
    Section(
        "safetyTeamItems",
        listed(
            safety_item_table,
            _safety_items_of,
            "id source target_kind target_id created_at status acknowledged_at resolved_at",
        ),
    ),
    Section("staffRole", _staff_role_items, many=False),
    # the retry keys her app sent with createPost, replyToPost, checkIn and react, and
    # what each created (kept 24 hours)
    Section(
        "idempotencyKeys",
        listed(
            idempotency_key_table,
            "member_id",
            "key operation result_id created_at",
            ("created_at", "key"),
        ),
    ),
]
"""Every section, in document order. Append new areas' sections here."""
