"""Small rules members see the effect of: the folded-post notice, contact details
masking with overlapping finds, an unknown region, a detector that fails, and who
sees a membership."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.circles.model import Membership, MembershipStatus, Role, Topic
from domain.circles.reads import MembershipView
from domain.circles.visibility import visible_membership
from domain.clock import FixedClock, SystemClock
from domain.errors import DomainError, ErrorCode, Forbidden, ServiceUnavailable, ValidationError
from domain.events import Event, EventKind, heard_by
from domain.members.reads import PublicProfile
from domain.moderation.model import ReportReason
from domain.moderation.support import SUPPORT_GUIDE, reporter_support
from domain.moderation.visibility import folded_reason
from domain.safety.assess import safe_assess
from domain.safety.contact_details import MASK, ContactKind, ContactSpan, mask_contact_details
from domain.safety.crisis import parse_region
from domain.safety.model import RiskAssessment, RiskLevel
from tests.unit.safety.test_crisis import DIRECTORY, LINE, FakeDirectory

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_folded_post_names_the_muted_topics_in_plain_words() -> None:
    assert folded_reason([Topic.SELF_HARM_RECOVERY, Topic.GRIEF]) == (
        "Folded: it carries a content warning for a topic you muted (self harm recovery, grief)."
    )
    assert folded_reason([]) is None


class _Finds:
    def __init__(self, *spans: ContactSpan) -> None:
        self.spans = spans

    async def find(self, text: str, region: str) -> Sequence[ContactSpan]:
        return self.spans


async def test_overlapping_and_nested_finds_are_masked_once() -> None:
    text = "a 0123456789 b x@y.io c"
    finds = _Finds(
        ContactSpan(ContactKind.PHONE, 2, 12),
        ContactSpan(ContactKind.PHONE, 4, 8),  # inside the first
        ContactSpan(ContactKind.HANDLE, 10, 12),  # ends where the first ends
        ContactSpan(ContactKind.EMAIL, 15, 21),
        ContactSpan(ContactKind.LINK, 18, 23),  # overlaps the e-mail's end
    )
    masked = await mask_contact_details(text, "GB", finds)
    assert masked.text == f"a {MASK} b {MASK}"
    assert masked.kinds == (
        ContactKind.EMAIL,
        ContactKind.HANDLE,
        ContactKind.LINK,
        ContactKind.PHONE,
    )


async def test_a_longer_find_at_the_same_place_wins() -> None:
    text = "call 0123456789 now"
    finds = _Finds(ContactSpan(ContactKind.PHONE, 5, 9), ContactSpan(ContactKind.PHONE, 5, 15))
    masked = await mask_contact_details(text, "GB", finds)
    assert masked.text == f"call {MASK} now"


def test_an_unknown_region_says_which_codes_work() -> None:
    assert parse_region(" gb ") == "GB"
    with pytest.raises(DomainError) as raised:
        parse_region("Narnia")
    assert (raised.value.code, raised.value.field) == (ErrorCode.UNKNOWN_REGION, ("region",))
    assert raised.value.message == (
        'That is not a region code we know. Use an ISO 3166-1 alpha-2 code such as "GB" or "US".'
    )


class _Broken:
    def __init__(self, has_version: bool) -> None:
        self.has_version = has_version
        self.languages: list[str] = []

    @property
    def version(self) -> str:
        if not self.has_version:
            raise RuntimeError("no version either")
        return "broken-1"

    def assess(self, text: str, language: str = "xx") -> RiskAssessment:
        self.languages.append(language)
        if language == "es":
            return RiskAssessment(RiskLevel.NONE, (), "broken-1")
        raise RuntimeError(text)


def test_a_failing_detector_rates_concern_and_english_is_the_default_language() -> None:
    detector = _Broken(has_version=True)
    assert safe_assess(detector, "hola", "es").level is RiskLevel.NONE
    failed = safe_assess(detector, "words")
    assert (failed.level, failed.reasons, failed.detector_version) == (
        RiskLevel.CONCERN,
        ("detector error",),
        "broken-1",
    )
    assert detector.languages == ["es", "en"]
    assert safe_assess(_Broken(has_version=False), "words").detector_version == "unknown"


def test_a_membership_is_seen_by_its_member_and_an_active_one_by_the_circle() -> None:
    me, other, circle = uuid4(), uuid4(), uuid4()

    def view(member: object, status: MembershipStatus) -> MembershipView:
        profile = PublicProfile(member, "Name", None, None, T0)  # type: ignore[arg-type]
        return MembershipView(circle, profile, Role.MEMBER, status, T0)

    reader = Membership(circle, other, Role.MEMBER, MembershipStatus.ACTIVE, T0, T0)
    pending_mine = view(me, MembershipStatus.PENDING)
    assert visible_membership(pending_mine, me, None, frozenset()) is pending_mine
    assert visible_membership(pending_mine, other, reader, frozenset()) is None
    active = view(me, MembershipStatus.ACTIVE)
    assert visible_membership(active, other, reader, frozenset()) is active
    assert visible_membership(active, other, reader, {me}) is None
    assert visible_membership(None, other, reader, frozenset()) is None


# -- the reporter's support, errors and event channels --------------------------------


@pytest.mark.parametrize("reason", [ReportReason.SUICIDE_RISK, ReportReason.SELF_HARM_RISK])
def test_a_safety_report_gives_the_reporter_the_guide_and_their_regions_lines(
    reason: ReportReason,
) -> None:
    directory = FakeDirectory()
    support = reporter_support(reason, "gb", directory)  # type: ignore[arg-type]
    assert support is not None
    assert support.guide == SUPPORT_GUIDE
    assert (support.resources.region, support.resources.services) == ("GB", (LINE,))
    fallback = reporter_support(reason, "Narnia", directory)  # type: ignore[arg-type]
    assert fallback is not None
    assert (fallback.resources.region, fallback.resources.services) == (None, ())
    assert fallback.resources.directories == (DIRECTORY,)


def test_other_reports_get_no_crisis_support() -> None:
    assert reporter_support(ReportReason.SPAM, "GB", FakeDirectory()) is None  # type: ignore[arg-type]


def test_errors_carry_their_code_message_and_fields() -> None:
    error = DomainError(ErrorCode.INVALID, "Nope.", ["input", "name"])
    assert (error.code, error.message, error.field, str(error)) == (
        ErrorCode.INVALID,
        "Nope.",
        ("input", "name"),
        "Nope.",
    )
    assert repr(error) == "DomainError(INVALID, 'Nope.', field=('input', 'name'))"
    assert DomainError(ErrorCode.INVALID, "x").field == ()
    forbidden = Forbidden()
    assert (forbidden.code, forbidden.message, forbidden.field) == (
        ErrorCode.FORBIDDEN,
        "You are not allowed to do this.",
        (),
    )
    both = ValidationError([error, DomainError(ErrorCode.TOO_LONG, "Long.", ("bio",))])
    assert (both.code, both.message, both.field) == (ErrorCode.INVALID, "Nope.", ("input", "name"))
    assert [e.message for e in both.errors] == ["Nope.", "Long."]
    with pytest.raises(ValueError, match="at least one error"):
        ValidationError([])
    down = ServiceUnavailable()
    assert (str(down), down.retry_after) == (
        "Hearth can't reach its database right now. Please try again shortly.",
        2,
    )
    assert ServiceUnavailable(5).retry_after == 5


def test_an_event_goes_to_its_circles_channel_else_its_members() -> None:
    circle, member = uuid4(), uuid4()
    assert Event(EventKind.POST_CREATED, circle, member).channel() == f"circle:{circle}"
    assert Event(EventKind.NOTIFICATION_CREATED, member_id=member).channel() == f"member:{member}"
    with pytest.raises(ValueError, match="an event needs a circle or a member"):
        Event(EventKind.POST_CREATED).channel()
    apart = Event(EventKind.MEMBER_LEFT, circle, apart=frozenset({member}))
    assert (heard_by(apart, member), heard_by(apart, uuid4())) == (False, True)


def test_a_fixed_clock_needs_an_aware_time_and_keeps_it_in_utc() -> None:
    tokyo = datetime(2026, 1, 1, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    clock = FixedClock(tokyo)
    assert clock.now() == tokyo
    assert clock.now().tzinfo is UTC
    clock.set(datetime(2026, 1, 2, 9, tzinfo=ZoneInfo("Asia/Tokyo")))
    assert clock.now() == datetime(2026, 1, 2, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    with pytest.raises(ValueError, match="FixedClock needs an aware datetime"):
        FixedClock(datetime(2026, 1, 1))
    assert SystemClock().now().tzinfo is UTC
