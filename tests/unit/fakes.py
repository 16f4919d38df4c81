"""Hand-made in-memory adapters for the ports in ``domain/<area>/ports.py`` and ``domain/uow.py``.

:class:`FakeStore` is the "database"; each :class:`FakeUnitOfWork` works on a copy
of it and writes the copy back only on ``commit``, so a test can check both what a
use case kept and that a failed one kept nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from uuid import UUID, uuid4

from domain.checkins.model import CheckIn, CheckInReminder
from domain.circles.model import (
    Circle,
    Invite,
    Membership,
    MembershipStatus,
    Role,
    Topic,
    Visibility,
)
from domain.circles.pins import Pin
from domain.errors import DomainError, ErrorCode
from domain.events import Event
from domain.idempotency import StoredKey
from domain.members.model import Member
from domain.members.rules import display_name_key
from domain.moderation.model import ModerationAction, Report, ReportStatus
from domain.notifications.model import (
    Device,
    Notification,
    NotificationPreferences,
    NotificationStatus,
)
from domain.posts.model import Post, ReactionKind, Reply
from domain.privacy.export import DataExport
from domain.privacy.model import Consent, ConsentKind
from domain.ratelimits.policy import Action
from domain.safety.contact_details import ContactSpan
from domain.safety.model import RiskLevel
from domain.safety.team import (
    AuditEntry,
    ItemStatus,
    RiskRating,
    SafeSaid,
    SafetyItem,
    StaffGrant,
    TargetKind,
)
from domain.support.model import Listener, Nudge, SupportAvailability, WaitingPost
from domain.support.rules import MAX_NUDGES_PER_POST


@dataclass
class FakeStore:
    members: dict[UUID, Member] = field(default_factory=dict)
    circles: dict[UUID, Circle] = field(default_factory=dict)
    memberships: dict[tuple[UUID, UUID], Membership] = field(default_factory=dict)
    invites: dict[UUID, Invite] = field(default_factory=dict)
    posts: dict[UUID, Post] = field(default_factory=dict)
    replies: dict[UUID, Reply] = field(default_factory=dict)
    reactions: dict[tuple[UUID, UUID, ReactionKind], tuple[UUID, datetime]] = field(
        default_factory=dict
    )
    check_ins: dict[UUID, CheckIn] = field(default_factory=dict)
    reminders: dict[UUID, CheckInReminder] = field(default_factory=dict)
    consents: list[Consent] = field(default_factory=list)
    notifications: dict[UUID, Notification] = field(default_factory=dict)
    notification_preferences: dict[UUID, NotificationPreferences] = field(default_factory=dict)
    published: list[Event] = field(default_factory=list)
    blocks: set[tuple[UUID, UUID]] = field(default_factory=set)
    topic_filters: dict[UUID, tuple[Topic, ...]] = field(default_factory=dict)
    devices: dict[UUID, list[Device]] = field(default_factory=dict)
    availability: dict[UUID, SupportAvailability] = field(default_factory=dict)
    nudges: list[Nudge] = field(default_factory=list)
    risk_ratings: list[RiskRating] = field(default_factory=list)
    staff: dict[str, StaffGrant] = field(default_factory=dict)
    safety_items: dict[UUID, SafetyItem] = field(default_factory=dict)
    safety_audit: list[AuditEntry] = field(default_factory=list)
    safe_said: list[SafeSaid] = field(default_factory=list)
    erased: list[tuple[UUID, bool, datetime]] = field(default_factory=list)
    exports: list[DataExport] = field(default_factory=list)
    reports: dict[UUID, Report] = field(default_factory=dict)
    moderation_log: list[ModerationAction] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    answered_after: dict[UUID, int] = field(default_factory=dict)
    """Seconds from a post to its first reply by someone else (the support metrics)."""
    idempotency: dict[tuple[UUID, str], StoredKey] = field(default_factory=dict)

    def copy(self) -> FakeStore:
        return copy.deepcopy(self)


class FakeMembers:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, member_id: UUID) -> Member | None:
        return copy.copy(self._store.members.get(member_id))

    async def get_by_uid(self, firebase_uid: str) -> Member | None:
        found = [m for m in self._store.members.values() if m.firebase_uid == firebase_uid]
        return copy.copy(found[0]) if found else None

    async def name_taken(self, display_name: str, except_id: UUID | None = None) -> bool:
        key = display_name_key(display_name)
        return any(
            display_name_key(m.display_name) == key and m.id != except_id
            for m in self._store.members.values()
        )

    async def skeleton_taken(self, skeleton: str, except_id: UUID | None = None) -> bool:
        return any(
            m.name_skeleton == skeleton and m.id != except_id for m in self._store.members.values()
        )

    async def add(self, member: Member) -> None:
        self._store.members[member.id] = copy.copy(member)

    async def update(self, member: Member) -> None:
        if member.id not in self._store.members:
            raise LookupError("member vanished during update")
        self._store.members[member.id] = copy.copy(member)


class FakeCircles:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, circle_id: UUID) -> Circle | None:
        return copy.copy(self._store.circles.get(circle_id))

    async def add(self, circle: Circle) -> None:
        self._store.circles[circle.id] = copy.copy(circle)

    async def update(self, circle: Circle) -> None:
        self._store.circles[circle.id] = copy.copy(circle)

    async def reserve_seat(self, circle_id: UUID) -> bool:
        circle = self._store.circles[circle_id]
        if circle.active_count >= circle.capacity:
            return False
        circle.active_count += 1
        return True

    async def release_seat(self, circle_id: UUID) -> None:
        circle = self._store.circles[circle_id]
        circle.active_count = max(0, circle.active_count - 1)

    async def delete(self, circle_id: UUID) -> None:
        self._store.circles.pop(circle_id, None)
        for key in [k for k in self._store.memberships if k[0] == circle_id]:
            del self._store.memberships[key]


class FakeMemberships:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, circle_id: UUID, member_id: UUID) -> Membership | None:
        return copy.copy(self._store.memberships.get((circle_id, member_id)))

    async def add(self, membership: Membership) -> None:
        key = (membership.circle_id, membership.member_id)
        self._store.memberships[key] = copy.copy(membership)

    async def update(self, membership: Membership) -> None:
        await self.add(membership)

    async def delete(self, circle_id: UUID, member_id: UUID) -> None:
        self._store.memberships.pop((circle_id, member_id), None)


class FakeInvites:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, invite: Invite) -> None:
        self._store.invites[invite.id] = copy.copy(invite)

    async def find(self, circle_id: UUID, code_hash: str) -> Invite | None:
        for invite in self._store.invites.values():
            if invite.circle_id == circle_id and invite.code_hash == code_hash:
                return copy.copy(invite)
        return None

    async def use(self, invite_id: UUID, now: datetime) -> bool:
        invite = self._store.invites.get(invite_id)
        if invite is None or invite.expires_at <= now or invite.uses >= invite.max_uses:
            return False
        invite.uses += 1
        return True


class FakePosts:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, post_id: UUID) -> Post | None:
        return copy.copy(self._store.posts.get(post_id))

    async def add(self, post: Post) -> None:
        self._store.posts[post.id] = copy.copy(post)

    async def update(self, post: Post) -> None:
        answered = self._store.posts[post.id].first_reply_at
        self._store.posts[post.id] = replace(post, first_reply_at=answered)

    async def mark_answered(self, post_id: UUID, at: datetime, seconds: int) -> bool:
        post = self._store.posts[post_id]
        if post.first_reply_at is not None:
            return False
        post.first_reply_at = at
        self._store.answered_after[post_id] = seconds
        return True


class FakeReplies:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, reply_id: UUID) -> Reply | None:
        return copy.copy(self._store.replies.get(reply_id))

    async def add(self, reply: Reply) -> None:
        self._store.replies[reply.id] = copy.copy(reply)

    async def update(self, reply: Reply) -> None:
        self._store.replies[reply.id] = copy.copy(reply)


class FakeReactions:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(
        self, target_id: UUID, circle_id: UUID, member_id: UUID, kind: ReactionKind, at: datetime
    ) -> bool:
        key = (target_id, member_id, kind)
        if key in self._store.reactions:
            return False
        self._store.reactions[key] = (circle_id, at)
        return True

    async def remove(self, target_id: UUID, member_id: UUID, kind: ReactionKind) -> bool:
        return self._store.reactions.pop((target_id, member_id, kind), None) is not None

    async def since(self, target_id: UUID, at: datetime) -> list[tuple[UUID, ReactionKind]]:
        return [
            (member, kind)
            for (target, member, kind), (_, made) in self._store.reactions.items()
            if target == target_id and made >= at
        ]


class FakeCheckIns:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, check_in_id: UUID) -> CheckIn | None:
        return self._store.check_ins.get(check_in_id)

    async def add(self, check_in: CheckIn) -> None:
        self._store.check_ins[check_in.id] = check_in

    async def update(self, check_in: CheckIn) -> None:
        self._store.check_ins[check_in.id] = check_in

    async def delete(self, check_in_id: UUID) -> None:
        self._store.check_ins.pop(check_in_id, None)

    async def end_shares(self, member_id: UUID, circle_id: UUID) -> None:
        for c in self._store.check_ins.values():
            if c.member_id == member_id:
                c.shared_circle_ids = tuple(i for i in c.shared_circle_ids if i != circle_id)

    async def live_shares(
        self, member_id: UUID, circle_id: UUID | None = None
    ) -> list[tuple[UUID, UUID]]:
        found = []
        for c in sorted(self._store.check_ins.values(), key=lambda c: c.created_at):
            for shared in c.shared_circle_ids:
                membership = self._store.memberships.get((shared, member_id))
                active = membership is not None and membership.is_active
                if c.member_id == member_id and active and circle_id in (None, shared):
                    found.append((c.id, shared))
        return found

    async def created_between(
        self, member_id: UUID, start: datetime, end: datetime
    ) -> list[CheckIn]:
        found = [
            c
            for c in self._store.check_ins.values()
            if c.member_id == member_id and start <= c.created_at < end
        ]
        return sorted(found, key=lambda c: c.created_at)

    async def latest_times(self, member_ids: Sequence[UUID]) -> dict[UUID, datetime]:
        wanted = set(member_ids)
        latest: dict[UUID, datetime] = {}
        for c in self._store.check_ins.values():
            if c.member_id in wanted and c.created_at > latest.get(c.member_id, c.created_at):
                latest[c.member_id] = c.created_at
            elif c.member_id in wanted:
                latest.setdefault(c.member_id, c.created_at)
        return latest


class FakeReminders:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, member_id: UUID) -> CheckInReminder | None:
        return self._store.reminders.get(member_id)

    async def save(self, reminder: CheckInReminder) -> None:
        self._store.reminders[reminder.member_id] = reminder

    async def due(self, window_start: datetime, window_end: datetime) -> list[CheckInReminder]:
        found = [
            r
            for r in self._store.reminders.values()
            if r.schedule.enabled
            and not r.paused
            and r.next_fire_at is not None
            and window_start <= r.next_fire_at < window_end
        ]
        return sorted(found, key=lambda r: r.next_fire_at or window_end)


class FakeConsents:
    """Consents in a list. ``everyone_consents`` answers every member as having the
    current health-data consent (for tests about other rules)."""

    def __init__(self, store: FakeStore | None = None, everyone_consents: bool = False) -> None:
        self._store = store if store is not None else FakeStore()
        self._everyone = everyone_consents

    async def add(self, consent: Consent) -> None:
        self._store.consents.append(consent)

    async def active(self, member_id: UUID, kind: ConsentKind) -> Consent | None:
        if self._everyone:
            return Consent(member_id, member_id, kind, "2026-12", datetime(2026, 1, 1))
        found = [
            c
            for c in self._store.consents
            if c.member_id == member_id and c.kind is kind and c.withdrawn_at is None
        ]
        return found[-1] if found else None

    async def of_member(self, member_id: UUID) -> list[Consent]:
        return [c for c in self._store.consents if c.member_id == member_id]

    async def withdraw(self, member_id: UUID, kind: ConsentKind, at: datetime) -> None:
        self._store.consents = [
            replace(c, withdrawn_at=at)
            if c.member_id == member_id and c.kind is kind and c.withdrawn_at is None
            else c
            for c in self._store.consents
        ]

    async def members_with_active(self, member_ids: Sequence[UUID], kind: ConsentKind) -> set[UUID]:
        return {m for m in member_ids if await self.active(m, kind) is not None}


class FakeHealthData:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def erase_health_data(self, member_id: UUID) -> int:
        mine = [i for i, c in self._store.check_ins.items() if c.member_id == member_id]
        for check_in_id in mine:
            del self._store.check_ins[check_in_id]
        self._store.reminders.pop(member_id, None)
        return len(mine)


class FakeNotificationPreferences:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, member_id: UUID) -> NotificationPreferences | None:
        return self._store.notification_preferences.get(member_id)

    async def save(self, preferences: NotificationPreferences) -> None:
        self._store.notification_preferences[preferences.member_id] = preferences


class FakeNotifications:
    """The outbox: ``add`` refuses a second row with the same dedupe key, as the
    database's unique index does."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, notification: Notification) -> bool:
        keys = {n.dedupe_key for n in self._store.notifications.values()}
        if notification.dedupe_key in keys:
            return False
        self._store.notifications[notification.id] = notification
        return True

    async def pending_to_collapse(
        self, member_id: UUID, collapse_key: str, since: datetime
    ) -> Notification | None:
        found = [
            n
            for n in self._store.notifications.values()
            if n.member_id == member_id
            and n.collapse_key == collapse_key
            and n.status is NotificationStatus.PENDING
            and n.created_at >= since
        ]
        return max(found, key=lambda n: n.created_at, default=None)

    async def latest_by_collapse_key(
        self, member_id: UUID, collapse_key: str, since: datetime
    ) -> Notification | None:
        found = [
            n
            for n in self._store.notifications.values()
            if n.member_id == member_id and n.collapse_key == collapse_key and n.created_at >= since
        ]
        return max(found, key=lambda n: n.created_at, default=None)

    async def update_text(self, notification: Notification) -> bool:
        if notification.id not in self._store.notifications:
            return False
        self._store.notifications[notification.id] = notification
        return True

    async def update_pending(self, notification: Notification) -> bool:
        current = self._store.notifications.get(notification.id)
        if current is None or current.status is not NotificationStatus.PENDING:
            return False
        self._store.notifications[notification.id] = notification
        return True

    async def unread_count(self, member_id: UUID) -> int:
        return sum(
            1
            for n in self._store.notifications.values()
            if n.member_id == member_id and not n.read_at
        )

    async def mark_read(self, member_id: UUID, ids: Sequence[UUID] | None, at: datetime) -> int:
        changed = 0
        for n in self._store.notifications.values():
            if n.member_id == member_id and n.read_at is None and (ids is None or n.id in ids):
                n.read_at = at
                changed += 1
        return changed


