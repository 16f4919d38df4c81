"""Member use cases against an in-memory unit of work and a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

import pytest

from domain.checkins.model import CheckInReminder
from domain.checkins.reminders import ReminderSchedule
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.members.model import CURRENT_GUIDELINES_VERSION, Member
from domain.members.reads import public_profile
from domain.members.services import (
    CompleteOnboarding,
    UpdateProfile,
    complete_onboarding,
    update_profile,
)
from domain.privacy.model import CURRENT_HEALTH_DATA_CONSENT_VERSION, ConsentKind
from domain.ratelimits.policy import Action, RateLimited
from domain.safety.contact_details import ContactKind, ContactSpan
from tests.unit.fakes import (
    CaseFoldSkeleton,
    FakeRateLimiter,
    FakeStore,
    FakeUnitOfWork,
    NoContactDetails,
)

NO_LIMITS = FakeRateLimiter()
NO_CONTACTS = NoContactDetails()
SKELETONS = CaseFoldSkeleton()

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


def onboarding(uid: str = "alice", **overrides: object) -> CompleteOnboarding:
    values: dict[str, object] = {
        "firebase_uid": uid,
        "display_name": "Quiet Fox",
        "timezone": "Europe/London",
        "region": "GB",
        "confirms_adult": True,
        "accepted_guidelines_version": CURRENT_GUIDELINES_VERSION,
    }
    values.update(overrides)
    return CompleteOnboarding(**values)  # type: ignore[arg-type]


async def onboarded(
    store: FakeStore, clock: FixedClock, uid: str = "alice", **kw: object
) -> Member:
    return await complete_onboarding(
        onboarding(uid, **kw), FakeUnitOfWork(store), clock, NO_CONTACTS, SKELETONS
    )


# --- complete_onboarding ------------------------------------------------------------------


async def test_onboarding_creates_the_profile_and_records_consent(
    store: FakeStore, clock: FixedClock
) -> None:
    # given
    uow = FakeUnitOfWork(store)

    # when
    member = await complete_onboarding(
        onboarding(display_name="  Quiet   Fox ", region="gb"), uow, clock, NO_CONTACTS, SKELETONS
    )

    # then
    assert uow.committed
    assert store.members == {member.id: member}
    assert (member.firebase_uid, member.display_name, member.timezone, member.region) == (
        "alice",
        "Quiet Fox",
        "Europe/London",
        "GB",
    )
    assert member.guidelines_version == CURRENT_GUIDELINES_VERSION
    assert member.guidelines_accepted_at == T0
    assert member.adult_confirmed_at == T0
    assert member.created_at == member.updated_at == T0
    assert (member.pronouns, member.bio) == (None, None)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"display_name": "A"}, ErrorCode.TOO_SHORT, "displayName"),
        ({"display_name": "find me at a@b.com"}, ErrorCode.CONTAINS_CONTACT_INFO, "displayName"),
        ({"timezone": "Mars/Olympus"}, ErrorCode.UNKNOWN_TIMEZONE, "timezone"),
        ({"region": "XX"}, ErrorCode.UNKNOWN_REGION, "region"),
        ({"confirms_adult": False}, ErrorCode.MUST_BE_ADULT, "confirmsAdult"),
        (
            {"accepted_guidelines_version": "2020-01"},
            ErrorCode.GUIDELINES_NOT_ACCEPTED,
            "acceptedGuidelinesVersion",
        ),
    ],
)
async def test_any_invalid_input_refuses_onboarding_and_adds_nothing(
    store: FakeStore, clock: FixedClock, overrides: dict[str, object], code: ErrorCode, field: str
) -> None:
    # given
    uow = FakeUnitOfWork(store)

    # when
    with pytest.raises(ValidationError) as refused:
        await complete_onboarding(onboarding(**overrides), uow, clock, NO_CONTACTS, SKELETONS)

    # then
    assert [(e.code, e.field) for e in refused.value.errors] == [(code, ("input", field))]
    assert not uow.committed
    assert store.members == {}


async def test_every_invalid_input_is_reported_at_once(store: FakeStore, clock: FixedClock) -> None:
    uow = FakeUnitOfWork(store)
    bad = onboarding(
        display_name="A",
        timezone="Nowhere",
        region="ZZ",
        confirms_adult=False,
        accepted_guidelines_version="old",
    )

    with pytest.raises(ValidationError) as refused:
        await complete_onboarding(bad, uow, clock, NO_CONTACTS, SKELETONS)

    assert {e.code for e in refused.value.errors} == {
        ErrorCode.TOO_SHORT,
        ErrorCode.UNKNOWN_TIMEZONE,
        ErrorCode.UNKNOWN_REGION,
        ErrorCode.MUST_BE_ADULT,
        ErrorCode.GUIDELINES_NOT_ACCEPTED,
    }
    assert not uow.committed


async def test_a_display_name_in_use_regardless_of_case_is_taken(
    store: FakeStore, clock: FixedClock
) -> None:
    # given
    await onboarded(store, clock, "alice", display_name="Quiet Fox")
    uow = FakeUnitOfWork(store)

    # when
    with pytest.raises(ValidationError) as refused:
        await complete_onboarding(
            onboarding("bob", display_name="QUIET fox"), uow, clock, NO_CONTACTS, SKELETONS
        )

    # then
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.TAKEN, ("input", "displayName"))
    ]
    assert not uow.committed
    assert len(store.members) == 1


async def test_onboarding_twice_is_refused_and_the_first_profile_is_kept(
    store: FakeStore, clock: FixedClock
) -> None:
    first = await onboarded(store, clock, "alice")
    uow = FakeUnitOfWork(store)

    with pytest.raises(DomainError) as refused:
        await complete_onboarding(
            onboarding("alice", display_name="Other Name"), uow, clock, NO_CONTACTS, SKELETONS
        )

    assert refused.value.code is ErrorCode.ALREADY_ONBOARDED
    assert not uow.committed
    assert store.members == {first.id: first}


# --- update_profile -----------------------------------------------------------------------


async def test_update_changes_only_the_given_fields(store: FakeStore, clock: FixedClock) -> None:
    # given
    member = await onboarded(store, clock)
    clock.set(T0 + timedelta(days=3))
    uow = FakeUnitOfWork(store)

    # when
    updated = await update_profile(
        UpdateProfile(firebase_uid="alice", pronouns=" she/her ", bio="Gardening helps 🌱"),
        uow,
        clock,
        NO_LIMITS,
        NO_CONTACTS,
        SKELETONS,
    )

    # then
    assert uow.committed
    assert (updated.pronouns, updated.bio) == ("she/her", "Gardening helps 🌱")
    assert (updated.display_name, updated.timezone, updated.region) == (
        "Quiet Fox",
        "Europe/London",
        "GB",
    )
    assert updated.updated_at == T0 + timedelta(days=3)
    assert updated.created_at == T0
    assert updated.guidelines_accepted_at == member.guidelines_accepted_at
    assert store.members[member.id] == updated


async def test_an_empty_text_clears_pronouns_and_bio(store: FakeStore, clock: FixedClock) -> None:
    await onboarded(store, clock)
    await update_profile(
        UpdateProfile(firebase_uid="alice", pronouns="they/them", bio="hello"),
        FakeUnitOfWork(store),
        clock,
        NO_LIMITS,
        NO_CONTACTS,
        SKELETONS,
    )

    cleared = await update_profile(
        UpdateProfile(firebase_uid="alice", pronouns="", bio="   "),
        FakeUnitOfWork(store),
        clock,
        NO_LIMITS,
        NO_CONTACTS,
        SKELETONS,
    )

    assert (cleared.pronouns, cleared.bio) == (None, None)


async def test_an_update_with_nothing_in_it_keeps_everything(
    store: FakeStore, clock: FixedClock
) -> None:
    member = await onboarded(store, clock)

    same = await update_profile(
        UpdateProfile(firebase_uid="alice"),
        FakeUnitOfWork(store),
        clock,
        NO_LIMITS,
        NO_CONTACTS,
        SKELETONS,
    )

    assert replace(same, updated_at=member.updated_at) == member


async def test_an_invalid_update_changes_nothing(store: FakeStore, clock: FixedClock) -> None:
    # given
    member = await onboarded(store, clock)
    uow = FakeUnitOfWork(store)

    # when: one good change and two bad ones
    with pytest.raises(ValidationError) as refused:
        await update_profile(
            UpdateProfile(
                firebase_uid="alice",
                pronouns="she/her",
                bio="text me on +44 7700 900123",
                region="Q1",
            ),
            uow,
            clock,
            NO_LIMITS,
            NO_CONTACTS,
            SKELETONS,
        )

    # then
    assert {(e.code, e.field) for e in refused.value.errors} == {
        (ErrorCode.CONTAINS_CONTACT_INFO, ("input", "bio")),
        (ErrorCode.UNKNOWN_REGION, ("input", "region")),
    }
    assert not uow.committed
    assert store.members[member.id] == member


async def test_a_member_cannot_take_someone_elses_name_but_may_recase_their_own(
    store: FakeStore, clock: FixedClock
) -> None:
    await onboarded(store, clock, "alice", display_name="Quiet Fox")
    await onboarded(store, clock, "bob", display_name="Brave Owl")

    with pytest.raises(ValidationError) as refused:
        await update_profile(
            UpdateProfile(firebase_uid="bob", display_name="quiet FOX"),
            FakeUnitOfWork(store),
            clock,
            NO_LIMITS,
            NO_CONTACTS,
            SKELETONS,
        )
    assert [e.code for e in refused.value.errors] == [ErrorCode.TAKEN]

    recased = await update_profile(
        UpdateProfile(firebase_uid="bob", display_name="brave owl"),
        FakeUnitOfWork(store),
        clock,
        NO_LIMITS,
        NO_CONTACTS,
        SKELETONS,
    )
    assert recased.display_name == "brave owl"


async def test_updating_without_a_profile_is_not_onboarded(
    store: FakeStore, clock: FixedClock
) -> None:
    uow = FakeUnitOfWork(store)

    with pytest.raises(DomainError) as refused:
        await update_profile(
            UpdateProfile(firebase_uid="nobody", bio="hi"),
            uow,
            clock,
            NO_LIMITS,
            NO_CONTACTS,
            SKELETONS,
        )

    assert refused.value.code is ErrorCode.NOT_ONBOARDED
    assert not uow.committed


async def test_a_new_timezone_moves_the_members_reminders_along(
    store: FakeStore, clock: FixedClock
) -> None:
    # given: reminders at 20:00 London time
    member = await onboarded(store, clock)
    schedule = ReminderSchedule(
        timezone="Europe/London", local_times=(time(20, 0),), weekdays=frozenset(range(7))
    )
    store.reminders[member.id] = CheckInReminder(
        member_id=member.id, schedule=schedule, next_fire_at=T0, updated_at=T0
    )
    clock.set(T0 + timedelta(hours=1))

    # when
    await update_profile(
        UpdateProfile(firebase_uid="alice", timezone="Asia/Tokyo"),
        FakeUnitOfWork(store),
        clock,
        NO_LIMITS,
        NO_CONTACTS,
        SKELETONS,
    )

    # then: still 20:00, now in Tokyo (11:00 UTC on 2 November 2026)
    reminder = store.reminders[member.id]
    assert reminder.schedule.timezone == "Asia/Tokyo"
    assert reminder.schedule.local_times == (time(20, 0),)
    assert reminder.next_fire_at == datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    assert reminder.updated_at == T0 + timedelta(hours=1)


async def test_the_fake_unit_of_work_keeps_nothing_without_commit() -> None:
    """The fake itself: work done inside ``async with`` is dropped unless committed."""
    store = FakeStore()
    uow = FakeUnitOfWork(store)
    member = Member(
        id=uuid4(),
        firebase_uid="x",
        display_name="Some One",
        timezone="UTC",
        region="GB",
        created_at=T0,
        updated_at=T0,
        guidelines_version=CURRENT_GUIDELINES_VERSION,
        guidelines_accepted_at=T0,
        adult_confirmed_at=T0,
    )

    async with uow:
        await uow.members.add(member)
        assert await uow.members.get(member.id) == member

    assert not uow.committed
    assert store.members == {}


# --- lookalike names and renames ----------------------------------------------------------


async def test_a_name_with_the_skeleton_of_another_is_refused_and_nothing_is_kept(
    store: FakeStore, clock: FixedClock
) -> None:
    alice = await onboarded(store, clock, "alice", display_name="Quiet Fox")
    uow = FakeUnitOfWork(store)

    with pytest.raises(ValidationError) as refused:
        await complete_onboarding(
            onboarding("mallory", display_name="Quiet F0x"), uow, clock, NO_CONTACTS, SKELETONS
        )

    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.NAME_CONFUSABLE, ("input", "displayName"))
    ]
    assert list(store.members) == [alice.id]
    assert alice.name_skeleton == "quiet fox"


async def test_a_rename_takes_a_slot_and_the_limit_refuses_the_next(
    store: FakeStore, clock: FixedClock
) -> None:
    member = await onboarded(store, clock, "alice", display_name="Quiet Fox")
    limiter = FakeRateLimiter({Action.PROFILE_RENAME: 1}, retry_after=3_000)

    renamed = await update_profile(
        UpdateProfile(firebase_uid="alice", display_name="Calm Fox"),
        FakeUnitOfWork(store),
        clock,
        limiter,
        NO_CONTACTS,
        SKELETONS,
    )
    assert (renamed.display_name, renamed.name_skeleton) == ("Calm Fox", "calm fox")
    with pytest.raises(RateLimited) as refused:
        await update_profile(
            UpdateProfile(firebase_uid="alice", display_name="Still Fox"),
            FakeUnitOfWork(store),
            clock,
            limiter,
            NO_CONTACTS,
            SKELETONS,
        )
    assert refused.value.retry_after == 3_000
    assert store.members[member.id].display_name == "Calm Fox"


# --- details found by mutation testing ----------------------------------------------


class _FindsContacts:
    """A contact detector that finds "call 0790" and notes the region it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    async def find(self, text: str, region: str) -> list[ContactSpan]:
        self.asked.append((text, region))
        at = text.find("0790")
        return [ContactSpan(ContactKind.PHONE, at, at + 4)] if at >= 0 else []


