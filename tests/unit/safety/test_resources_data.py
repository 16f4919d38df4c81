"""The trusted-information data file: valid against its JSON Schema, every entry
sourced and dated, every topic covered, and every entry in the verification log."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from domain.circles.model import Topic
from infra.safety.resources import RESOURCES_FILE, SCHEMA_FILE, load_catalog

ROOT = Path(__file__).resolve().parents[3]
LOG = ROOT / "docs" / "trusted-information-log.md"
MIN_PER_TOPIC = 3
REVIEWED = date(2026, 12, 5)


def document() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(RESOURCES_FILE.read_text(encoding="utf-8"))
    return loaded


def test_the_schema_is_a_valid_json_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_data_file_validates_against_its_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document())]
    assert errors == []


def test_the_schema_refuses_an_entry_without_a_source_or_review_date() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    entry = dict(document()["resources"][0])  # type: ignore[index]
    for missing in ("url", "reviewed_on", "publisher", "summary"):
        broken = {k: v for k, v in entry.items() if k != missing}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"version": 1, "resources": [broken]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"version": 1, "resources": [{**entry, "url": "http://example.org/"}]}, schema
        )


def test_every_entry_has_a_source_url_and_was_reviewed_when_verified() -> None:
    catalog = load_catalog()
    for resource in catalog.all():
        parts = urlsplit(resource.url)
        assert parts.scheme == "https", resource.slug
        assert parts.netloc, resource.slug
        assert resource.reviewed_on == REVIEWED, resource.slug
        assert len(resource.summary) <= 200
        assert "\n" not in resource.summary


def test_slugs_and_urls_are_unique() -> None:
    catalog = load_catalog()
    resources = catalog.all()
    assert len({r.slug for r in resources}) == len(resources)
    assert len({r.url for r in resources}) == len(resources)


# Topics where fewer than MIN_PER_TOPIC entries could be verified on the publisher's own
# page, with how many ship. docs/safety.md ("Shortfall") says why. An unverified entry is
# never added to make up the number. Empty since the second review pass on 2026-12-05:
# every topic has at least MIN_PER_TOPIC entries. If an entry is retired and a topic
# drops below, list it here with its exact count and document it in docs/safety.md.
VERIFIED_SHORTFALL: dict[Topic, int] = {}


def test_every_topic_has_three_resources_or_its_verified_shortfall_is_documented() -> None:
    counts = Counter(t for r in load_catalog().all() for t in r.topics)
    for topic in Topic:
        if topic in VERIFIED_SHORTFALL:
            assert counts[topic] == VERIFIED_SHORTFALL[topic] < MIN_PER_TOPIC, topic
        else:
            assert counts[topic] >= MIN_PER_TOPIC, topic


def test_the_docs_name_every_topic_that_falls_short() -> None:
    safety = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
    section = safety[safety.index("### Shortfall") :]
    for topic in VERIFIED_SHORTFALL:
        assert f"`{topic.value}`" in section, topic


def test_every_entry_is_in_the_verification_log() -> None:
    log = LOG.read_text(encoding="utf-8")
    missing = [r.slug for r in load_catalog().all() if r.url not in log or r.slug not in log]
    assert missing == []
