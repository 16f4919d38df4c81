"""Profile rules: what counts as contact information, and how text is normalised."""

# Full-width and non-Latin look-alikes are the point of several cases here.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from domain.errors import ErrorCode
from domain.members import rules

FIELD = ("input", "displayName")


# --- contact information ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a@b.com",
        "mail me: sam.doe+hearth@mail.example.co.uk",
        "SAM@EXAMPLE.ORG",
        "sam＠gmail．com",  # full-width characters, folded by NFKC
        "sam at gmail dot com",
        "sam (at) gmail (dot) com",
        "sam [at] gmail [dot] com",
        "SAM AT GMAIL DOT COM",
    ],
)
def test_email_addresses_are_contact_info_even_when_spelled_out(text: str) -> None:
    assert rules.contains_contact_info(text)


@pytest.mark.parametrize(
    "text",
    [
        "+44 7700 900123",
        "07700900123",
        "(555) 123-4567",
        "555.123.4567",
        "555-123-4567",
        "555/123/4567",
        "call 0 7 7 0 0 9 0 0 1 2 3",
        "+１ ５５５ １２３ ４５６７",  # full-width digits
    ],
)
def test_phone_numbers_are_contact_info_whatever_the_separators(text: str) -> None:
    assert rules.contains_contact_info(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://example.org/me",
        "http://localhost",
        "www.example.org",
        "example.com",
        "my-site.io",
        "find me on instagram.com/sam",
        "t.me/sam",
        "bit.ly/abc",
        "HTTPS://EXAMPLE.ORG",
    ],
)
def test_web_addresses_are_contact_info(text: str) -> None:
    assert rules.contains_contact_info(text)


@pytest.mark.parametrize(
    "text",
    [
        "Sam 2024",
        "J. Doe",
        "Anne-Marie",
        "O'Brien",
        "Dr. Who",
        "Mr. T",
        "St. Louis",
        "No. 5",
        "Class of 2019",
        "Room 101",
        "Sam 24/7",
        "3 kids, 2 cats",
        "10,000 steps a day",
        "I was at home",
        "looking at the stars",
        "Zoë",
        "محمد",
        "שלום",
        "🌱 gardener",
    ],
)
def test_ordinary_names_and_sentences_are_not_contact_info(text: str) -> None:
    assert not rules.contains_contact_info(text)


# --- display names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Sam 2024", "J. Doe", "Anne-Marie", "Zoë", "محمد الصغير", "Fox 🦊"]
)
def test_these_display_names_are_accepted(name: str) -> None:
    assert rules.check_display_name(name, FIELD) == (name, [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Quiet   Fox  ", "Quiet Fox"),
        ("Quiet\n\nFox\n", "Quiet Fox"),
        ("Quiet\u00a0\u2003Fox", "Quiet Fox"),  # no-break and em spaces
        ("Ｑｕｉｅｔ Ｆｏｘ", "Quiet Fox"),  # full-width letters (NFKC)
        ("ﬁne Fox", "fine Fox"),  # the "fi" ligature (NFKC)
        ("Cafe\u0301", "Café"),  # combining accent composed
    ],
)
def test_display_names_are_nfkc_normalised_and_whitespace_collapsed(
    raw: str, expected: str
) -> None:
    name, errors = rules.check_display_name(raw, FIELD)

    assert (name, errors) == (expected, [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Quiet\x00Fox", "QuietFox"),
        ("Quiet\x07 Fox\x1b", "Quiet Fox"),
        ("Quiet\u202eFox", "QuietFox"),  # right-to-left override (spoofing)
        ("Quiet\u200bFox", "QuietFox"),  # zero-width space
        ("\ufeffQuiet Fox", "Quiet Fox"),  # byte-order mark
    ],
)
def test_control_and_invisible_format_characters_are_removed(raw: str, expected: str) -> None:
    assert rules.normalize_display_name(raw) == expected


def test_right_to_left_text_and_emoji_are_kept() -> None:
    for text in ("שלום עולם", "مرحبا Sam", "🇬🇧 Fox", "👍🏽 ok", "❤️ Fox"):
        assert rules.normalize_display_name(text) == text
        assert rules.normalize_text(text) == text


