"""Contact details in what members write: the kinds, the detector port and masking.

Grooming often starts with moving a conversation somewhere nobody else can see. So
phone numbers, e-mail addresses, messenger and social handles, links to them and
invitations to another app are masked in posts and replies, the post or reply is
flagged for moderators with the kinds found, and the author is told why. Profiles
(display name, pronouns, bio) refuse them instead (``CONTAINS_CONTACT_INFO``).

The detector is an adapter (``infra.safety.contact_details``): it uses
``phonenumbers`` for phone numbers in the author's region's formats.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

MASK = "[contact details removed]"


class ContactKind(StrEnum):
    """A kind of contact detail."""

    PHONE = "PHONE"
    EMAIL = "EMAIL"
    HANDLE = "HANDLE"  # "@name", "snap: name", "my discord is name#1234"
    LINK = "LINK"  # a link to a messenger or social profile: t.me/…, wa.me/…
    INVITATION = "INVITATION"  # "add me on snap", "let's move to telegram"


def kinds_to_text(kinds: Iterable[ContactKind]) -> str | None:
    """Kinds as stored: sorted, comma-separated; None for none."""
    names = sorted({kind.value for kind in kinds})
    return ",".join(names) or None


def kinds_from_text(text: str | None) -> tuple[ContactKind, ...]:
    return tuple(ContactKind(name) for name in text.split(",")) if text else ()


@dataclass(frozen=True, slots=True)
class ContactSpan:
    """Where in a text one contact detail is: ``text[start:end]``."""

    kind: ContactKind
    start: int
    end: int


class ContactDetector(Protocol):
    """Finds contact details. ``region`` is the writer's ISO 3166 region, for phone
    numbers written in the local format. Must keep false positives low: times,
    dates, prices, dosages, years and counts are not contact details. Asynchronous
    so that an adapter can keep long texts off the event loop."""

    async def find(self, text: str, region: str) -> Sequence[ContactSpan]: ...


@dataclass(frozen=True, slots=True)
class Masked:
    """A text with its contact details replaced by :data:`MASK`, and what was found."""

    text: str
    kinds: tuple[ContactKind, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


async def mask_contact_details(text: str, region: str, detector: ContactDetector) -> Masked:
    """Replace every contact detail (overlapping ones merged) with :data:`MASK`."""
    spans = sorted(await detector.find(text, region), key=lambda s: (s.start, -s.end))
    if not spans:
        return Masked(text, ())
    parts: list[str] = []
    position = 0
    for span in spans:
        if span.end <= position:
            continue  # inside a span already masked
        if span.start < position:  # overlaps the previous one: extend it
            position = span.end
            continue
        parts += [text[position : span.start], MASK]
        position = span.end
    parts.append(text[position:])
    kinds = tuple(sorted({span.kind for span in spans}))
    return Masked("".join(parts), kinds)
