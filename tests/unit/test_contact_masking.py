"""Masking contact details: spans are replaced once each, overlaps merged."""

from __future__ import annotations

from collections.abc import Sequence

from domain.safety.contact_details import (
    MASK,
    ContactKind,
    ContactSpan,
    kinds_from_text,
    kinds_to_text,
    mask_contact_details,
)


class FixedSpans:
    """A ContactDetector fake that reports given spans."""

    def __init__(self, *spans: ContactSpan) -> None:
        self.spans = spans
        self.regions: list[str] = []

    async def find(self, text: str, region: str) -> Sequence[ContactSpan]:
        self.regions.append(region)
        return self.spans


async def test_nothing_found_keeps_the_text() -> None:
    masked = await mask_contact_details("hello", "GB", FixedSpans())
    assert (masked.text, masked.kinds, masked.changed) == ("hello", (), False)


async def test_each_span_becomes_one_mask_and_the_region_is_passed_on() -> None:
    text = "a 0123 b x@y.z c"
    detector = FixedSpans(
        ContactSpan(ContactKind.EMAIL, 9, 14), ContactSpan(ContactKind.PHONE, 2, 6)
    )
    masked = await mask_contact_details(text, "DE", detector)
    assert masked.text == f"a {MASK} b {MASK} c"
    assert masked.kinds == (ContactKind.EMAIL, ContactKind.PHONE)
    assert detector.regions == ["DE"]


async def test_overlapping_and_nested_spans_merge_into_one_mask() -> None:
    text = "add me on snap: sam_99 ok"
    detector = FixedSpans(
        ContactSpan(ContactKind.INVITATION, 0, 14),
        ContactSpan(ContactKind.HANDLE, 10, 22),
        ContactSpan(ContactKind.HANDLE, 16, 22),
    )
    masked = await mask_contact_details(text, "GB", detector)
    assert masked.text == f"{MASK} ok"
    assert masked.kinds == (ContactKind.HANDLE, ContactKind.INVITATION)


def test_kinds_round_trip_through_their_stored_text() -> None:
    kinds = (ContactKind.PHONE, ContactKind.EMAIL, ContactKind.PHONE)
    assert kinds_to_text(kinds) == "EMAIL,PHONE"
    assert kinds_from_text("EMAIL,PHONE") == (ContactKind.EMAIL, ContactKind.PHONE)
    assert kinds_to_text(()) is None
    assert kinds_from_text(None) == ()
