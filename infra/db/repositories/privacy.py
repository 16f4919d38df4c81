"""Repositories of the data-rights area: consents and the health-data eraser."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.circles.model import Membership, MembershipStatus
from domain.members.rules import display_name_key
from domain.notifications.model import NotificationKind, NotificationStatus
from domain.privacy.export import DataExport
from domain.privacy.model import FORMER_MEMBER_ID, Consent, ConsentKind, former_member
from domain.safety.services import reach_out_reasons_kept
from domain.safety.team import ItemSource
from infra.db.mapping import to_membership
from infra.db.repositories.members import MEMBER_FIELDS
from infra.db.repositories.rows import dialect_insert
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
from infra.db.tables.privacy import consent_table, data_export_chunk_table, data_export_table
from infra.db.tables.safety import (
    risk_rating_table,
    safe_said_table,
    safety_audit_table,
    safety_item_table,
)
from infra.db.tables.support import support_availability_table, support_nudge_table

_REMINDER_KINDS = (NotificationKind.CHECKIN_REMINDER.value, NotificationKind.REMINDERS_PAUSED.value)


def to_consent(row: Mapping[Any, Any]) -> Consent:
    return Consent(
        id=row["id"],
        member_id=row["member_id"],
        kind=ConsentKind(row["kind"]),
        version=row["version"],
        given_at=row["given_at"],
        withdrawn_at=row["withdrawn_at"],
    )


class SqlConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, consent: Consent) -> None:
        await self._session.execute(
            insert(consent_table).values(
                id=consent.id,
                member_id=consent.member_id,
                kind=consent.kind.value,
                version=consent.version,
                given_at=consent.given_at,
                withdrawn_at=consent.withdrawn_at,
            )
        )

    async def active(self, member_id: UUID, kind: ConsentKind) -> Consent | None:
        t = consent_table
        query = (
            select(t)
            .where(t.c.member_id == member_id, t.c.kind == kind.value, t.c.withdrawn_at.is_(None))
            .order_by(t.c.given_at.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).mappings().first()
        return to_consent(row) if row else None

    async def of_member(self, member_id: UUID) -> list[Consent]:
        t = consent_table
        query = select(t).where(t.c.member_id == member_id).order_by(t.c.given_at, t.c.id)
        return [to_consent(r) for r in (await self._session.execute(query)).mappings()]

    async def withdraw(self, member_id: UUID, kind: ConsentKind, at: datetime) -> None:
        t = consent_table
        await self._session.execute(
            update(t)
            .where(t.c.member_id == member_id, t.c.kind == kind.value, t.c.withdrawn_at.is_(None))
            .values(withdrawn_at=at)
        )

    async def members_with_active(self, member_ids: Sequence[UUID], kind: ConsentKind) -> set[UUID]:
        if not member_ids:
            return set()
        t = consent_table
        query = select(t.c.member_id).where(
            t.c.member_id.in_(list(set(member_ids))),
            t.c.kind == kind.value,
            t.c.withdrawn_at.is_(None),
        )
        return set((await self._session.execute(query)).scalars())


class SqlHealthDataEraser:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def erase_health_data(self, member_id: UUID) -> int:
        """Check-ins with their notes, the notes' risk ratings and shares, reminders
        and reminder notifications; her "reach out to me" items keep only what
        ``reach_out_reasons_kept`` allows (the request stays for the team to answer)."""
        t, s, n = check_in_table, check_in_share_table, notification_table
        own = select(t.c.id).where(t.c.member_id == member_id)
        r = risk_rating_table
        await self._session.execute(
            delete(r).where(r.c.target_kind == "CHECK_IN", r.c.target_id.in_(own))
        )
        i = safety_item_table
        await self._session.execute(
            update(i)
            .where(i.c.author_id == member_id, i.c.source == ItemSource.REACH_OUT.value)
            .values(reasons=json.dumps(list(reach_out_reasons_kept())))
        )
        await self._session.execute(delete(s).where(s.c.check_in_id.in_(own)))
        result: Any = await self._session.execute(delete(t).where(t.c.member_id == member_id))
        reminders = check_in_reminder_table
        await self._session.execute(delete(reminders).where(reminders.c.member_id == member_id))
        await self._session.execute(
            delete(n).where(n.c.member_id == member_id, n.c.kind.in_(_REMINDER_KINDS))
        )
        return int(result.rowcount or 0)


class SqlExportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, export: DataExport) -> None:
        await self._session.execute(
            insert(data_export_table).values(
                id=export.id,
                member_id=export.member_id,
                status=export.status.value,
                requested_at=export.requested_at,
                completed_at=export.completed_at,
                expires_at=export.expires_at,
                byte_size=export.byte_size,
                attempts=0,
            )
        )

    async def requested_since(self, member_id: UUID, since: datetime) -> int:
        t = data_export_table
        query = select(func.count()).where(t.c.member_id == member_id, t.c.requested_at >= since)
        return int((await self._session.execute(query)).scalar_one())


# --- account deletion ---------------------------------------------------------------

Eraser = Callable[[AsyncSession, UUID, bool, datetime], Awaitable[None]]
"""One area's part of deleting an account: ``(session, member_id, delete_content,
now)``. Runs inside the deletion's transaction, before the member row goes."""