class FakeBlocks:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, blocker_id: UUID, blocked_id: UUID, at: datetime) -> bool:
        if (blocker_id, blocked_id) in self._store.blocks:
            return False
        self._store.blocks.add((blocker_id, blocked_id))
        return True

    async def remove(self, blocker_id: UUID, blocked_id: UUID) -> bool:
        if (blocker_id, blocked_id) not in self._store.blocks:
            return False
        self._store.blocks.discard((blocker_id, blocked_id))
        return True

    async def pairs_involving(self, member_ids: Sequence[UUID]) -> list[tuple[UUID, UUID]]:
        return [p for p in self._store.blocks if p[0] in member_ids or p[1] in member_ids]


class FakeTopicFilters:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, member_id: UUID) -> tuple[Topic, ...]:
        return self._store.topic_filters.get(member_id, ())

    async def save(self, member_id: UUID, topics: tuple[Topic, ...], at: datetime) -> None:
        self._store.topic_filters[member_id] = topics


class FakeDevices:
    """Devices by member; a FID belongs to one member (``save`` moves it)."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def save(self, device: Device) -> None:
        for member_id, devices in self._store.devices.items():
            self._store.devices[member_id] = [d for d in devices if d.token != device.token]
        self._store.devices.setdefault(device.member_id, []).append(device)

    async def remove(self, token: str, member_id: UUID) -> bool:
        devices = self._store.devices.get(member_id, [])
        kept = [d for d in devices if d.token != token]
        self._store.devices[member_id] = kept
        return len(kept) < len(devices)

    async def trim(self, member_id: UUID, keep: int) -> int:
        devices = sorted(
            self._store.devices.get(member_id, []), key=lambda d: d.last_seen_at, reverse=True
        )
        self._store.devices[member_id] = devices[:keep]
        return len(devices[keep:])

    async def for_members(self, member_ids: Sequence[UUID]) -> dict[UUID, list[Device]]:
        return {m: list(self._store.devices[m]) for m in member_ids if self._store.devices.get(m)}


class FakeSupport:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def availability(self, member_id: UUID) -> SupportAvailability | None:
        return self._store.availability.get(member_id)

    async def set_availability(self, availability: SupportAvailability) -> None:
        self._store.availability[availability.member_id] = availability

    async def clear_availability(self, member_id: UUID) -> bool:
        return self._store.availability.pop(member_id, None) is not None

    async def active_circle_ids(self, member_id: UUID) -> list[UUID]:
        return [
            c for (c, m), ms in self._store.memberships.items() if m == member_id and ms.is_active
        ]

    async def active_member_ids(self, circle_id: UUID) -> list[UUID]:
        return [
            m for (c, m), ms in self._store.memberships.items() if c == circle_id and ms.is_active
        ]

    async def waiting_posts(self, since: datetime) -> list[WaitingPost]:
        found = []
        for post in sorted(self._store.posts.values(), key=lambda p: p.created_at):
            nudges = [n for n in self._store.nudges if n.post_id == post.id]
            if (
                post.first_reply_at is None
                and post.created_at >= since
                and not post.is_removed
                and not post.is_hidden
                and len(nudges) < MAX_NUDGES_PER_POST
                and (author := self._store.memberships.get((post.circle_id, post.author_id)))
                and author.is_active
            ):
                last = max((n.nudged_at for n in nudges), default=None)
                interval = self._store.circles[post.circle_id].nudge_after_minutes
                found.append(WaitingPost(copy.copy(post), interval, len(nudges), last))
        return found

    async def listeners(self, circle_id: UUID, now: datetime) -> list[Listener]:
        found = []
        for member_id, offer in self._store.availability.items():
            membership = self._store.memberships.get((circle_id, member_id))
            if (
                circle_id in offer.circle_ids
                and offer.until > now
                and membership is not None
                and membership.status is MembershipStatus.ACTIVE
            ):
                last = max(
                    (n.nudged_at for n in self._store.nudges if n.member_id == member_id),
                    default=None,
                )
                member = self._store.members.get(member_id)
                found.append(Listener(member_id, last, member.timezone if member else "UTC"))
        return found

    async def nudged_about(self, post_id: UUID) -> set[UUID]:
        return {n.member_id for n in self._store.nudges if n.post_id == post_id}

    async def add_nudge(self, nudge: Nudge) -> bool:
        if any(n.post_id == nudge.post_id and n.seq == nudge.seq for n in self._store.nudges):
            return False
        self._store.nudges.append(nudge)
        return True

    async def pushes_between(self, member_id: UUID, start: datetime, end: datetime) -> int:
        waiting = (NotificationStatus.PENDING, NotificationStatus.SENDING)
        return sum(
            1
            for n in self._store.notifications.values()
            if n.member_id == member_id
            and (
                (n.status is NotificationStatus.SENT and n.sent_at and start <= n.sent_at < end)
                or (n.status in waiting and not n.urgent and n.next_attempt_at < end)
            )
        )

    async def nudges_since(self, member_ids: Sequence[UUID], since: datetime) -> dict[UUID, int]:
        counts: dict[UUID, int] = {}
        for n in self._store.nudges:
            if n.member_id in member_ids and n.nudged_at >= since:
                counts[n.member_id] = counts.get(n.member_id, 0) + 1
        return counts


class FakeRiskRatings:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, rating: RiskRating) -> None:
        self._store.risk_ratings.append(rating)

    async def latest(self, target_kind: TargetKind, target_id: UUID) -> RiskRating | None:
        mine = [
            r
            for r in self._store.risk_ratings
            if (r.target_kind, r.target_id) == (target_kind, target_id)
        ]
        return max(mine, key=lambda r: r.rated_at, default=None)


class FakeStaff:
    """Grants by Firebase uid; ``get`` hands out a copy, so only ``save`` keeps a change."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def get(self, firebase_uid: str) -> StaffGrant | None:
        grant = self._store.staff.get(firebase_uid)
        return replace(grant) if grant else None

    async def save(self, grant: StaffGrant) -> None:
        self._store.staff[grant.firebase_uid] = replace(grant)

    async def delete(self, firebase_uid: str) -> bool:
        return self._store.staff.pop(firebase_uid, None) is not None

    async def on_call_member_ids(self) -> list[UUID]:
        on_call = {uid for uid, grant in self._store.staff.items() if grant.on_call}
        return sorted(m.id for m in self._store.members.values() if m.firebase_uid in on_call)


