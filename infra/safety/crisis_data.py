"""The crisis directory adapter: verified crisis lines and emergency numbers from the
data file ``infra/safety/data/crisis_resources.json``, loaded once per process.

The file's shape is fixed by ``crisis_resources.schema.json`` beside it (checked in
the tests); how entries are verified is in docs/safety.md, "Crisis signposting".
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from domain.safety.crisis import (
    Audience,
    CrisisService,
    EmergencyKind,
    EmergencyNumber,
    HelplineDirectory,
    RegionEntry,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "crisis_resources.json"
SCHEMA_FILE = DATA_DIR / "crisis_resources.schema.json"


class JsonCrisisDirectory:
    """Implements ``domain.safety.crisis.CrisisDirectory`` over the parsed data file."""

    def __init__(
        self, entries: dict[str, RegionEntry], directories: tuple[HelplineDirectory, ...]
    ) -> None:
        if not directories:
            raise ValueError("the crisis data needs at least one international directory")
        self._entries = entries
        self._directories = directories

    def entry(self, region: str) -> RegionEntry | None:
        return self._entries.get(region)

    def directories(self) -> tuple[HelplineDirectory, ...]:
        return self._directories

    def regions(self) -> frozenset[str]:
        return frozenset(self._entries)

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> JsonCrisisDirectory:
        entries = {
            code: RegionEntry(
                region=code,
                emergency_numbers=tuple(_emergency(e) for e in raw.get("emergency", [])),
                services=tuple(_service(s) for s in raw.get("services", [])),
            )
            for code, raw in document["regions"].items()
        }
        directories = tuple(_directory(d) for d in document["directories"])
        return cls(entries, directories)

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> JsonCrisisDirectory:
        return cls.from_document(json.loads(path.read_text(encoding="utf-8")))


@cache
def load_crisis_directory() -> JsonCrisisDirectory:
    """The directory from the shipped data file, parsed once per process."""
    return JsonCrisisDirectory.from_file()


def _emergency(raw: dict[str, Any]) -> EmergencyNumber:
    return EmergencyNumber(
        number=raw["number"],
        kinds=tuple(EmergencyKind(k) for k in raw["kinds"]),
        source_url=raw["source_url"],
        verified_on=date.fromisoformat(raw["verified_on"]),
    )


def _service(raw: dict[str, Any]) -> CrisisService:
    return CrisisService(
        name=raw["name"],
        description=raw["description"],
        phone=raw.get("phone"),
        sms=raw.get("sms"),
        sms_note=raw.get("sms_note"),
        chat_url=raw.get("chat_url"),
        web_url=raw.get("web_url"),
        hours=raw["hours"],
        languages=tuple(raw["languages"]),
        audiences=tuple(Audience(a) for a in raw["audiences"]),
        source_url=raw["source_url"],
        verified_on=date.fromisoformat(raw["verified_on"]),
    )


def _directory(raw: dict[str, Any]) -> HelplineDirectory:
    return HelplineDirectory(
        name=raw["name"],
        url=raw["url"],
        description=raw["description"],
        source_url=raw["source_url"],
        verified_on=date.fromisoformat(raw["verified_on"]),
    )