@pytest.mark.parametrize("text", ["Gardening 👩\u200d🌾", "❤️\u200d🔥 Fox", "می\u200cخواهم"])
def test_joiners_inside_emoji_and_words_are_kept(text: str) -> None:
    assert rules.normalize_text(text) == text


def test_a_tab_between_words_is_white_space() -> None:
    assert rules.normalize_display_name("Quiet\tFox") == "Quiet Fox"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("A", ErrorCode.TOO_SHORT),
        ("   A   ", ErrorCode.TOO_SHORT),
        ("\x00\x01", ErrorCode.TOO_SHORT),
        ("x" * 41, ErrorCode.TOO_LONG),
        ("reach me a@b.com", ErrorCode.CONTAINS_CONTACT_INFO),
        ("Fox 555 123 4567", ErrorCode.CONTAINS_CONTACT_INFO),
    ],
)
def test_a_bad_display_name_is_one_error_on_its_field(raw: str, code: ErrorCode) -> None:
    _, errors = rules.check_display_name(raw, FIELD)

    assert [(e.code, e.field) for e in errors] == [(code, FIELD)]
    assert errors[0].message


def test_display_name_length_is_counted_after_normalisation() -> None:
    assert rules.check_display_name("  " + "x" * 40 + "  ", FIELD)[1] == []
    assert rules.check_display_name("x" * 2, FIELD)[1] == []


def test_display_names_are_unique_regardless_of_case_and_width() -> None:
    keys = {rules.display_name_key(n) for n in ("Quiet Fox", "QUIET FOX", "Ｑｕｉｅｔ fox")}

    assert keys == {"quiet fox"}
    assert rules.display_name_key("Straße") == rules.display_name_key("STRASSE")


# --- bios, pronouns, timezones, regions --------------------------------------------------


def test_a_bio_keeps_its_line_breaks_but_not_control_characters() -> None:
    bio, errors = rules.check_bio("  Line one\r\nLine two\x07\rLine three  ", ("input", "bio"))

    assert (bio, errors) == ("Line one\nLine two\nLine three", [])


def test_an_empty_bio_or_pronouns_clears_them() -> None:
    assert rules.check_bio("   ", ("input", "bio")) == (None, [])
    assert rules.check_pronouns(" ", ("input", "pronouns")) == (None, [])
    assert rules.check_bio(None, ("input", "bio")) == (None, [])


def test_bio_and_pronouns_limits() -> None:
    assert rules.check_bio("x" * 300, ("b",))[1] == []
    assert [e.code for e in rules.check_bio("x" * 301, ("b",))[1]] == [ErrorCode.TOO_LONG]
    assert [e.code for e in rules.check_pronouns("x" * 41, ("p",))[1]] == [ErrorCode.TOO_LONG]
    assert [e.code for e in rules.check_bio("dm me at sam dot com", ("b",))[1]] == [
        ErrorCode.CONTAINS_CONTACT_INFO
    ]
    assert [e.code for e in rules.check_pronouns("x@y.io", ("p",))[1]] == [
        ErrorCode.CONTAINS_CONTACT_INFO
    ]


@pytest.mark.parametrize(
    "tz", ["Europe/London", "America/Argentina/Buenos_Aires", "UTC", "Asia/Calcutta"]
)
def test_iana_timezones_are_accepted(tz: str) -> None:
    assert rules.check_timezone(f" {tz} ", ("t",)) == (tz, [])


@pytest.mark.parametrize("tz", ["Mars/Olympus", "europe/london", "GMT+1", "", "+01:00"])
def test_other_timezones_are_refused(tz: str) -> None:
    assert [e.code for e in rules.check_timezone(tz, ("t",))[1]] == [ErrorCode.UNKNOWN_TIMEZONE]


def test_regions_are_iso_codes_in_any_case() -> None:
    assert rules.check_region(" gb ", ("r",)) == ("GB", [])
    assert [e.code for e in rules.check_region("XX", ("r",))[1]] == [ErrorCode.UNKNOWN_REGION]
    assert [e.code for e in rules.check_region("GBR", ("r",))[1]] == [ErrorCode.UNKNOWN_REGION]
