"""Properties of the real contact-details detector: masking leaves nothing it would
find again, and what members write around contact details is kept."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.safety.contact_details import MASK, mask_contact_details
from infra.contact_details import ContactDetails

ORDINARY = [
    "I",
    "feel",
    "better",
    "today,",
    "at 10:30",
    "on 12/05/2026",
    "£45.99",
    "20 mg",
    "since 2019",
    "3 kids",
    "meet @ 5",
    "the line",
    "thanks!",
    "\u2764\ufe0f",
]
CONTACTS = [
    "07911 123456",
    "+1 415 867 5309",
    "sam@example.com",
    "snap: sam_99",
    "@sam_99",
    "add me on kik",
    "my discord is sam#1234",
    "t.me/sammy",
    "let's move to telegram",
]
DETECTOR = ContactDetails()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ORDINARY + CONTACTS), min_size=1, max_size=12))
def test_masking_leaves_nothing_to_find_and_keeps_ordinary_words(words: list[str]) -> None:
    text = " ".join(words)

    masked = asyncio.run(mask_contact_details(text, "GB", DETECTOR))

    again = asyncio.run(DETECTOR.find(masked.text, "GB"))
    assert again == [], (text, masked.text)
    assert masked.changed == any(word in CONTACTS for word in words)
    for contact in CONTACTS:
        assert contact not in masked.text
    if not masked.changed:
        assert masked.text == text
    assert MASK not in text