class FakeSafetyItems:
    """Items handed out as copies; ``update`` is a compare-and-set on the status the
    item was read with, and ``mark_alerted`` on ``last_alerted_at``, as in the database."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self._read_status: dict[UUID, ItemStatus] = {}

    def _copy(self, item: SafetyItem) -> SafetyItem:
        self._read_status[item.id] = item.status
        return replace(item)

    async def get(self, item_id: UUID) -> SafetyItem | None:
        item = self._store.safety_items.get(item_id)
        return self._copy(item) if item else None

    async def add(self, item: SafetyItem) -> None:
        self._store.safety_items[item.id] = replace(item)

    async def update(self, item: SafetyItem) -> bool:
        stored = self._store.safety_items.get(item.id)
        if stored is None or stored.status is not self._read_status.get(item.id, item.status):
            return False
        alerts = (stored.last_alerted_at, stored.alert_count)  # only mark_alerted moves them
        self._store.safety_items[item.id] = replace(
            item, last_alerted_at=alerts[0], alert_count=alerts[1]
        )
        return True

    async def unresolved_for(self, target_kind: TargetKind, target_id: UUID) -> SafetyItem | None:
        for item in self._store.safety_items.values():
            if (item.target_kind, item.target_id) == (target_kind, target_id) and (
                item.status is not ItemStatus.RESOLVED
            ):
                return self._copy(item)
        return None

    async def due_for_realert(self, cutoff: datetime) -> list[SafetyItem]:
        return [
            self._copy(i)
            for i in self._store.safety_items.values()
            if i.status is ItemStatus.OPEN
            and i.level >= RiskLevel.URGENT
            and i.last_alerted_at is not None
            and i.last_alerted_at <= cutoff
        ]

    async def mark_alerted(self, item_id: UUID, expected: datetime | None, at: datetime) -> bool:
        stored = self._store.safety_items[item_id]
        if stored.last_alerted_at != expected:
            return False
        stored.last_alerted_at, stored.alert_count = at, stored.alert_count + 1
        return True


class FakeSafetyAudit:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, entry: AuditEntry) -> None:
        self._store.safety_audit.append(entry)


class FakeSafeSaid:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, said: SafeSaid) -> None:
        self._store.safe_said.append(said)


class FakeAccounts:
    """The account eraser: ``erased`` lists (member, delete_content, at) of each erase."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def memberships_of(self, member_id: UUID) -> list[Membership]:
        return [copy.copy(m) for m in self._store.memberships.values() if m.member_id == member_id]

    async def active_members(self, circle_id: UUID) -> list[Membership]:
        found = [
            copy.copy(m)
            for m in self._store.memberships.values()
            if m.circle_id == circle_id and m.is_active
        ]
        return sorted(found, key=lambda m: m.created_at)

    async def erase(self, member_id: UUID, delete_content: bool, now: datetime) -> None:
        self._store.members.pop(member_id, None)
        for key in [k for k in self._store.memberships if k[1] == member_id]:
            del self._store.memberships[key]
        self._store.blocks = {p for p in self._store.blocks if member_id not in p}
        self._store.erased.append((member_id, delete_content, now))


