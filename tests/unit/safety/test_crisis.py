"""Crisis signposting in the domain: which region, and never empty-handed."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError, ErrorCode
from domain.safety.crisis import (
    NOT_A_CRISIS_SERVICE,
    Audience,
    CrisisService,
    EmergencyKind,
    EmergencyNumber,
    HelplineDirectory,
    RegionEntry,
    resolve_region,
    resources_for,
)

DAY = date(2026, 12, 5)
DIRECTORY = HelplineDirectory(
    "Directory", "https://d.example", "Lists helplines.", "https://d.example", DAY
)
NUMBER = EmergencyNumber("112", (EmergencyKind.GENERAL,), "https://n.example", DAY)
LINE = CrisisService(
    name="Line",
    description="Listens, any time.",
    phone="116 123",
    sms=None,
    sms_note=None,
    chat_url=None,
    web_url=None,
    hours="24/7",
    languages=("en",),
    audiences=(Audience.EVERYONE,),
    source_url="https://l.example",
    verified_on=DAY,
)


class FakeDirectory:
    """A hand-made CrisisDirectory: one full entry (GB) and one with numbers only (HR)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self._entries = {
            "GB": RegionEntry("GB", (NUMBER,), (LINE,)),
            "HR": RegionEntry("HR", (NUMBER,), ()),
        }

    def entry(self, region: str) -> RegionEntry | None:
        self.asked.append(region)
        return self._entries.get(region)

    def directories(self) -> tuple[HelplineDirectory, ...]:
        return (DIRECTORY,)


def test_an_explicit_region_wins_over_the_members_region() -> None:
    assert resolve_region("fr", "GB") == "FR"


def test_without_an_explicit_region_the_members_region_is_used() -> None:
    assert resolve_region(None, "gb") == "GB"


def test_without_any_region_there_is_none() -> None:
    assert resolve_region(None, None) is None


@pytest.mark.parametrize("raw", ["XX", "", "GBR", "U", "12", "uk"])
def test_a_code_that_is_not_iso_3166_alpha_2_is_an_unknown_region(raw: str) -> None:
    with pytest.raises(DomainError) as caught:
        resolve_region(raw, "GB")
    assert caught.value.code is ErrorCode.UNKNOWN_REGION
    assert caught.value.field == ("region",)


def test_a_region_with_an_entry_gets_its_numbers_services_and_the_directories() -> None:
    resources = resources_for(FakeDirectory(), "GB")
    assert resources.region == "GB"
    assert resources.emergency_numbers == (NUMBER,)
    assert resources.services == (LINE,)
    assert resources.directories == (DIRECTORY,)
    assert resources.notice == NOT_A_CRISIS_SERVICE


def test_a_region_with_numbers_only_gets_its_numbers_and_the_directories() -> None:
    resources = resources_for(FakeDirectory(), "HR")
    assert resources.emergency_numbers == (NUMBER,)
    assert resources.services == ()
    assert not resources.has_local_services
    assert resources.directories == (DIRECTORY,)


def test_a_known_region_without_an_entry_still_gets_the_directories() -> None:
    resources = resources_for(FakeDirectory(), "BT")
    assert (resources.region, resources.emergency_numbers, resources.services) == ("BT", (), ())
    assert resources.directories == (DIRECTORY,)


def test_no_region_gets_the_directories_without_asking_the_port_for_an_entry() -> None:
    directory = FakeDirectory()
    resources = resources_for(directory, None)
    assert resources.region is None
    assert resources.directories == (DIRECTORY,)
    assert directory.asked == []


def test_resources_for_refuses_an_unknown_code() -> None:
    with pytest.raises(DomainError) as caught:
        resources_for(FakeDirectory(), "ZZ")
    assert caught.value.code is ErrorCode.UNKNOWN_REGION


def test_the_notice_says_hearth_is_not_a_crisis_or_emergency_service() -> None:
    assert "not a crisis or emergency service" in NOT_A_CRISIS_SERVICE
