"""GraphQL types for crisis signposting."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

import strawberry

from domain.safety import crisis

EmergencyKind = strawberry.enum(
    crisis.EmergencyKind,
    name="EmergencyKind",
    description="Which emergency service a number reaches.",
)
_KIND_DESCRIPTIONS = {
    "GENERAL": "One number for police, ambulance and fire (for example 112, 911, 999, 000).",
    "POLICE": "The police.",
    "AMBULANCE": "An ambulance or emergency medical help.",
    "FIRE": "The fire and rescue service.",
}
CrisisAudience = strawberry.enum(
    crisis.Audience,
    name="CrisisAudience",
    description="Who a crisis service is for.",
)
_AUDIENCE_DESCRIPTIONS = {
    "EVERYONE": "Anyone, whatever they are going through.",
    "YOUNG_PEOPLE": "Children and young people.",
    "LGBTQ": "LGBTQ+ people.",
    "VETERANS": "Veterans and service members.",
    "MEN": "Men.",
}
for _enum, _descriptions in (
    (EmergencyKind, _KIND_DESCRIPTIONS),
    (CrisisAudience, _AUDIENCE_DESCRIPTIONS),
):
    for _value in _enum.__strawberry_definition__.values:  # type: ignore[union-attr]
        _value.description = _descriptions[_value.value]


@strawberry.type(
    name="EmergencyNumber",
    description="An emergency number of a region: call it when someone is in danger now.",
)
class EmergencyNumberType:
    number: str = strawberry.field(description='The number to dial, e.g. "112".')
    kinds: list[crisis.EmergencyKind] = strawberry.field(
        description="The emergency services this number reaches."
    )
    source_url: str = strawberry.field(description="The official page the number was checked on.")
    verified_on: date = strawberry.field(description="When the number was last checked there.")


@strawberry.type(
    name="CrisisService",
    description="A crisis line, text line or chat, as its publisher describes it.",
)
class CrisisServiceType:
    name: str = strawberry.field(description="The service's name.")
    description: str = strawberry.field(description="What it offers and to whom, in a sentence.")
    phone: str | None = strawberry.field(description="The number to call; null if none.")
    sms: str | None = strawberry.field(description="The number to text; null if none.")
    sms_note: str | None = strawberry.field(
        description='What to text, when the service asks for a keyword (e.g. "Text HELLO").'
    )
    chat_url: str | None = strawberry.field(description="Where to chat online; null if none.")
    web_url: str | None = strawberry.field(description="The service's website.")
    hours: str = strawberry.field(description='When it is open, e.g. "24/7".')
    languages: list[str] = strawberry.field(
        description='Languages it answers in, as BCP 47 codes (e.g. "en", "fr").'
    )
    audiences: list[crisis.Audience] = strawberry.field(description="Who the service is for.")
    source_url: str = strawberry.field(
        description="The publisher's page the number, hours and audience were checked on."
    )
    verified_on: date = strawberry.field(description="When the entry was last checked there.")


@strawberry.type(
    name="HelplineDirectory",
    description="An international directory of helplines, for any country.",
)
class HelplineDirectoryType:
    name: str = strawberry.field(description="The directory's name.")
    url: str = strawberry.field(description="Where to search it.")
    description: str = strawberry.field(description="What it lists.")
    source_url: str = strawberry.field(description="The page the directory was checked on.")
    verified_on: date = strawberry.field(description="When it was last checked.")


@strawberry.type(
    name="CrisisResources",
    description="Where to get help now, for one region. Hearth is not a crisis or emergency "
    "service: these are the real services to contact.",
)
class CrisisResourcesType:
    region: str | None = strawberry.field(
        description="The ISO 3166-1 alpha-2 region the resources are for; null when no region "
        "was given and the viewer has none."
    )
    emergency_numbers: list[EmergencyNumberType] = strawberry.field(
        description="The region's emergency numbers, where known. Empty when the region is "
        "unknown or its numbers are not verified yet: then use the directories."
    )
    services: list[CrisisServiceType] = strawberry.field(
        description="Crisis lines for the region, each checked against its publisher's page. "
        "Empty when none is verified for the region yet."
    )
    directories: list[HelplineDirectoryType] = strawberry.field(
        description="International directories of helplines: the fallback for every region, "
        "always present."
    )
    notice: str = strawberry.field(
        description="A sentence to show with the resources: Hearth is peer support, not a "
        "crisis or emergency service."
    )

    @classmethod
    def from_domain(cls, resources: crisis.CrisisResources) -> CrisisResourcesType:
        return cls(
            region=resources.region,
            emergency_numbers=[
                EmergencyNumberType(**_plain(n)) for n in resources.emergency_numbers
            ],
            services=[CrisisServiceType(**_plain(s)) for s in resources.services],
            directories=[HelplineDirectoryType(**_plain(d)) for d in resources.directories],
            notice=resources.notice,
        )


def _plain(view: Any) -> dict[str, Any]:
    """A domain view's fields as keyword arguments for the GraphQL type of the same
    shape (the leaf types mirror the domain dataclasses field for field)."""
    return {
        f.name: list(value) if isinstance(value := getattr(view, f.name), tuple) else value
        for f in fields(view)
    }
