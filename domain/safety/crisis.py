"""Crisis signposting: "get help now".

Hearth is peer support, not a crisis or emergency service. Wherever a member may be
in distress, Hearth points to real help: the emergency number of their region and
crisis lines whose every number was checked against the publisher's own page.

The read port :class:`CrisisDirectory` gives the verified entries (an adapter loads
them from a data file). :func:`resources_for` is the one function other use cases call,
for example to put the member's crisis lines into a safety prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from domain.errors import DomainError, ErrorCode
from domain.members.regions import REGION_CODES

NOT_A_CRISIS_SERVICE = (
    "Hearth is peer support, not a crisis or emergency service. If you are in danger "
    "now, call your local emergency number. If you are thinking about ending your life "
    "or are struggling to cope, a crisis line can talk with you right now."
)


class EmergencyKind(StrEnum):
    """Which emergency service a number reaches."""

    GENERAL = "GENERAL"  # one number for police, ambulance and fire (112, 911, 999, 000, 111)
    POLICE = "POLICE"
    AMBULANCE = "AMBULANCE"
    FIRE = "FIRE"


class Audience(StrEnum):
    """Who a crisis service is for."""

    EVERYONE = "EVERYONE"
    YOUNG_PEOPLE = "YOUNG_PEOPLE"
    LGBTQ = "LGBTQ"
    VETERANS = "VETERANS"
    MEN = "MEN"


@dataclass(frozen=True, slots=True)
class EmergencyNumber:
    """An emergency number of a region, what it reaches, and where that was checked."""

    number: str
    kinds: tuple[EmergencyKind, ...]
    source_url: str
    verified_on: date


@dataclass(frozen=True, slots=True)
class CrisisService:
    """A crisis line or chat, as its publisher describes it."""

    name: str
    description: str
    phone: str | None
    sms: str | None
    sms_note: str | None
    chat_url: str | None
    web_url: str | None
    hours: str
    languages: tuple[str, ...]
    audiences: tuple[Audience, ...]
    source_url: str
    verified_on: date


@dataclass(frozen=True, slots=True)
class HelplineDirectory:
    """An international directory of helplines: the fallback for every region."""

    name: str
    url: str
    description: str
    source_url: str
    verified_on: date


@dataclass(frozen=True, slots=True)
class RegionEntry:
    """What the data holds for one region. ``services`` may be empty when only the
    emergency numbers could be verified."""

    region: str
    emergency_numbers: tuple[EmergencyNumber, ...]
    services: tuple[CrisisService, ...]


@dataclass(frozen=True, slots=True)
class CrisisResources:
    """The "get help now" view for one region (or for no known region)."""

    region: str | None
    emergency_numbers: tuple[EmergencyNumber, ...]
    services: tuple[CrisisService, ...]
    directories: tuple[HelplineDirectory, ...]
    notice: str = NOT_A_CRISIS_SERVICE

    @property
    def has_local_services(self) -> bool:
        return bool(self.services)


class CrisisDirectory(Protocol):
    """Read port: the verified crisis data."""

    def entry(self, region: str) -> RegionEntry | None:
        """The entry for an upper-case ISO 3166-1 alpha-2 code, or None."""
        ...

    def directories(self) -> tuple[HelplineDirectory, ...]:
        """The international directories every answer carries as the fallback."""
        ...


def parse_region(raw: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; UNKNOWN_REGION otherwise."""
    region = raw.strip().upper()
    if region not in REGION_CODES:
        raise DomainError(
            ErrorCode.UNKNOWN_REGION,
            "That is not a region code we know. Use an ISO 3166-1 alpha-2 code such as "
            '"GB" or "US".',
            ("region",),
        )
    return region


def resolve_region(explicit: str | None, member_region: str | None) -> str | None:
    """The region to show help for: the explicit argument first, else the signed-in
    member's region, else None (the fallback)."""
    if explicit is not None:
        return parse_region(explicit)
    if member_region:
        return member_region.strip().upper() or None
    return None


def resources_for(directory: CrisisDirectory, region: str | None) -> CrisisResources:
    """The crisis resources for ``region`` (an ISO code, or None when unknown).

    Never empty-handed: a region without verified crisis lines still gets its
    emergency numbers when they are known, and every answer carries the international
    directories. A code that is not ISO 3166-1 alpha-2 raises UNKNOWN_REGION.
    """
    code = parse_region(region) if region is not None else None
    entry = directory.entry(code) if code is not None else None
    return CrisisResources(
        region=code,
        emergency_numbers=entry.emergency_numbers if entry else (),
        services=entry.services if entry else (),
        directories=directory.directories(),
    )
