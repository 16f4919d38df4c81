"""The safety team's use cases in domain.safety.services and .staff over the in-memory fakes:
"I'm safe", "reach out to me", peer safety reports, staff grants and on-call, moving
a queue item and revealing an author. What members and staff see: the items, the
alerts on-call staff get, the audit trail and the errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.checkins.model import CheckIn
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode
from domain.events import EventKind
from domain.members.model import Member
from domain.notifications.model import NotificationKind
from domain.posts.model import Post, Reply
from domain.safety.model import RiskAssessment, RiskLevel
from domain.safety.services import (
    ALERT_BODY,
    ALERT_TITLE,
    REACH_OUT_REASON,
    REALERT_BODY,
    ask_to_be_reached,
    open_for_peer_report,
    rate,
    reach_out_reasons_kept,
    realert_unacknowledged,
    say_safe,
)
from domain.safety.staff import (
    grant_staff,
    move_item,
    require_staff,
    reveal_author,
    revoke_staff,
    set_on_call,
    staff_grant,
)
from domain.safety.team import (
    AuditAction,
    ItemSource,
    ItemStatus,
    RiskRating,
    SafetyItem,
    StaffGrant,
    StaffRole,
    TargetKind,
)
from tests.unit.fakes import FakeStore, FakeUnitOfWork

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _member(store: FakeStore, uid: str) -> UUID:
    member = Member(uuid4(), uid, uid.title(), "UTC", "GB", T0, T0, "2026-11", T0, T0)
    store.members[member.id] = member
    return member.id


def _staff(store: FakeStore, uid: str, *, on_call: bool = False) -> UUID:
    store.staff[uid] = StaffGrant(uid, StaffRole.SAFETY, on_call, T0, "operator:ops")
    return _member(store, uid)


def _post(store: FakeStore, author: UUID) -> Post:
    post = Post(uuid4(), uuid4(), author, False, "words", T0)
    store.posts[post.id] = post
    return post


def _reply(store: FakeStore, author: UUID) -> Reply:
    reply = Reply(uuid4(), uuid4(), uuid4(), author, True, "words", T0)
    store.replies[reply.id] = reply
    return reply


def _check_in(store: FakeStore, member: UUID) -> CheckIn:
    check_in = CheckIn(uuid4(), member, 2, (), "a private note", T0)
    store.check_ins[check_in.id] = check_in
    return check_in


def _item(store: FakeStore, status: ItemStatus = ItemStatus.OPEN) -> SafetyItem:
    item = SafetyItem(
        uuid4(),
        ItemSource.URGENT_CONTENT,
        TargetKind.POST,
        uuid4(),
        uuid4(),
        uuid4(),
        RiskLevel.URGENT,
        ("rule.x",),
        T0,
        status=status,
    )
    store.safety_items[item.id] = item
    return item


async def _fails(code: ErrorCode, awaitable: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        await awaitable  # type: ignore[misc]
    assert raised.value.code is code
    return raised.value


# -- "I'm safe" -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [TargetKind.POST, TargetKind.REPLY, TargetKind.CHECK_IN])
async def test_a_member_says_they_are_safe_about_their_own_content(kind: TargetKind) -> None:
    store = FakeStore()
    me = _member(store, "ada")
    target = {
        TargetKind.POST: lambda: _post(store, me).id,
        TargetKind.REPLY: lambda: _reply(store, me).id,
        TargetKind.CHECK_IN: lambda: _check_in(store, me).id,
    }[kind]()
    said = await say_safe(me, kind, target, FakeUnitOfWork(store), FixedClock(T0))
    assert (said.member_id, said.target_kind, said.target_id, said.at) == (me, kind, target, T0)
    assert store.safe_said == [said]


@pytest.mark.parametrize("kind", [TargetKind.POST, TargetKind.REPLY, TargetKind.CHECK_IN])
async def test_saying_safe_about_someone_elses_content_is_not_found(kind: TargetKind) -> None:
    store = FakeStore()
    me, other = _member(store, "ada"), _member(store, "bo")
    target = {
        TargetKind.POST: lambda: _post(store, other).id,
        TargetKind.REPLY: lambda: _reply(store, other).id,
        TargetKind.CHECK_IN: lambda: _check_in(store, other).id,
    }[kind]()
    error = await _fails(
        ErrorCode.NOT_FOUND, say_safe(me, kind, target, FakeUnitOfWork(store), FixedClock(T0))
    )
    assert error.message == "Post, reply or check-in was not found."
    assert error.field == ("targetId",)
    assert store.safe_said == []


async def test_saying_safe_about_content_that_does_not_exist_is_not_found() -> None:
    store = FakeStore()
    me = _member(store, "ada")
    for kind in (TargetKind.POST, TargetKind.REPLY, TargetKind.CHECK_IN, TargetKind.MEMBER):
        await _fails(
            ErrorCode.NOT_FOUND,
            say_safe(me, kind, uuid4(), FakeUnitOfWork(store), FixedClock(T0)),
        )


# -- "reach out to me" ----------------------------------------------------------------


async def test_reach_out_opens_a_concern_item_for_the_check_in_without_its_note() -> None:
    store = FakeStore()
    me = _member(store, "ada")
    check_in = _check_in(store, me)
    item = await ask_to_be_reached(me, check_in.id, FakeUnitOfWork(store), FixedClock(T0))
    assert item.source is ItemSource.REACH_OUT
    assert (item.target_kind, item.target_id) == (TargetKind.CHECK_IN, check_in.id)
    assert (item.circle_id, item.author_id, item.created_at) == (None, me, T0)
    assert item.level is RiskLevel.CONCERN
    assert item.reasons == (REACH_OUT_REASON,) == reach_out_reasons_kept()
    assert store.safety_items[item.id].status is ItemStatus.OPEN
    assert store.notifications == {}  # a CONCERN item waits in the queue: no alert


async def test_reach_out_after_an_urgent_note_keeps_its_level_and_reasons_and_alerts() -> None:
    store = FakeStore()
    me, on_call = _member(store, "ada"), _staff(store, "sam", on_call=True)
    check_in = _check_in(store, me)
    earlier = RiskRating(
        uuid4(), TargetKind.CHECK_IN, check_in.id, RiskLevel.NONE, (), "v1", T0 - timedelta(1)
    )
    latest = RiskRating(
        uuid4(), TargetKind.CHECK_IN, check_in.id, RiskLevel.URGENT, ("rule.y",), "v1", T0
    )
    store.risk_ratings += [latest, earlier]
    item = await ask_to_be_reached(me, check_in.id, FakeUnitOfWork(store), FixedClock(T0))
    assert item.level is RiskLevel.URGENT
    assert item.reasons == (REACH_OUT_REASON, "rule.y")
    (alert,) = store.notifications.values()
    assert alert.member_id == on_call


async def test_asking_again_while_the_item_is_unresolved_returns_the_same_item() -> None:
    store = FakeStore()
    me = _member(store, "ada")
    check_in = _check_in(store, me)
    first = await ask_to_be_reached(me, check_in.id, FakeUnitOfWork(store), FixedClock(T0))
    again = await ask_to_be_reached(me, check_in.id, FakeUnitOfWork(store), FixedClock(T0))
    assert again.id == first.id
    assert list(store.safety_items) == [first.id]


async def test_reach_out_about_someone_elses_check_in_is_not_found() -> None:
    store = FakeStore()
    me, other = _member(store, "ada"), _member(store, "bo")
    check_in = _check_in(store, other)
    await _fails(
        ErrorCode.NOT_FOUND,
        ask_to_be_reached(me, check_in.id, FakeUnitOfWork(store), FixedClock(T0)),
    )
    assert store.safety_items == {}


# -- peer safety reports --------------------------------------------------------------


async def _report(
    store: FakeStore, reason: str, target: UUID, clock: FixedClock | None = None
) -> SafetyItem:
    uow = FakeUnitOfWork(store)
    async with uow:
        item = await open_for_peer_report(
            uow, TargetKind.POST, target, uuid4(), uuid4(), reason, clock or FixedClock(T0)
        )
        await uow.commit()
    return item


async def test_a_suicide_risk_report_opens_an_urgent_item_and_alerts_on_call_staff() -> None:
    store = FakeStore()
    on_call, _off = _staff(store, "sam", on_call=True), _staff(store, "kim")
    target = uuid4()
    item = await _report(store, "SUICIDE_RISK", target)
    assert (item.source, item.level) == (ItemSource.PEER_REPORT, RiskLevel.URGENT)
    assert (item.target_kind, item.target_id) == (TargetKind.POST, target)
    assert item.reasons == ("peer report: SUICIDE_RISK",)
    stored = store.safety_items[item.id]
    assert (stored.alert_count, stored.last_alerted_at) == (1, T0)
    (alert,) = store.notifications.values()
    assert alert.member_id == on_call
    assert (alert.kind, alert.title, alert.body) == (
        NotificationKind.SAFETY_ALERT,
        ALERT_TITLE,
        ALERT_BODY,
    )
    assert alert.data == {"safetyItemId": str(item.id)}
    assert alert.dedupe_key == f"safety:{item.id}:1:{on_call}"
    assert alert.collapse_key == f"safety:{item.id}"
    assert alert.urgent is True
    assert (alert.created_at, alert.next_attempt_at) == (T0, T0)
    (event,) = store.published
    assert (event.kind, event.member_id, event.subject_id) == (
        EventKind.NOTIFICATION_CREATED,
        on_call,
        alert.id,
    )


async def test_a_self_harm_report_waits_in_the_queue_without_an_alert() -> None:
    store = FakeStore()
    _staff(store, "sam", on_call=True)
    item = await _report(store, "SELF_HARM_RISK", uuid4())
    assert item.level is RiskLevel.CONCERN
    assert item.reasons == ("peer report: SELF_HARM_RISK",)
    assert store.safety_items[item.id].alert_count == 0
    assert store.notifications == {}


async def test_a_suicide_report_on_a_self_harm_item_raises_it_to_urgent_and_alerts_once() -> None:
    store = FakeStore()
    on_call = _staff(store, "sam", on_call=True)
    target = uuid4()
    first = await _report(store, "SELF_HARM_RISK", target)
    later = FixedClock(T0 + timedelta(minutes=5))
    raised = await _report(store, "SUICIDE_RISK", target, later)
    assert raised.id == first.id
    stored = store.safety_items[first.id]
    assert stored.level is RiskLevel.URGENT
    assert stored.reasons == ("peer report: SELF_HARM_RISK", "peer report: SUICIDE_RISK")
    assert (stored.alert_count, stored.last_alerted_at) == (1, later.now())
    assert [n.member_id for n in store.notifications.values()] == [on_call]
    await _report(store, "SUICIDE_RISK", target, later)  # the same report again
    assert len(store.notifications) == 1
    assert store.safety_items[first.id].reasons == stored.reasons


async def test_a_self_harm_report_on_an_urgent_item_adds_its_reason_but_keeps_the_level() -> None:
    store = FakeStore()
    _staff(store, "sam", on_call=True)
    target = uuid4()
    first = await _report(store, "SUICIDE_RISK", target)
    await _report(store, "SELF_HARM_RISK", target)
    stored = store.safety_items[first.id]
    assert stored.level is RiskLevel.URGENT
    assert stored.reasons == ("peer report: SUICIDE_RISK", "peer report: SELF_HARM_RISK")
    assert stored.alert_count == 1
    assert len(store.notifications) == 1


async def test_a_report_after_the_item_was_resolved_opens_a_new_item() -> None:
    store = FakeStore()
    target = uuid4()
    first = await _report(store, "SELF_HARM_RISK", target)
    store.safety_items[first.id].status = ItemStatus.RESOLVED
    second = await _report(store, "SELF_HARM_RISK", target)
    assert second.id != first.id
    assert len(store.safety_items) == 2


async def test_re_alerts_say_the_item_is_still_waiting_and_replace_the_first_alert() -> None:
    store = FakeStore()
    on_call = _staff(store, "sam", on_call=True)
    item = await _report(store, "SUICIDE_RISK", uuid4())
    clock = FixedClock(T0 + timedelta(minutes=15))
    assert await realert_unacknowledged(FakeUnitOfWork(store), clock) == 1
    again = [n for n in store.notifications.values() if n.body == REALERT_BODY]
    assert [n.dedupe_key for n in again] == [f"safety:{item.id}:2:{on_call}"]
    assert again[0].collapse_key == f"safety:{item.id}"
    assert store.safety_items[item.id].alert_count == 2


# -- staff grants and on-call ---------------------------------------------------------


async def test_an_operator_grants_a_staff_role_and_it_is_audited() -> None:
    store = FakeStore()
    grant = await grant_staff(
        "  uid-1  ", StaffRole.SAFETY, "operator:ops", FakeUnitOfWork(store), FixedClock(T0)
    )
    assert grant == StaffGrant("uid-1", StaffRole.SAFETY, False, T0, "operator:ops")
    assert store.staff == {"uid-1": grant}
    (entry,) = store.safety_audit
    assert (entry.at, entry.actor, entry.action, entry.subject, entry.reason) == (
        T0,
        "operator:ops",
        AuditAction.STAFF_GRANTED,
        "uid:uid-1",
        "SAFETY",
    )
    assert await staff_grant(FakeUnitOfWork(store), "uid-1") == grant


async def test_a_grant_can_start_on_call() -> None:
    store = FakeStore()
    grant = await grant_staff(
        "uid-1",
        StaffRole.SAFETY,
        "operator:ops",
        FakeUnitOfWork(store),
        FixedClock(T0),
        on_call=True,
    )
    assert grant.on_call is True


@pytest.mark.parametrize("uid", ["", "   ", "x" * 129])
async def test_a_grant_needs_a_firebase_uid_of_at_most_128_characters(uid: str) -> None:
    store = FakeStore()
    error = await _fails(
        ErrorCode.INVALID,
        grant_staff(uid, StaffRole.SAFETY, "operator:ops", FakeUnitOfWork(store), FixedClock(T0)),
    )
    assert (error.message, error.field) == ("Give the account's Firebase uid.", ("uid",))
    assert store.staff == {}
    assert store.safety_audit == []


async def test_a_uid_of_exactly_128_characters_is_granted() -> None:
    store = FakeStore()
    uid = "x" * 128
    await grant_staff(uid, StaffRole.SAFETY, "operator:ops", FakeUnitOfWork(store), FixedClock(T0))
    assert list(store.staff) == [uid]


async def test_revoking_a_role_removes_it_and_is_audited() -> None:
    store = FakeStore()
    _staff(store, "uid-1")
    assert await revoke_staff(" uid-1 ", "operator:ops", FakeUnitOfWork(store), FixedClock(T0))
    assert store.staff == {}
    (entry,) = store.safety_audit
    assert (entry.actor, entry.action, entry.subject, entry.reason) == (
        "operator:ops",
        AuditAction.STAFF_REVOKED,
        "uid:uid-1",
        None,
    )


async def test_revoking_a_role_nobody_holds_says_so_and_audits_nothing() -> None:
    store = FakeStore()
    assert not await revoke_staff("uid-1", "operator:ops", FakeUnitOfWork(store), FixedClock(T0))
    assert store.safety_audit == []


async def test_only_staff_pass_the_staff_check() -> None:
    store = FakeStore()
    _staff(store, "sam")
    assert (await require_staff("sam", FakeUnitOfWork(store))).role is StaffRole.SAFETY
    error = await _fails(ErrorCode.FORBIDDEN, require_staff("ada", FakeUnitOfWork(store)))
    assert error.message == "Only the safety team can do this."


async def test_staff_go_on_and_off_call_and_only_on_call_staff_are_alerted() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    clock = FixedClock(T0)
    grant = await set_on_call("sam", sam, True, FakeUnitOfWork(store), clock)
    assert grant.on_call is True
    assert store.staff["sam"].on_call is True
    await _report(store, "SUICIDE_RISK", uuid4())
    assert [n.member_id for n in store.notifications.values()] == [sam]
    await set_on_call("sam", sam, False, FakeUnitOfWork(store), clock)
    assert store.staff["sam"].on_call is False
    await _report(store, "SUICIDE_RISK", uuid4())
    assert len(store.notifications) == 1
    assert [(e.actor, e.action, e.subject, e.reason) for e in store.safety_audit] == [
        (str(sam), AuditAction.ON_CALL_CHANGED, "uid:sam", "on"),
        (str(sam), AuditAction.ON_CALL_CHANGED, "uid:sam", "off"),
    ]


async def test_someone_without_a_role_cannot_go_on_call() -> None:
    store = FakeStore()
    ada = _member(store, "ada")
    await _fails(
        ErrorCode.FORBIDDEN, set_on_call("ada", ada, True, FakeUnitOfWork(store), FixedClock(T0))
    )
    assert store.staff == {}
    assert store.safety_audit == []


# -- moving an item -------------------------------------------------------------------


async def _move(
    store: FakeStore, item: SafetyItem, to: ItemStatus, note: str | None, staff: UUID
) -> SafetyItem:
    clock = FixedClock(T0 + timedelta(hours=1))
    return await move_item("sam", staff, item.id, to, note, FakeUnitOfWork(store), clock)


async def test_staff_acknowledge_an_open_item_then_resolve_it_with_a_note() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store)
    later = T0 + timedelta(hours=1)
    acked = await _move(store, item, ItemStatus.ACKNOWLEDGED, None, sam)
    assert (acked.status, acked.acknowledged_at, acked.acknowledged_by) == (
        ItemStatus.ACKNOWLEDGED,
        later,
        sam,
    )
    assert acked.note is None
    assert acked.resolved_at is None
    assert store.safety_items[item.id].status is ItemStatus.ACKNOWLEDGED
    resolved = await _move(store, item, ItemStatus.RESOLVED, "  Called them.  ", sam)
    assert (resolved.status, resolved.resolved_at, resolved.resolved_by) == (
        ItemStatus.RESOLVED,
        later,
        sam,
    )
    assert resolved.note == "Called them."
    assert store.safety_items[item.id].status is ItemStatus.RESOLVED
    assert [(e.actor, e.action, e.subject, e.reason) for e in store.safety_audit] == [
        (str(sam), AuditAction.ITEM_ACKNOWLEDGED, f"item:{item.id}", None),
        (str(sam), AuditAction.ITEM_RESOLVED, f"item:{item.id}", "Called them."),
    ]


async def test_an_acknowledgement_note_is_kept_when_resolving_adds_another() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store)
    acked = await _move(store, item, ItemStatus.ACKNOWLEDGED, "On it.", sam)
    assert acked.note == "On it."


async def test_resolving_needs_a_note() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store, ItemStatus.ACKNOWLEDGED)
    for note in (None, "", "   "):
        error = await _fails(
            ErrorCode.TOO_SHORT, _move(store, item, ItemStatus.RESOLVED, note, sam)
        )
        assert (error.message, error.field) == ("Add a note on what was done.", ("note",))
    assert store.safety_items[item.id].status is ItemStatus.ACKNOWLEDGED
    assert store.safety_audit == []


async def test_a_note_is_at_most_2000_characters() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store, ItemStatus.ACKNOWLEDGED)
    error = await _fails(
        ErrorCode.TOO_LONG, _move(store, item, ItemStatus.RESOLVED, "x" * 2001, sam)
    )
    assert (error.message, error.field) == ("Keep it under 2,000 characters.", ("note",))
    resolved = await _move(store, item, ItemStatus.RESOLVED, "x" * 2000, sam)
    assert resolved.note == "x" * 2000


@pytest.mark.parametrize(
    ("status", "to", "message"),
    [
        (ItemStatus.ACKNOWLEDGED, ItemStatus.ACKNOWLEDGED, "This item is already acknowledged."),
        (ItemStatus.OPEN, ItemStatus.RESOLVED, "Acknowledge this item before resolving it."),
        (ItemStatus.RESOLVED, ItemStatus.RESOLVED, "This item is already resolved."),
        (ItemStatus.RESOLVED, ItemStatus.ACKNOWLEDGED, "This item is already resolved."),
        (ItemStatus.OPEN, ItemStatus.OPEN, "Acknowledge this item before resolving it."),
    ],
)
async def test_other_moves_are_refused_as_invalid_transitions(
    status: ItemStatus, to: ItemStatus, message: str
) -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store, status)
    error = await _fails(ErrorCode.INVALID_TRANSITION, _move(store, item, to, "A note.", sam))
    assert (error.message, error.field) == (message, ("itemId",))
    assert store.safety_items[item.id].status is status
    assert store.safety_audit == []


async def test_a_move_lost_to_another_staff_member_is_a_conflict() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store)
    clock = FixedClock(T0)
    with pytest.raises(DomainError) as raised:
        await move_item("sam", sam, item.id, ItemStatus.ACKNOWLEDGED, None, _Racing(store), clock)
    assert raised.value.code is ErrorCode.CONFLICT
    assert raised.value.message == "Someone else changed this item. Reload it."
    assert store.safety_audit == []


class _Racing(FakeUnitOfWork):
    """A unit of work in which another staff member acknowledges the item right after
    this one read it."""

    async def __aenter__(self) -> _Racing:
        await super().__aenter__()
        real_get = self.safety_items.get
        work = self._work

        async def get(item_id: UUID) -> SafetyItem | None:
            mine = await real_get(item_id)
            work.safety_items[item_id].status = ItemStatus.ACKNOWLEDGED
            return mine

        self.safety_items.get = get  # type: ignore[method-assign]
        return self


async def test_only_staff_move_items_and_an_unknown_item_is_not_found() -> None:
    store = FakeStore()
    sam, ada = _staff(store, "sam"), _member(store, "ada")
    item = _item(store)
    clock = FixedClock(T0)
    await _fails(
        ErrorCode.FORBIDDEN,
        move_item("ada", ada, item.id, ItemStatus.ACKNOWLEDGED, None, FakeUnitOfWork(store), clock),
    )
    error = await _fails(
        ErrorCode.NOT_FOUND,
        move_item("sam", sam, uuid4(), ItemStatus.ACKNOWLEDGED, None, FakeUnitOfWork(store), clock),
    )
    assert (error.message, error.field) == ("Safety item was not found.", ("itemId",))


# -- revealing an author --------------------------------------------------------------


async def test_staff_see_an_items_author_once_they_record_why_and_it_is_audited() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store)
    why = "  They may be in danger tonight.  "
    author = await reveal_author("sam", sam, item.id, why, FakeUnitOfWork(store), FixedClock(T0))
    assert author == item.author_id
    (entry,) = store.safety_audit
    assert (entry.actor, entry.action, entry.subject, entry.reason) == (
        str(sam),
        AuditAction.AUTHOR_REVEALED,
        f"item:{item.id}",
        "They may be in danger tonight.",
    )


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("", ErrorCode.TOO_SHORT),
        ("123456789", ErrorCode.TOO_SHORT),
        ("x" * 501, ErrorCode.TOO_LONG),
    ],
)
async def test_revealing_an_author_needs_a_reason_of_10_to_500_characters(
    reason: str, code: ErrorCode
) -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store)
    error = await _fails(
        code, reveal_author("sam", sam, item.id, reason, FakeUnitOfWork(store), FixedClock(T0))
    )
    assert error.field == ("reason",)
    if code is ErrorCode.TOO_SHORT:
        assert error.message == (
            "Record why you need to know who wrote this (at least 10 characters)."
        )
    else:
        assert error.message == "Keep it under 500 characters."
    assert store.safety_audit == []
    for ok in ("x" * 10, "x" * 500):
        await reveal_author("sam", sam, item.id, ok, FakeUnitOfWork(store), FixedClock(T0))


async def test_someone_without_a_role_cannot_reveal_an_author() -> None:
    store = FakeStore()
    ada = _member(store, "ada")
    item = _item(store)
    await _fails(
        ErrorCode.FORBIDDEN,
        reveal_author(
            "ada", ada, item.id, "A good reason here.", FakeUnitOfWork(store), FixedClock(T0)
        ),
    )
    assert store.safety_audit == []


# -- what is stored and sent, in detail -----------------------------------------------


class _ReadsTheText:
    version = "reader-1"

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        level = RiskLevel.URGENT if "tonight" in text else RiskLevel.NONE
        return RiskAssessment(level, ("rule.tonight",) if level else (), self.version)


async def test_a_rating_keeps_what_was_rated_and_an_urgent_post_opens_a_full_item() -> None:
    store = FakeStore()
    author, circle, post = uuid4(), uuid4(), uuid4()
    uow = FakeUnitOfWork(store)
    async with uow:
        await rate(
            uow,
            _ReadsTheText(),
            TargetKind.POST,
            post,
            "going tonight",
            FixedClock(T0),
            author_id=author,
            circle_id=circle,
        )
        await uow.commit()
    (rating,) = store.risk_ratings
    assert (rating.target_kind, rating.target_id, rating.level) == (
        TargetKind.POST,
        post,
        RiskLevel.URGENT,
    )
    assert (rating.reasons, rating.detector_version, rating.rated_at) == (
        ("rule.tonight",),
        "reader-1",
        T0,
    )
    assert isinstance(rating.id, UUID)
    (item,) = store.safety_items.values()
    assert (item.source, item.target_kind, item.target_id) == (
        ItemSource.URGENT_CONTENT,
        TargetKind.POST,
        post,
    )
    assert (item.circle_id, item.author_id, item.level, item.reasons) == (
        circle,
        author,
        RiskLevel.URGENT,
        ("rule.tonight",),
    )
    assert isinstance(item.id, UUID)


async def test_every_item_alert_and_audit_line_has_its_own_id() -> None:
    store = FakeStore()
    _staff(store, "sam", on_call=True)
    _staff(store, "kim", on_call=True)
    me = _member(store, "ada")
    first = await _report(store, "SUICIDE_RISK", uuid4())
    second = await _report(store, "SUICIDE_RISK", uuid4())
    reached = await ask_to_be_reached(
        me, _check_in(store, me).id, FakeUnitOfWork(store), FixedClock(T0)
    )
    ids = {first.id, second.id, reached.id}
    assert len(ids) == 3
    assert None not in ids
    alert_ids = set(store.notifications)
    assert len(alert_ids) == 4
    assert None not in alert_ids
    await grant_staff("u1", StaffRole.SAFETY, "operator:ops", FakeUnitOfWork(store), FixedClock(T0))
    await grant_staff("u2", StaffRole.SAFETY, "operator:ops", FakeUnitOfWork(store), FixedClock(T0))
    audit_ids = {e.id for e in store.safety_audit}
    assert len(audit_ids) == 2
    assert None not in audit_ids


async def test_a_raised_report_alerts_with_the_first_alerts_words() -> None:
    store = FakeStore()
    _staff(store, "sam", on_call=True)
    target = uuid4()
    await _report(store, "SELF_HARM_RISK", target)
    later = FixedClock(T0 + timedelta(minutes=5))
    raised = await _report(store, "SUICIDE_RISK", target, later)
    (alert,) = store.notifications.values()
    assert (alert.title, alert.body) == (ALERT_TITLE, ALERT_BODY)
    assert (raised.alert_count, raised.last_alerted_at) == (1, later.now())


async def test_every_due_item_re_alerts_even_after_one_another_worker_took() -> None:
    store = FakeStore()
    _staff(store, "sam", on_call=True)
    taken = await _report(store, "SUICIDE_RISK", uuid4())
    due = await _report(store, "SUICIDE_RISK", uuid4())
    also_due = await _report(store, "SUICIDE_RISK", uuid4())
    clock = FixedClock(T0 + timedelta(minutes=20))

    class _AnotherWorkerFirst(FakeUnitOfWork):
        async def __aenter__(self) -> _AnotherWorkerFirst:
            await super().__aenter__()
            mark = self.safety_items.mark_alerted

            async def lost_on_taken(item_id: UUID, expected: datetime | None, at: datetime) -> bool:
                return False if item_id == taken.id else await mark(item_id, expected, at)

            self.safety_items.mark_alerted = lost_on_taken  # type: ignore[method-assign]
            return self

    uow = _AnotherWorkerFirst(store)
    store.safety_items = dict(  # the taken one comes first
        sorted(store.safety_items.items(), key=lambda kv: kv[0] != taken.id)
    )
    assert await realert_unacknowledged(uow, clock) == 2
    for item in (due, also_due):
        stored = store.safety_items[item.id]
        assert (stored.alert_count, stored.last_alerted_at) == (2, clock.now())
    assert store.safety_items[taken.id].alert_count == 1


async def test_a_one_character_note_resolves_an_item() -> None:
    store = FakeStore()
    sam = _staff(store, "sam")
    item = _item(store, ItemStatus.ACKNOWLEDGED)
    resolved = await _move(store, item, ItemStatus.RESOLVED, "x", sam)
    assert resolved.note == "x"