class FakeExports:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, export: DataExport) -> None:
        self._store.exports.append(export)

    async def requested_since(self, member_id: UUID, since: datetime) -> int:
        return sum(
            1 for e in self._store.exports if e.member_id == member_id and e.requested_at >= since
        )


class FakeReports:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def add(self, report: Report) -> None:
        self._store.reports[report.id] = report

    async def get(self, report_id: UUID) -> Report | None:
        return self._store.reports.get(report_id)

    async def open_by(self, reporter_id: UUID, target_id: UUID) -> Report | None:
        return next(
            (
                r
                for r in self._store.reports.values()
                if (r.reporter_id, r.target_id) == (reporter_id, target_id)
                and r.status is ReportStatus.OPEN
            ),
            None,
        )

    async def open_for_target(self, circle_id: UUID, target_id: UUID) -> list[Report]:
        return [
            r
            for r in self._store.reports.values()
            if (r.circle_id, r.target_id) == (circle_id, target_id)
            and r.status is ReportStatus.OPEN
        ]

    async def resolve(
        self,
        report_ids: Sequence[UUID],
        status: ReportStatus,
        by: UUID,
        at: datetime,
        message: str | None,
    ) -> None:
        for report_id in report_ids:
            self._store.reports[report_id] = replace(
                self._store.reports[report_id],
                status=status,
                resolved_by=by,
                resolved_at=at,
                decision_message=message,
            )


