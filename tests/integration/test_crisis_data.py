"""The shipped crisis data file: valid against its JSON Schema, every entry sourced and
dated, every source in the verification log, and the required countries present."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from domain.members.regions import REGION_CODES
from infra.safety.crisis_data import DATA_FILE, SCHEMA_FILE, JsonCrisisDirectory

DATA: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
ROOT = Path(__file__).resolve().parents[2]
SAFETY_DOC = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")

# Issue 10 asks for these. A country moves out of NOT_YET_VERIFIED only when a crisis
# line for it is verified on its publisher's page (docs/safety.md, "Crisis signposting").
REQUIRED = {
    "US", "CA", "GB", "IE", "AU", "NZ", "IN", "ZA", "BR", "MX", "JP", "KR", "PH",
    "DE", "FR", "IT", "ES", "PL", "NL", "BE", "AT", "PT", "CZ", "GR", "RO",
    "SE", "NO", "DK", "FI", "IS",
}  # fmt: skip
NOT_YET_VERIFIED = {
    "IN", "BR", "MX", "KR",
    "IT", "ES", "PL", "GR", "RO",
    "DK",
}  # fmt: skip
# Re-verify every entry at least yearly: an older date fails here on purpose.
MAX_AGE = timedelta(days=400)


def _entries() -> list[tuple[str, dict[str, Any]]]:
    found = [("directories", d) for d in DATA["directories"]]
    for code, region in DATA["regions"].items():
        found += [(code, e) for e in region["emergency"]]
        found += [(code, s) for s in region["services"]]
    return found


def test_the_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_data_file_validates_against_its_schema() -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(DATA)


def test_the_schema_refuses_a_service_without_a_source() -> None:
    service = dict(DATA["regions"]["GB"]["services"][0])
    del service["source_url"]
    broken = {**DATA, "regions": {"GB": {"emergency": [], "services": [service]}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(broken)


def test_every_region_key_is_an_iso_code_with_something_to_offer() -> None:
    for code, region in DATA["regions"].items():
        assert code in REGION_CODES, code
        assert region["emergency"] or region["services"], code


@pytest.mark.parametrize(("where", "entry"), _entries())
def test_every_entry_is_sourced_and_verified_within_a_year(
    where: str, entry: dict[str, Any]
) -> None:
    assert entry["source_url"].startswith("https://"), where
    verified = date.fromisoformat(entry["verified_on"])
    assert verified <= date.today(), where
    assert date.today() - verified <= MAX_AGE, f"{where}: re-verify {entry['source_url']}"


@pytest.mark.parametrize(("where", "entry"), _entries())
def test_every_source_is_in_the_verification_log(where: str, entry: dict[str, Any]) -> None:
    assert entry["source_url"] in SAFETY_DOC, f"{where}: log {entry['source_url']}"


def test_the_required_countries_are_present_except_those_not_yet_verified() -> None:
    with_services = {code for code, r in DATA["regions"].items() if r["services"]}
    assert with_services >= REQUIRED - NOT_YET_VERIFIED
    assert not (NOT_YET_VERIFIED & with_services), "verified now: remove from NOT_YET_VERIFIED"


def test_the_adapter_loads_every_region_and_directory() -> None:
    directory = JsonCrisisDirectory.from_file()
    assert directory.regions() == set(DATA["regions"])
    assert len(directory.directories()) == len(DATA["directories"])