async def test_onboarding_with_the_health_consent_records_it_for_the_new_member(
    store: FakeStore, clock: FixedClock
) -> None:
    member = await onboarded(
        store, clock, accepted_health_data_consent_version=CURRENT_HEALTH_DATA_CONSENT_VERSION
    )
    (consent,) = store.consents
    assert (consent.member_id, consent.kind, consent.version, consent.given_at) == (
        member.id,
        ConsentKind.HEALTH_DATA,
        CURRENT_HEALTH_DATA_CONSENT_VERSION,
        T0,
    )
    await onboarded(store, clock, "bob", display_name="Calm Owl")
    assert len(store.consents) == 1  # no consent given, none recorded


async def test_onboarding_errors_say_what_to_do(store: FakeStore, clock: FixedClock) -> None:
    with pytest.raises(ValidationError) as refused:
        await onboarded(
            store,
            clock,
            confirms_adult=False,
            accepted_guidelines_version="2020-01",
            accepted_health_data_consent_version="2020-01",
        )
    assert [(e.code, e.message, e.field) for e in refused.value.errors] == [
        (
            ErrorCode.MUST_BE_ADULT,
            "Hearth is for adults (18 and over).",
            ("input", "confirmsAdult"),
        ),
        (
            ErrorCode.GUIDELINES_NOT_ACCEPTED,
            f"Please read and accept the current guidelines ({CURRENT_GUIDELINES_VERSION}).",
            ("input", "acceptedGuidelinesVersion"),
        ),
        (
            ErrorCode.HEALTH_CONSENT_REQUIRED,
            f"Please read and accept the current health-data consent "
            f"({CURRENT_HEALTH_DATA_CONSENT_VERSION}).",
            ("input", "acceptedHealthDataConsentVersion"),
        ),
    ]
    assert store.consents == []