class FakeModerationLog:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def append(self, action: ModerationAction) -> None:
        self._store.moderation_log.append(action)


class FakePins:
    """Pins of circles; ``add`` refuses a taken slot or item, as the unique indexes do."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def in_circle(self, circle_id: UUID) -> list[Pin]:
        return [p for p in self._store.pins if p.circle_id == circle_id]

    async def add(self, pin: Pin) -> bool:
        mine = [p for p in self._store.pins if p.circle_id == pin.circle_id]
        if any(p.slot == pin.slot or p.item_id == pin.item_id for p in mine):
            return False
        self._store.pins.append(pin)
        return True

    async def remove(self, circle_id: UUID, item_ids: Collection[UUID]) -> None:
        self._store.pins = [
            p for p in self._store.pins if p.circle_id != circle_id or p.item_id not in item_ids
        ]


class FakeIdempotency:
    """Keys by (member, key); an expired key is replaced, as the repository does."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store

    async def claim(self, stored: StoredKey, expired_before: datetime) -> bool:
        current = self._store.idempotency.get((stored.member_id, stored.key))
        if current is not None and current.created_at >= expired_before:
            return False
        self._store.idempotency[stored.member_id, stored.key] = stored
        return True

    async def get(self, member_id: UUID, key: str) -> StoredKey | None:
        return self._store.idempotency.get((member_id, key))


