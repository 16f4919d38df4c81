"""The trusted-information catalogue, loaded once from ``data/resources.json``.

The file is checked against ``data/resources.schema.json`` by the tests; loading
checks what the program relies on (known topics, unique slugs, dates) and fails
at startup rather than serving a half-read catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.circles.model import Topic
from domain.safety.resources import Resource, ResourceKey, resources_page

DATA = Path(__file__).resolve().parent / "data"
RESOURCES_FILE = DATA / "resources.json"
SCHEMA_FILE = DATA / "resources.schema.json"


class InMemoryResourceCatalog:
    """Implements ``domain.safety.resources.ResourceCatalog`` over a list in key order."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self._ordered = sorted(resources, key=lambda r: r.key)
        self._by_id = {r.id: r for r in self._ordered}
        if len(self._by_id) != len(self._ordered):
            raise ValueError("resource slugs must be unique")

    def __len__(self) -> int:
        return len(self._ordered)

    def all(self) -> list[Resource]:
        return list(self._ordered)

    def get(self, resource_id: UUID) -> Resource | None:
        return self._by_id.get(resource_id)

    def page(
        self, topics: Collection[Topic] | None, after: ResourceKey | None, limit: int
    ) -> list[Resource]:
        return resources_page(self._ordered, topics, after, limit)


def parse_entry(raw: dict[str, Any]) -> Resource:
    return Resource(
        slug=raw["slug"],
        title=raw["title"],
        publisher=raw["publisher"],
        url=raw["url"],
        language=raw["language"],
        regions=tuple(raw["regions"]),
        summary=raw["summary"],
        topics=tuple(Topic(t) for t in raw["topics"]),
        reviewed_on=date.fromisoformat(raw["reviewed_on"]),
    )


def load_catalog(path: Path = RESOURCES_FILE) -> InMemoryResourceCatalog:
    document = json.loads(path.read_text(encoding="utf-8"))
    return InMemoryResourceCatalog([parse_entry(e) for e in document["resources"]])


@cache
def default_catalog() -> InMemoryResourceCatalog:
    """The shipped catalogue, read once per process."""
    return load_catalog()