async def test_a_phone_number_in_a_name_is_read_in_the_members_region(
    store: FakeStore, clock: FixedClock
) -> None:
    contacts = _FindsContacts()
    with pytest.raises(ValidationError) as refused:
        await complete_onboarding(
            onboarding(display_name="Fox call 0790", region="us", timezone="Mars/Olympus"),
            FakeUnitOfWork(store),
            clock,
            contacts,
            SKELETONS,
        )
    assert contacts.asked == [("Fox call 0790", "US")]
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.CONTAINS_CONTACT_INFO, ("input", "displayName")),
        (ErrorCode.UNKNOWN_TIMEZONE, ("input", "timezone")),
    ]
    with pytest.raises(ValidationError):
        await complete_onboarding(
            onboarding(display_name="A"), FakeUnitOfWork(store), clock, contacts, SKELETONS
        )
    assert len(contacts.asked) == 1  # a name already refused is not sent to the detector


async def test_onboarding_twice_says_the_profile_exists(
    store: FakeStore, clock: FixedClock
) -> None:
    await onboarded(store, clock)
    with pytest.raises(DomainError) as refused:
        await onboarded(store, clock, display_name="Other Name")
    assert (refused.value.code, refused.value.message) == (
        ErrorCode.ALREADY_ONBOARDED,
        "You have already set up your profile.",
    )


