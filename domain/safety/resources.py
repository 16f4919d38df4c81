"""Trusted information: curated, sourced articles about conditions and treatments.

Each entry points at a reputable public-health publisher's own page (NHS, NIMH,
WHO, Mind, national health services), with a one-line summary written by Hearth
and the date someone last checked the page. The catalogue is public health
information: reading it needs no sign-in.

Entries are ordered by title (case-insensitive), then slug, so a cursor is a
true keyset position: removing an entry never shifts the pages after it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from uuid import UUID, uuid5

from domain.circles.model import Topic

# Fixed forever: a resource's ID is derived from its slug in this namespace, so
# the same slug keeps the same global ID across releases.
RESOURCE_NAMESPACE = UUID("6b1f4a52-3f0c-4d55-9a57-0c7d2f1e8a10")

ResourceKey = tuple[str, str]


def resource_id(slug: str) -> UUID:
    """The stable ID of the catalogue entry with this slug."""
    return uuid5(RESOURCE_NAMESPACE, slug)


@dataclass(frozen=True, slots=True)
class Resource:
    """One article: what it is about, who published it, and when it was checked."""

    slug: str
    title: str
    publisher: str
    url: str
    language: str
    regions: tuple[str, ...]  # ISO 3166-1 alpha-2; empty: relevant everywhere
    summary: str
    topics: tuple[Topic, ...]
    reviewed_on: date
    id: UUID = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", resource_id(self.slug))

    @property
    def key(self) -> ResourceKey:
        """The keyset position: title without case, then slug."""
        return (self.title.casefold(), self.slug)

    def is_about(self, topics: Collection[Topic] | None) -> bool:
        return topics is None or any(t in topics for t in self.topics)


def resources_page(
    ordered: Sequence[Resource],
    topics: Collection[Topic] | None,
    after: ResourceKey | None,
    limit: int,
) -> list[Resource]:
    """Up to ``limit`` resources about any of ``topics`` (all when None) that come
    after ``after``, from a catalogue already in key order."""
    found: list[Resource] = []
    for resource in ordered:
        if after is not None and resource.key <= after:
            continue
        if resource.is_about(topics):
            found.append(resource)
            if len(found) == limit:
                break
    return found


class ResourceCatalog(Protocol):
    """The read port of the catalogue (loaded once; it does not change while running)."""

    def get(self, resource_id: UUID) -> Resource | None: ...

    def page(
        self, topics: Collection[Topic] | None, after: ResourceKey | None, limit: int
    ) -> list[Resource]:
        """Up to ``limit`` resources about any of ``topics`` (all when None), in key
        order, after the position ``after``."""
        ...
