"""Who sees what of a rating, and the prompt's wording and fallbacks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.circles.model import Membership, MembershipStatus, Role
from domain.safety.crisis import HelplineDirectory, RegionEntry
from domain.safety.model import RiskLevel
from domain.safety.prompt import CONCERN_MESSAGE, URGENT_MESSAGE, prompt_for
from domain.safety.team import TargetKind
from domain.safety.visibility import is_sensitive, risk_badge

NOW = datetime(2026, 12, 5, tzinfo=UTC)
DIRECTORY = HelplineDirectory(
    "Find A Helpline", "https://findahelpline.com", "d", "s", date(2026, 12, 5)
)


class _Directory:
    def entry(self, region: str) -> RegionEntry | None:
        return None

    def directories(self) -> tuple[HelplineDirectory, ...]:
        return (DIRECTORY,)


def _membership(role: Role, status: MembershipStatus = MembershipStatus.ACTIVE) -> Membership:
    return Membership(uuid4(), uuid4(), role, status, NOW, NOW)


def test_no_prompt_below_concern_and_the_level_picks_the_message() -> None:
    target = uuid4()
    assert prompt_for(RiskLevel.NONE, TargetKind.POST, target, "GB", _Directory()) is None
    concern = prompt_for(RiskLevel.CONCERN, TargetKind.POST, target, "GB", _Directory())
    urgent = prompt_for(RiskLevel.URGENT, TargetKind.CHECK_IN, target, "GB", _Directory())
    assert concern is not None
    assert urgent is not None
    assert (concern.level, concern.message) == (RiskLevel.CONCERN, CONCERN_MESSAGE)
    assert (urgent.level, urgent.message, urgent.target_kind) == (
        RiskLevel.URGENT,
        URGENT_MESSAGE,
        TargetKind.CHECK_IN,
    )
    assert urgent.resources.directories == (DIRECTORY,)


@pytest.mark.parametrize("message", [CONCERN_MESSAGE, URGENT_MESSAGE])
def test_messages_are_short_plain_and_not_clinical(message: str) -> None:
    assert len(message) <= 300
    for word in ("suicid", "risk", "disorder", "diagnos", "patient", "!", "detected", "flagged"):
        assert word not in message.lower()


def test_a_region_the_crisis_data_rejects_falls_back_instead_of_failing_the_write() -> None:
    prompt = prompt_for(RiskLevel.URGENT, TargetKind.POST, uuid4(), "not-a-region", _Directory())
    assert prompt is not None
    assert prompt.resources.region is None
    assert prompt.resources.directories == (DIRECTORY,)


def test_sensitive_means_urgent_and_not_removed() -> None:
    assert is_sensitive(RiskLevel.URGENT, removed=False)
    assert not is_sensitive(RiskLevel.URGENT, removed=True)
    assert not is_sensitive(RiskLevel.CONCERN, removed=False)


@pytest.mark.parametrize(
    ("membership", "seen"),
    [
        (_membership(Role.OWNER), True),
        (_membership(Role.MODERATOR), True),
        (_membership(Role.MEMBER), False),
        (_membership(Role.MODERATOR, MembershipStatus.BANNED), False),
        (None, False),
    ],
)
def test_only_the_circles_active_owner_and_moderators_see_the_badge(
    membership: Membership | None, seen: bool
) -> None:
    for level in (RiskLevel.CONCERN, RiskLevel.URGENT):
        assert risk_badge(level, False, membership) == (level if seen else None)
    assert risk_badge(RiskLevel.NONE, False, membership) is None
    assert risk_badge(RiskLevel.URGENT, True, membership) is None