class FakeUnitOfWork:
    """A UnitOfWork over a FakeStore. ``committed`` tells whether anything was kept."""

    def __init__(self, store: FakeStore | None = None, everyone_consents: bool = False) -> None:
        """``everyone_consents``: every member has the current health-data consent
        (for tests about other rules)."""
        self.store = store if store is not None else FakeStore()
        self._everyone_consents = everyone_consents
        self.committed = False
        self.rolled_back = False
        self._pending: list[Event] = []
        self._bind(self.store)

    def _bind(self, store: FakeStore) -> None:
        self._work = store
        self.members = FakeMembers(store)
        self.circles = FakeCircles(store)
        self.memberships = FakeMemberships(store)
        self.invites = FakeInvites(store)
        self.posts = FakePosts(store)
        self.replies = FakeReplies(store)
        self.reactions = FakeReactions(store)
        self.check_ins = FakeCheckIns(store)
        self.reminders = FakeReminders(store)
        self.consents = FakeConsents(store, self._everyone_consents)
        self.health_data = FakeHealthData(store)
        self.notification_preferences = FakeNotificationPreferences(store)
        self.notifications = FakeNotifications(store)
        self.blocks = FakeBlocks(store)
        self.topic_filters = FakeTopicFilters(store)
        self.devices = FakeDevices(store)
        self.support = FakeSupport(store)
        self.risk_ratings = FakeRiskRatings(store)
        self.staff = FakeStaff(store)
        self.safety_items = FakeSafetyItems(store)
        self.safety_audit = FakeSafetyAudit(store)
        self.safe_said = FakeSafeSaid(store)
        self.accounts = FakeAccounts(store)
        self.exports = FakeExports(store)
        self.reports = FakeReports(store)
        self.moderation_log = FakeModerationLog(store)
        self.pins = FakePins(store)
        self.idempotency = FakeIdempotency(store)

    async def __aenter__(self) -> Self:
        self._bind(self.store.copy())
        self._pending = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._work is not self.store:
            await self.rollback()

    def record(self, event: Event) -> None:
        self._pending.append(event)

    async def commit(self) -> None:
        keys = [display_name_key(m.display_name) for m in self._work.members.values()]
        uids = [m.firebase_uid for m in self._work.members.values()]
        if len(set(keys)) != len(keys) or len(set(uids)) != len(uids):
            raise DomainError(ErrorCode.TAKEN, "unique constraint", ("input", "displayName"))
        published = [*self.store.published, *self._pending]
        for name in vars(self.store):
            setattr(self.store, name, getattr(self._work, name))
        self.store.published = published
        self._pending = []
        self.committed = True
        self._bind(self.store)

    async def rollback(self) -> None:
        self._pending = []
        self.rolled_back = True
        self._bind(self.store)