_NEUTRAL_REPLY_BODY = "Open Hearth to read it."
_UNSENT = (NotificationStatus.PENDING.value, NotificationStatus.SENDING.value)
_CHUNK = 500


async def _ids(session: AsyncSession, query: Any) -> list[UUID]:
    return list((await session.execute(query)).scalars())


async def _erase_health_data(session: AsyncSession, member_id: UUID, *_: Any) -> None:
    await SqlHealthDataEraser(session).erase_health_data(member_id)


async def _erase_notifications(session: AsyncSession, member_id: UUID, *_: Any) -> None:
    """Their own notifications go; notifications about their replies still in the
    outbox are dropped, and delivered ones lose the preview (name and words)."""
    n, r = notification_table, reply_table
    await session.execute(delete(n).where(n.c.member_id == member_id))
    reply_ids = [
        str(i) for i in await _ids(session, select(r.c.id).where(r.c.author_id == member_id))
    ]
    about = n.c.data["replyId"].as_string()
    for start in range(0, len(reply_ids), _CHUNK):
        chunk = reply_ids[start : start + _CHUNK]
        await session.execute(delete(n).where(about.in_(chunk), n.c.status.in_(_UNSENT)))
        await session.execute(
            update(n)
            .where(about.in_(chunk), n.c.body != _NEUTRAL_REPLY_BODY)
            .values(body=_NEUTRAL_REPLY_BODY)
        )


async def _erase_own_rows(session: AsyncSession, member_id: UUID, *_: Any) -> None:
    """Rows that are the member's alone."""
    for table, column in (
        (device_table, device_table.c.member_id),
        (preferences_table, preferences_table.c.member_id),
        (named_circle_table, named_circle_table.c.member_id),
        (consent_table, consent_table.c.member_id),
        (reaction_table, reaction_table.c.member_id),
        (invite_table, invite_table.c.created_by),
        (membership_table, membership_table.c.member_id),
    ):
        await session.execute(delete(table).where(column == member_id))
    exports = select(data_export_table.c.id).where(data_export_table.c.member_id == member_id)
    await session.execute(
        delete(data_export_chunk_table).where(data_export_chunk_table.c.export_id.in_(exports))
    )
    await session.execute(
        delete(data_export_table).where(data_export_table.c.member_id == member_id)
    )


async def _unlink_content(
    session: AsyncSession, member_id: UUID, delete_content: bool, now: datetime
) -> None:
    """Posts and replies keep the thread's shape, from the shared former member;
    with ``delete_content`` their bodies (and warnings) go too."""
    for table in (post_table, reply_table):
        c = table.c
        await session.execute(
            update(table).where(c.removed_by == member_id).values(removed_by=FORMER_MEMBER_ID)
        )
        values: dict[str, Any] = {"author_id": FORMER_MEMBER_ID}
        if delete_content:
            values |= {
                "body": "",
                "removed_at": func.coalesce(c.removed_at, now),
                "removed_by": FORMER_MEMBER_ID,
            }
            if table is post_table:
                values |= {"cw_topics": None, "cw_note": None}
        await session.execute(update(table).where(c.author_id == member_id).values(**values))
    await session.execute(
        update(circle_table)
        .where(circle_table.c.created_by == member_id)
        .values(created_by=FORMER_MEMBER_ID)
    )


async def _erase_safety(session: AsyncSession, member_id: UUID, *_: Any) -> None:
    """Safety-team items about her content or about her (a peer's risk report on her as
    a member) stay as the team's record, unlinked; her "I'm safe right now" answers go.
    As staff, her name leaves the items she handled and the audit. (The ratings of her
    check-in notes go with her health data: ``SqlHealthDataEraser``.)"""
    await session.execute(delete(safe_said_table).where(safe_said_table.c.member_id == member_id))
    i = safety_item_table
    await session.execute(
        update(i)
        .where(i.c.target_kind == "MEMBER", i.c.target_id == member_id)
        .values(target_id=FORMER_MEMBER_ID)
    )
    for column in (i.c.author_id, i.c.acknowledged_by, i.c.resolved_by):
        await session.execute(
            update(i).where(column == member_id).values({column.name: FORMER_MEMBER_ID})
        )
    a = safety_audit_table
    await session.execute(
        update(a).where(a.c.actor == str(member_id)).values(actor=str(FORMER_MEMBER_ID))
    )