async def test_a_taken_name_is_reported_with_the_other_errors(
    store: FakeStore, clock: FixedClock
) -> None:
    await onboarded(store, clock)
    with pytest.raises(ValidationError) as refused:
        await onboarded(store, clock, "bob")
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.TAKEN, ("input", "displayName"))
    ]
    assert refused.value.message


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("display_name", "A", ErrorCode.TOO_SHORT),
        ("pronouns", "x" * 41, ErrorCode.TOO_LONG),
        ("bio", "x" * 501, ErrorCode.TOO_LONG),
        ("timezone", "Mars/Olympus", ErrorCode.UNKNOWN_TIMEZONE),
    ],
)
async def test_each_profile_field_is_checked_on_its_own_input_field(
    store: FakeStore, clock: FixedClock, field: str, value: str, code: ErrorCode
) -> None:
    member = await onboarded(store, clock)
    names = {
        "display_name": "displayName",
        "pronouns": "pronouns",
        "bio": "bio",
        "timezone": "timezone",
    }
    with pytest.raises(ValidationError) as refused:
        await update_profile(
            UpdateProfile(member.firebase_uid, **{field: value}),
            FakeUnitOfWork(store),
            clock,
            NO_LIMITS,
            NO_CONTACTS,
            SKELETONS,
        )
    assert [(e.code, e.field) for e in refused.value.errors] == [(code, ("input", names[field]))]


