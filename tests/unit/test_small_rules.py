"""Small rules members see the effect of: the folded-post notice, contact details
masking with overlapping finds, an unknown region, a detector that fails, and who
sees a membership."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.circles.model import Membership, MembershipStatus, Role, Topic
from domain.circles.reads import MembershipView
from domain.circles.visibility import visible_membership
from domain.errors import DomainError, ErrorCode
from domain.members.reads import PublicProfile
from domain.moderation.visibility import folded_reason
from domain.safety.assess import safe_assess
from domain.safety.contact_details import MASK, ContactKind, ContactSpan, mask_contact_details
from domain.safety.crisis import parse_region
from domain.safety.model import RiskAssessment, RiskLevel

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