async def _erase_moderation(session: AsyncSession, member_id: UUID, *_: Any) -> None:
    """Her blocks and topic filters go (both ways). Reports she made stay as counts
    for the moderators, without her or her note; reports and log entries about her,
    and what she did as a moderator, stay unlinked (the former member)."""
    b = block_table
    await session.execute(
        delete(b).where((b.c.blocker_id == member_id) | (b.c.blocked_id == member_id))
    )
    await session.execute(
        delete(topic_filter_table).where(topic_filter_table.c.member_id == member_id)
    )
    rep = report_table
    await session.execute(
        update(rep)
        .where(rep.c.reporter_id == member_id)
        .values(reporter_id=FORMER_MEMBER_ID, note=None)
    )
    log = moderation_action_table
    for table, columns in (
        (rep, (rep.c.target_id, rep.c.target_member_id, rep.c.resolved_by)),
        (log, (log.c.actor_id, log.c.target_id, log.c.target_member_id)),
        (post_table, (post_table.c.hidden_by,)),
        (reply_table, (reply_table.c.hidden_by,)),
        (circle_pin_table, (circle_pin_table.c.pinned_by,)),
    ):
        for column in columns:
            await session.execute(
                update(table).where(column == member_id).values({column.name: FORMER_MEMBER_ID})
            )


async def _erase_support(session: AsyncSession, member_id: UUID, *_: Any) -> None:
    """Her "I'm around to listen" offers and the nudges she was sent go; so do nudges
    about her own posts (they named her as the author to no one, but link to her posts
    only through the post, which stays unlinked)."""
    a, n = support_availability_table, support_nudge_table
    await session.execute(delete(a).where(a.c.member_id == member_id))
    await session.execute(delete(n).where(n.c.member_id == member_id))


async def _erase_idempotency_keys(session: AsyncSession, member_id: UUID, *_: Any) -> None:
    """Her idempotency keys go (technical, kept 24 hours at most; not exported)."""
    k = idempotency_key_table
    await session.execute(delete(k).where(k.c.member_id == member_id))


ERASERS: list[Eraser] = [
    _erase_support,
    _erase_idempotency_keys,
    _erase_health_data,  # before _erase_safety unlinks her reach-out items
    _erase_safety,
    _erase_moderation,
    _erase_notifications,
    _erase_own_rows,
    _unlink_content,
]
"""The extension point of account deletion: each area that stores rows linking to a
member appends its eraser here (reports made become anonymous counts, blocks go,
risk ratings of private notes go...). ``tests/api/datarights/test_deletion.py``
walks every table of the metadata after a deletion and fails for a table whose rows
still point to the member."""


class SqlAccountEraser:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def memberships_of(self, member_id: UUID) -> list[Membership]:
        t = membership_table
        rows = await self._session.execute(select(t).where(t.c.member_id == member_id))
        return [to_membership(r) for r in rows.mappings()]

    async def active_members(self, circle_id: UUID) -> list[Membership]:
        t = membership_table
        query = (
            select(t)
            .where(t.c.circle_id == circle_id, t.c.status == MembershipStatus.ACTIVE.value)
            .order_by(t.c.created_at, t.c.member_id)
        )
        return [to_membership(r) for r in (await self._session.execute(query)).mappings()]

    async def _ensure_former_member(self, now: datetime) -> None:
        """Create the shared former-member profile the first time (race-free)."""
        profile = former_member(now)
        values = {name: getattr(profile, name) for name in MEMBER_FIELDS}
        values["display_name_key"] = display_name_key(profile.display_name)
        statement = dialect_insert(self._session, member_table).values(**values)
        await self._session.execute(statement.on_conflict_do_nothing())

    async def erase(self, member_id: UUID, delete_content: bool, now: datetime) -> None:
        if member_id == FORMER_MEMBER_ID:
            raise ValueError("the former-member profile is not an account")
        await self._ensure_former_member(now)
        for eraser in ERASERS:
            await eraser(self._session, member_id, delete_content, now)
        await self._session.execute(delete(member_table).where(member_table.c.id == member_id))