async def test_contact_details_in_pronouns_and_bio_are_refused_on_their_fields(
    store: FakeStore, clock: FixedClock
) -> None:
    member = await onboarded(store, clock)
    contacts = _FindsContacts()
    with pytest.raises(ValidationError) as refused:
        await update_profile(
            UpdateProfile(member.firebase_uid, pronouns="call 0790", bio="or 0790"),
            FakeUnitOfWork(store),
            clock,
            NO_LIMITS,
            contacts,
            SKELETONS,
        )
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.CONTAINS_CONTACT_INFO, ("input", "pronouns")),
        (ErrorCode.CONTAINS_CONTACT_INFO, ("input", "bio")),
    ]
    assert {region for _, region in contacts.asked} == {"GB"}


async def test_profile_messages_say_what_to_do(store: FakeStore, clock: FixedClock) -> None:
    with pytest.raises(ValidationError) as refused:
        await onboarded(store, clock, timezone="Mars/Olympus", region="XX")
    assert [e.message for e in refused.value.errors] == [
        "Timezone must be an IANA name such as Europe/London.",
        "Region must be an ISO 3166 two-letter code such as GB.",
    ]
    with pytest.raises(DomainError) as missing:
        await update_profile(
            UpdateProfile("nobody", bio="hi"),
            FakeUnitOfWork(store),
            clock,
            NO_LIMITS,
            NO_CONTACTS,
            SKELETONS,
        )
    assert (missing.value.code, missing.value.message) == (
        ErrorCode.NOT_ONBOARDED,
        "Set up your profile first.",
    )


async def test_a_look_alike_name_is_refused_with_why(store: FakeStore, clock: FixedClock) -> None:
    await onboarded(store, clock, display_name="Lokan")
    with pytest.raises(ValidationError) as refused:
        await onboarded(store, clock, "bob", display_name="L0kan")  # a zero for the letter o
    (error,) = refused.value.errors
    assert (error.code, error.field) == (ErrorCode.NAME_CONFUSABLE, ("input", "displayName"))
    assert error.message == (
        "That display name looks too much like another member's. Try another one, so "
        "nobody can be mistaken for someone else."
    )


async def test_a_new_region_reads_phone_numbers_in_its_own_format(
    store: FakeStore, clock: FixedClock
) -> None:
    member = await onboarded(store, clock)
    contacts = _FindsContacts()
    await update_profile(
        UpdateProfile(member.firebase_uid, bio="hello", region="us"),
        FakeUnitOfWork(store),
        clock,
        NO_LIMITS,
        contacts,
        SKELETONS,
    )
    assert contacts.asked == [("hello", "US")]


def test_a_public_profile_shows_the_pronouns_and_bio_but_never_the_region() -> None:
    member = Member(
        uuid4(), "u", "Quiet Fox", "Europe/London", "GB", T0, T0, "v", T0, T0, "she/her", "Hi"
    )
    profile = public_profile(member)
    assert (profile.member_id, profile.display_name, profile.pronouns, profile.bio) == (
        member.id,
        "Quiet Fox",
        "she/her",
        "Hi",
    )
    assert profile.member_since == T0
    assert not hasattr(profile, "region")
