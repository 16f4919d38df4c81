"""Cache identity for normalised client caches (Apollo, Relay, urql).

Walks the built schema through graphql-core's introspection and lists every object
type that a client receives in a list or in a mutation payload. Each must have an
`id` (so the cache can merge and update it) unless it is in ``VALUE_TYPES`` below:
types without identity of their own that a cache stores inside their parent. The
same list is in docs/api.md ("Cache identity"). Every payload must also hand back
what it changed (an object with an `id`, or an ID to evict) unless it is in
``PAYLOADS_WITHOUT_ENTITY``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from graphql import get_introspection_query, graphql_sync

from api.wiring import build_schema

ROOT = Path(__file__).resolve().parents[2]

# Wrappers: they are never cached on their own.
WRAPPER_SUFFIXES = ("Payload", "Connection", "Edge")
WRAPPERS = {"PageInfo", "UserError"}

# Value types: no identity of their own; a cache keeps them inside their parent.
VALUE_TYPES = {
    "CheckInDayMood": "a computed summary row of CheckInInsights (day, mood, count)",
    "EmotionCount": "a computed summary row of CheckInInsights (emotion, count)",
    "ReactionCount": "a count of one reaction kind on its post or reply",
    "ReasonCount": "a count of one report reason on its ModerationQueueItem",
    "ContentNotice": "an advisory about the text just sent, in a payload only",
    "SafetyPrompt": "crisis support offered with a payload, computed per request",
    "CrisisService": "a row of static, per-region directory data",
    "EmergencyNumber": "a row of static, per-region directory data",
    "HelplineDirectory": "static, per-region directory data",
    "CrisisResources": "static, per-region directory data",
    "SupportGuideSection": "static guide text, versioned by SupportGuide.version",
    "SupportGuideSource": "static guide text, versioned by SupportGuide.version",
    "AwaitingSupportItem": "a computed view of its post (which has the id) in a list",
}

# Payloads whose change lives in no cached entity with an id (or that answer a yes/no).
PAYLOADS_WITHOUT_ENTITY = {
    "AskSomeoneToReachOutPayload": "a request to the safety team; nothing the member can read",
    "ImSafeRightNowPayload": "an answer recorded for the safety team; nothing to read back",
    "MarkNotificationsReadPayload": "marks many at once: set readAt locally or refetch",
    "SetSafetyOnCallPayload": "the staff member's on-call flag (a Boolean)",
    "WithdrawHealthDataConsentPayload": "deletes every check-in: refetch `me`",
    "MuteTopicsPayload": "returns the muted topics; `me.mutedTopics` is a list of enums",
}


def _introspect() -> dict[str, Any]:
    schema = build_schema()._schema
    result = graphql_sync(schema, get_introspection_query(descriptions=False))
    assert result.errors is None
    assert result.data is not None
    return {t["name"]: t for t in result.data["__schema"]["types"]}


TYPES = _introspect()


def _named(ref: dict[str, Any]) -> tuple[str, bool]:
    """The named type behind a field type, and whether a list wraps it."""
    listed = False
    while ref["kind"] in ("NON_NULL", "LIST"):
        listed = listed or ref["kind"] == "LIST"
        ref = ref["ofType"]
    return ref["name"], listed


def _objects(name: str) -> list[str]:
    t = TYPES[name]
    if t["kind"] == "OBJECT":
        return [name]
    if t["kind"] in ("INTERFACE", "UNION"):
        return [p["name"] for p in t["possibleTypes"] or []]
    return []


def _is_wrapper(name: str) -> bool:
    return name in WRAPPERS or name.endswith(WRAPPER_SUFFIXES)


def _received_in_lists_and_payloads() -> dict[str, str]:
    """Every object type reached through a list field or a payload field, with where."""
    found: dict[str, str] = {}
    roots = {"Mutation"}
    for name, t in TYPES.items():
        if t["kind"] != "OBJECT" or name.startswith("__"):
            continue
        for field in t["fields"] or []:
            target, listed = _named(field["type"])
            if listed or name.endswith("Payload") or name in roots:
                for obj in _objects(target):
                    found.setdefault(obj, f"{name}.{field['name']}")
    return found


def _has_id(name: str) -> bool:
    return any(f["name"] == "id" for f in TYPES[name]["fields"] or [])


def test_every_entity_in_a_list_or_a_payload_has_an_id() -> None:
    reached = _received_in_lists_and_payloads()
    missing = sorted(
        f"{name} (via {where})"
        for name, where in reached.items()
        if not _is_wrapper(name) and name not in VALUE_TYPES and not _has_id(name)
    )
    assert missing == [], f"types without `id` that caches cannot normalise: {missing}"
    # the walk reaches the types the issue named
    for name in ("CircleMember", "SharedCheckIn", "ViewerMembership", "Device", "InviteType"):
        assert name in reached, name
        assert _has_id(name), name


def test_the_value_type_list_is_current() -> None:
    reached = _received_in_lists_and_payloads()
    for name in VALUE_TYPES:
        assert name in TYPES, f"{name} is no longer in the schema: drop it from VALUE_TYPES"
        assert not _has_id(name), f"{name} has an id now: drop it from VALUE_TYPES"
        assert name in reached, f"{name} is not in a list or a payload: drop it"
    docs = (ROOT / "docs" / "api.md").read_text()
    for name in VALUE_TYPES:
        assert f"`{name}`" in docs, f"docs/api.md does not list the value type {name}"


def _hands_back_an_entity(payload: str) -> bool:
    for field in TYPES[payload]["fields"]:
        if field["name"] == "userErrors":
            continue
        target, _ = _named(field["type"])
        if target == "ID":
            return True
        if any(_has_id(o) for o in _objects(target)):
            return True
    return False


@pytest.mark.parametrize(
    "payload", sorted(n for n in TYPES if n.endswith("Payload") and not n.startswith("__"))
)
def test_every_payload_hands_back_what_it_changed(payload: str) -> None:
    if payload in PAYLOADS_WITHOUT_ENTITY:
        assert not _hands_back_an_entity(payload), f"{payload} returns an entity now"
        return
    assert _hands_back_an_entity(payload), (
        f"{payload} returns no object with an id and no ID: caches cannot update"
    )


def test_nodes_are_interfaces_of_the_new_entities() -> None:
    node = {p["name"] for p in TYPES["Node"]["possibleTypes"]}
    assert {"CircleMember", "SharedCheckIn", "ViewerMembership", "Device"} <= node
