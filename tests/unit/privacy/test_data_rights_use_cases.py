"""The data-rights use cases over the in-memory fakes: the health-data consent (give,
withdraw, list), a data export's daily limit, and deleting an account (who takes over
a circle, what the circles hear, what the sign-in provider is asked)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.checkins.model import CheckIn
from domain.circles.model import Circle, Membership, MembershipStatus, Role, Topic, Visibility
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import EventKind
from domain.members.model import Member
from domain.privacy import deletion
from domain.privacy.consent import (
    consents_of,
    give_health_data_consent,
    require_health_consent,
    withdraw_health_data_consent,
)
from domain.privacy.export import EXPORT_TTL, ExportStatus, request_export
from domain.privacy.model import (
    CURRENT_HEALTH_DATA_CONSENT_VERSION,
    FORMER_MEMBER_ID,
    FORMER_MEMBER_NAME,
    Consent,
    ConsentKind,
    former_member,
)
from tests.unit.fakes import FakeStore, FakeUnitOfWork

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)
CURRENT = CURRENT_HEALTH_DATA_CONSENT_VERSION


def _member(store: FakeStore, uid: str = "ada") -> Member:
    since = NOW - timedelta(days=30)
    member = Member(uuid4(), uid, uid.title(), "UTC", "GB", since, since, "2026-11", since, since)
    store.members[member.id] = member
    return member


def _circle(store: FakeStore, *members: tuple[Member, Role, int]) -> Circle:
    circle = Circle(
        uuid4(), "Evening Calm", "", (Topic.ANXIETY,), Visibility.PUBLIC, 20, "", NOW, uuid4()
    )
    circle.active_count = len(members)
    store.circles[circle.id] = circle
    for member, role, days in members:
        since = NOW - timedelta(days=days)
        store.memberships[circle.id, member.id] = Membership(
            circle.id, member.id, role, MembershipStatus.ACTIVE, since, since
        )
    return circle


# -- the health-data consent ----------------------------------------------------------


async def test_giving_the_current_consent_records_it_after_the_guidelines() -> None:
    store = FakeStore()
    ada = _member(store)
    consents = await give_health_data_consent(ada, CURRENT, FakeUnitOfWork(store), FixedClock(NOW))
    guidelines, health = consents
    assert (guidelines.kind, guidelines.version, guidelines.given_at) == (
        ConsentKind.GUIDELINES,
        "2026-11",
        ada.guidelines_accepted_at,
    )
    assert (guidelines.id, guidelines.member_id) == (ada.id, ada.id)
    assert (health.kind, health.version, health.given_at, health.member_id) == (
        ConsentKind.HEALTH_DATA,
        CURRENT,
        NOW,
        ada.id,
    )
    assert health.is_active
    await require_health_consent(FakeUnitOfWork(store), ada.id)  # no error now


async def test_giving_the_same_consent_again_changes_nothing() -> None:
    store = FakeStore()
    ada = _member(store)
    await give_health_data_consent(ada, CURRENT, FakeUnitOfWork(store), FixedClock(NOW))
    later = FixedClock(NOW + timedelta(days=1))
    again = await give_health_data_consent(ada, CURRENT, FakeUnitOfWork(store), later)
    assert [c.given_at for c in again] == [ada.guidelines_accepted_at, NOW]
    assert len(store.consents) == 1


@pytest.mark.parametrize("version", ["2026-11", "", "2027-01"])
async def test_only_the_current_consent_text_can_be_accepted(version: str) -> None:
    store = FakeStore()
    ada = _member(store)
    with pytest.raises(ValidationError) as raised:
        await give_health_data_consent(ada, version, FakeUnitOfWork(store), FixedClock(NOW))
    (error,) = raised.value.errors
    assert error.code is ErrorCode.HEALTH_CONSENT_REQUIRED
    assert error.field == ("input", "acceptedVersion")
    assert error.message == (f"Please read and accept the current health-data consent ({CURRENT}).")
    assert store.consents == []


async def test_an_older_active_consent_is_withdrawn_when_the_current_one_is_given() -> None:
    store = FakeStore()
    ada = _member(store)
    older = Consent(uuid4(), ada.id, ConsentKind.HEALTH_DATA, "2026-06", NOW - timedelta(100))
    store.consents.append(older)  # a consent to an older text, still active
    consents = await give_health_data_consent(ada, CURRENT, FakeUnitOfWork(store), FixedClock(NOW))
    old, new = consents[1:]
    assert (old.version, old.withdrawn_at) == ("2026-06", NOW)
    assert (new.version, new.withdrawn_at) == (CURRENT, None)


async def test_without_the_consent_check_ins_are_refused_with_how_to_give_it() -> None:
    store = FakeStore()
    ada = _member(store)
    with pytest.raises(DomainError) as raised:
        await require_health_consent(FakeUnitOfWork(store), ada.id)
    assert raised.value.code is ErrorCode.HEALTH_CONSENT_REQUIRED
    assert raised.value.message == (
        "Check-ins are health data: agree to the health-data consent first (giveHealthDataConsent)."
    )


async def test_withdrawing_deletes_the_check_ins_and_ends_their_shares() -> None:
    store = FakeStore()
    ada, bo = _member(store), _member(store, "bo")
    circle = _circle(store, (ada, Role.MEMBER, 10), (bo, Role.OWNER, 20))
    await give_health_data_consent(ada, CURRENT, FakeUnitOfWork(store), FixedClock(NOW))
    shared = CheckIn(uuid4(), ada.id, 3, (), "note", NOW, shared_circle_ids=(circle.id,))
    private = CheckIn(uuid4(), ada.id, 2, (), None, NOW)
    bos = CheckIn(uuid4(), bo.id, 4, (), None, NOW)
    store.check_ins = {c.id: c for c in (shared, private, bos)}
    later = FixedClock(NOW + timedelta(hours=1))
    assert await withdraw_health_data_consent(ada, True, FakeUnitOfWork(store), later) == 2
    assert list(store.check_ins) == [bos.id]
    (consent,) = store.consents
    assert consent.withdrawn_at == later.now()
    (event,) = store.published
    assert (event.kind, event.circle_id, event.member_id, event.subject_id) == (
        EventKind.CHECK_IN_SHARE_WITHDRAWN,
        circle.id,
        ada.id,
        shared.id,
    )
    with pytest.raises(DomainError):
        await require_health_consent(FakeUnitOfWork(store), ada.id)


@pytest.mark.parametrize("confirm", [False, "true", 1])
async def test_withdrawing_needs_an_explicit_confirmation(confirm: object) -> None:
    store = FakeStore()
    ada = _member(store)
    await give_health_data_consent(ada, CURRENT, FakeUnitOfWork(store), FixedClock(NOW))
    store.check_ins = {(c := CheckIn(uuid4(), ada.id, 3, (), None, NOW)).id: c}
    with pytest.raises(ValidationError) as raised:
        await withdraw_health_data_consent(
            ada,
            confirm,  # type: ignore[arg-type]
            FakeUnitOfWork(store),
            FixedClock(NOW),
        )
    (error,) = raised.value.errors
    assert (error.code, error.field) == (ErrorCode.INVALID, ("input", "confirm"))
    assert error.message == "Confirm that your check-ins, notes and reminders will be deleted."
    assert len(store.check_ins) == 1
    assert store.consents[0].is_active


async def test_a_members_consents_list_the_guidelines_then_the_others_oldest_first() -> None:
    store = FakeStore()
    ada = _member(store)
    assert [c.kind for c in await consents_of(ada, FakeUnitOfWork(store))] == [
        ConsentKind.GUIDELINES
    ]


# -- data export ----------------------------------------------------------------------


async def test_an_export_starts_pending_and_expires_a_day_later() -> None:
    store = FakeStore()
    ada = _member(store)
    export = await request_export(ada.id, FakeUnitOfWork(store), FixedClock(NOW))
    assert (export.member_id, export.status) == (ada.id, ExportStatus.PENDING)
    assert (export.requested_at, export.expires_at) == (NOW, NOW + EXPORT_TTL)
    assert timedelta(hours=24) == EXPORT_TTL
    assert store.exports == [export]


async def test_three_exports_a_day_then_rate_limited_until_a_day_has_passed() -> None:
    store = FakeStore()
    ada, bo = _member(store), _member(store, "bo")
    for minutes in range(3):
        clock = FixedClock(NOW + timedelta(minutes=minutes))
        await request_export(ada.id, FakeUnitOfWork(store), clock)
    with pytest.raises(DomainError) as raised:
        await request_export(ada.id, FakeUnitOfWork(store), FixedClock(NOW + timedelta(hours=23)))
    assert raised.value.code is ErrorCode.RATE_LIMITED
    assert raised.value.message == "You can ask for 3 exports a day. Try again tomorrow."
    assert len(store.exports) == 3
    await request_export(bo.id, FakeUnitOfWork(store), FixedClock(NOW))  # others still can
    next_day = FixedClock(NOW + timedelta(days=1, seconds=1))
    await request_export(ada.id, FakeUnitOfWork(store), next_day)
    assert len(store.exports) == 5


async def test_exactly_a_day_after_the_first_of_three_is_still_limited() -> None:
    store = FakeStore()
    ada = _member(store)
    for _ in range(3):
        await request_export(ada.id, FakeUnitOfWork(store), FixedClock(NOW))
    with pytest.raises(DomainError):
        await request_export(ada.id, FakeUnitOfWork(store), FixedClock(NOW + timedelta(days=1)))


# -- the former member ----------------------------------------------------------------


def test_every_former_member_is_one_shared_profile_no_one_can_sign_in_as() -> None:
    profile = former_member(NOW)
    assert (profile.id, profile.display_name) == (FORMER_MEMBER_ID, FORMER_MEMBER_NAME)
    assert FORMER_MEMBER_NAME == "A former member"
    assert profile.firebase_uid == "hearth:former-member"
    assert (profile.timezone, profile.region, profile.guidelines_version) == ("UTC", "ZZ", "")
    assert profile.created_at == profile.updated_at == NOW
    assert profile.guidelines_accepted_at == profile.adult_confirmed_at == NOW
    assert (profile.pronouns, profile.bio) == (None, None)


# -- deleting an account --------------------------------------------------------------


class _SignIn:
    def __init__(self, deleted: bool = True) -> None:
        self.deleted = deleted
        self.asked: list[str] = []

    async def delete(self, firebase_uid: str) -> bool:
        self.asked.append(firebase_uid)
        return self.deleted


async def _delete(
    store: FakeStore, member: Member, sign_in: _SignIn | None = None, delete_content: bool = False
) -> deletion.DeletedAccount:
    command = deletion.DeleteAccount(member.id, "DELETE", delete_content, NOW)
    return await deletion.delete_account(
        command, FakeUnitOfWork(store), FixedClock(NOW), sign_in or _SignIn()
    )


async def test_deleting_an_account_erases_it_and_deletes_the_sign_in_account() -> None:
    store = FakeStore()
    ada = _member(store)
    sign_in = _SignIn(deleted=False)
    done = await _delete(store, ada, sign_in, delete_content=True)
    assert done == deletion.DeletedAccount(ada.id, "ada", False)
    assert sign_in.asked == ["ada"]
    assert store.erased == [(ada.id, True, NOW)]
    assert [(e.kind, e.member_id) for e in store.published] == [(EventKind.ACCOUNT_DELETED, ada.id)]


async def test_a_circle_passes_to_its_longest_standing_moderator_and_hears_the_owner_leave() -> (
    None
):
    store = FakeStore()
    ada, old_mod, new_mod, member = (_member(store, uid) for uid in ("ada", "om", "nm", "me"))
    circle = _circle(
        store,
        (ada, Role.OWNER, 400),
        (member, Role.MEMBER, 300),
        (new_mod, Role.MODERATOR, 10),
        (old_mod, Role.MODERATOR, 200),
    )
    await _delete(store, ada)
    assert store.memberships[circle.id, old_mod.id].role is Role.OWNER
    assert store.memberships[circle.id, old_mod.id].updated_at == NOW
    assert store.memberships[circle.id, new_mod.id].role is Role.MODERATOR
    assert store.circles[circle.id].active_count == 3
    left = [e for e in store.published if e.kind is EventKind.MEMBER_LEFT]
    assert [(e.circle_id, e.subject_id) for e in left] == [(circle.id, ada.id)]


async def test_a_circle_with_no_one_else_in_it_is_closed() -> None:
    store = FakeStore()
    ada = _member(store)
    circle = _circle(store, (ada, Role.OWNER, 10))
    await _delete(store, ada)
    assert circle.id not in store.circles
    assert [(e.kind, e.circle_id) for e in store.published] == [
        (EventKind.CIRCLE_CLOSED, circle.id),
        (EventKind.ACCOUNT_DELETED, None),
    ]


async def test_leaving_events_carry_the_blocks_and_the_check_in_shares_end() -> None:
    store = FakeStore()
    ada, bo, cy = _member(store), _member(store, "bo"), _member(store, "cy")
    circle = _circle(store, (ada, Role.MEMBER, 10), (bo, Role.OWNER, 20), (cy, Role.MEMBER, 5))
    other = _circle(store, (bo, Role.OWNER, 20))
    shared = CheckIn(uuid4(), ada.id, 3, (), None, NOW, shared_circle_ids=(circle.id,))
    store.check_ins = {shared.id: shared}
    store.blocks = {(bo.id, ada.id), (ada.id, cy.id)}
    await _delete(store, ada)
    ended, left, gone = store.published
    assert (ended.kind, ended.circle_id, ended.subject_id, ended.apart) == (
        EventKind.CHECK_IN_SHARE_WITHDRAWN,
        circle.id,
        shared.id,
        frozenset({bo.id, cy.id}),
    )
    assert (left.kind, left.circle_id, left.subject_id, left.apart) == (
        EventKind.MEMBER_LEFT,
        circle.id,
        ada.id,
        frozenset({bo.id, cy.id}),
    )
    assert gone.kind is EventKind.ACCOUNT_DELETED
    assert store.circles[circle.id].active_count == 2
    assert store.circles[other.id].active_count == 1


async def test_a_membership_that_is_not_active_hears_no_leaving() -> None:
    store = FakeStore()
    ada, bo = _member(store), _member(store, "bo")
    circle = _circle(store, (bo, Role.OWNER, 20))
    store.memberships[circle.id, ada.id] = Membership(
        circle.id, ada.id, Role.OWNER, MembershipStatus.BANNED, NOW, NOW
    )
    await _delete(store, ada)
    assert [e.kind for e in store.published] == [EventKind.ACCOUNT_DELETED]
    assert store.memberships[circle.id, bo.id].role is Role.OWNER
    assert store.circles[circle.id].active_count == 1


async def test_deleting_without_a_profile_asks_to_set_one_up_first() -> None:
    store = FakeStore()
    command = deletion.DeleteAccount(uuid4(), "DELETE", False, NOW)
    with pytest.raises(DomainError) as raised:
        await deletion.delete_account(command, FakeUnitOfWork(store), FixedClock(NOW), _SignIn())
    assert (raised.value.code, raised.value.message) == (
        ErrorCode.NOT_ONBOARDED,
        "Set up your profile first.",
    )


async def test_the_confirmation_and_sign_in_errors_say_what_to_do() -> None:
    store = FakeStore()
    ada = _member(store)
    wrong = deletion.DeleteAccount(ada.id, "delete", False, NOW)
    with pytest.raises(ValidationError) as raised:
        await deletion.delete_account(wrong, FakeUnitOfWork(store), FixedClock(NOW), _SignIn())
    assert raised.value.message == (
        'Type "DELETE" to confirm that your account is deleted for good.'
    )
    stale = deletion.DeleteAccount(ada.id, "DELETE", False, NOW - timedelta(minutes=6))
    with pytest.raises(DomainError) as stale_raised:
        await deletion.delete_account(stale, FakeUnitOfWork(store), FixedClock(NOW), _SignIn())
    assert stale_raised.value.message == (
        "For your safety, sign in again, then delete your account within 5 minutes."
    )
    assert ada.id in store.members


async def test_a_member_who_owned_a_circle_alone_still_leaves_their_other_circles() -> None:
    store = FakeStore()
    ada, bo = _member(store), _member(store, "bo")
    alone = _circle(store, (ada, Role.OWNER, 10))
    shared_circle = _circle(store, (bo, Role.OWNER, 20), (ada, Role.MEMBER, 5))
    shared = CheckIn(uuid4(), ada.id, 3, (), None, NOW, shared_circle_ids=(shared_circle.id,))
    store.check_ins = {shared.id: shared}
    await _delete(store, ada)
    assert alone.id not in store.circles
    kinds = [(e.kind, e.circle_id, e.member_id) for e in store.published]
    assert (EventKind.MEMBER_LEFT, shared_circle.id, None) in kinds
    assert (EventKind.CHECK_IN_SHARE_WITHDRAWN, shared_circle.id, ada.id) in kinds
    assert store.circles[shared_circle.id].active_count == 1


async def test_a_banned_membership_of_an_owner_hands_nothing_over() -> None:
    store = FakeStore()
    ada, bo = _member(store), _member(store, "bo")
    circle = _circle(store, (bo, Role.MEMBER, 20))
    store.memberships[circle.id, ada.id] = Membership(
        circle.id, ada.id, Role.OWNER, MembershipStatus.BANNED, NOW, NOW
    )
    await _delete(store, ada)
    assert store.memberships[circle.id, bo.id].role is Role.MEMBER
    assert circle.id in store.circles


async def test_each_consent_and_export_has_its_own_id() -> None:
    store = FakeStore()
    ada = _member(store)
    store.consents.append(Consent(uuid4(), ada.id, ConsentKind.HEALTH_DATA, "2026-06", NOW))
    await give_health_data_consent(ada, CURRENT, FakeUnitOfWork(store), FixedClock(NOW))
    assert len({c.id for c in store.consents} - {None}) == 2
    for _ in range(2):
        await request_export(ada.id, FakeUnitOfWork(store), FixedClock(NOW))
    assert len({e.id for e in store.exports} - {None}) == 2