class FakeRateLimiter:
    """Implements ``domain.ratelimits.policy.RateLimiter`` with plain counters (no
    window): ``limits`` caps given actions; the others are unlimited."""

    def __init__(self, limits: dict[Action, int] | None = None, retry_after: int = 60) -> None:
        self.limits = limits or {}
        self.retry_after = retry_after
        self.hits: dict[tuple[UUID, Action], int] = {}

    async def hit(self, member_id: UUID, action: Action) -> int | None:
        refused = await self.peek(member_id, action)
        if refused is None:
            self.hits[member_id, action] = self.hits.get((member_id, action), 0) + 1
        return refused

    async def peek(self, member_id: UUID, action: Action) -> int | None:
        limit = self.limits.get(action)
        used = self.hits.get((member_id, action), 0)
        return self.retry_after if limit is not None and used >= limit else None


class NoContactDetails:
    """A ContactDetector that finds nothing (the profile rules' own checks still run)."""

    async def find(self, text: str, region: str) -> Sequence[ContactSpan]:
        return ()


class CaseFoldSkeleton:
    """A NameSkeleton that only folds case and treats a digit zero as the letter o."""

    def __call__(self, name: str) -> str:
        return display_name_key(name).replace("0", "o")


SINCE = datetime(2026, 12, 5, 9, tzinfo=UTC)
"""When the members of :class:`CircleWithMembers` joined, and its posts were written."""


class CircleWithMembers:
    """A store holding one circle ("Evening Calm") with an owner, a moderator and two
    members (``ada``, ``bo``), and helpers to add members, posts and replies."""

    def __init__(self) -> None:
        self.store = FakeStore()
        self.circle = Circle(
            uuid4(), "Evening Calm", "", (Topic.ANXIETY,), Visibility.PUBLIC, 20, "", SINCE, uuid4()
        )
        self.store.circles[self.circle.id] = self.circle
        self.owner = self.join("owner", Role.OWNER)
        self.mod = self.join("mod", Role.MODERATOR)
        self.ada = self.join("ada")
        self.bo = self.join("bo")
        self.circle.active_count = 4

    def join(
        self, uid: str, role: Role = Role.MEMBER, status: MembershipStatus = MembershipStatus.ACTIVE
    ) -> UUID:
        member = Member(
            uuid4(), uid, uid.title(), "UTC", "GB", SINCE, SINCE, "2026-11", SINCE, SINCE
        )
        self.store.members[member.id] = member
        self.store.memberships[self.circle.id, member.id] = Membership(
            self.circle.id, member.id, role, status, SINCE, SINCE
        )
        return member.id

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)

    def post(self, author: UUID, *, anonymous: bool = False, **changes: object) -> Post:
        post = Post(uuid4(), self.circle.id, author, anonymous, "words", SINCE)
        for name, value in changes.items():
            setattr(post, name, value)
        self.store.posts[post.id] = post
        return post

    def reply(self, author: UUID, *, anonymous: bool = False) -> Reply:
        reply = Reply(uuid4(), uuid4(), self.circle.id, author, anonymous, "words", SINCE)
        self.store.replies[reply.id] = reply
        return reply

    def membership(self, member: UUID) -> Membership | None:
        return self.store.memberships.get((self.circle.id, member))

    def notices(self) -> list[tuple[UUID, str, str]]:
        return [(n.member_id, n.title, n.body) for n in self.store.notifications.values()]
