"""Validation rules for member profiles.

Pseudonyms must not identify people, so display names and bios may not carry
an email address, a phone number or a web address.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from domain.errors import DomainError, ErrorCode
from domain.members.regions import REGION_CODES

DISPLAY_NAME_MIN = 2
DISPLAY_NAME_MAX = 40
BIO_MAX = 300
PRONOUNS_MAX = 40

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}", re.IGNORECASE)
_EMAIL_SPELLED = re.compile(
    r"\b[\w.+-]+\s*[\[(]?\s*(?:at)\s*[\])]?\s*[\w-]+\s*[\[(]?\s*(?:dot)\s*[\])]?\s*[a-z]{2,}\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?:\+|\b)\d(?:[\s().\-/]*\d){6,}")
_URL = re.compile(
    r"(?:\bhttps?://|\bwww\.|\b[\w-]+\.(?:com|net|org|io|co|me|app|info|biz|xyz|ly|gg|tv|"
    r"uk|de|fr|es|it|nl|ca|au|in|us|link|site|online|page|dev|ai)\b)",
    re.IGNORECASE,
)


_KEPT_FORMAT = frozenset("\n\u200c\u200d")  # newline, zero-width non-joiner and joiner


def _strip_controls(text: str) -> str:
    """Drop control and format characters, but keep newlines and the joiners that
    emoji sequences and scripts such as Persian need; tabs become spaces."""
    text = text.replace("\t", " ")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in _KEPT_FORMAT)


def normalize_display_name(raw: str) -> str:
    """NFKC-normalise, drop control characters and collapse white space."""
    text = _strip_controls(unicodedata.normalize("NFKC", raw)).replace("\n", " ")
    return " ".join(text.split())


def display_name_key(name: str) -> str:
    """The key under which display names are unique regardless of case."""
    return unicodedata.normalize("NFKC", name).casefold()


def normalize_text(raw: str) -> str:
    """Plain text: NFC, control characters except newlines removed, trimmed."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    return _strip_controls(text).strip()


def contains_contact_info(text: str) -> bool:
    """True when the text holds an email address, a phone number or a URL."""
    folded = unicodedata.normalize("NFKC", text)
    return any(p.search(folded) for p in (_EMAIL, _EMAIL_SPELLED, _PHONE, _URL))


def check_display_name(raw: str, field: tuple[str, ...]) -> tuple[str, list[DomainError]]:
    name = normalize_display_name(raw)
    errors: list[DomainError] = []
    if len(name) < DISPLAY_NAME_MIN:
        errors.append(
            DomainError(
                ErrorCode.TOO_SHORT,
                f"Display name needs at least {DISPLAY_NAME_MIN} characters.",
                field,
            )
        )
    elif len(name) > DISPLAY_NAME_MAX:
        errors.append(
            DomainError(
                ErrorCode.TOO_LONG,
                f"Display name can have at most {DISPLAY_NAME_MAX} characters.",
                field,
            )
        )
    elif contains_contact_info(name):
        errors.append(contact_error("displayName", field))
    return name, errors


def check_bio(raw: str | None, field: tuple[str, ...]) -> tuple[str | None, list[DomainError]]:
    if raw is None:
        return None, []
    bio = normalize_text(raw)
    if len(bio) > BIO_MAX:
        return bio, [
            DomainError(ErrorCode.TOO_LONG, f"Bio can have at most {BIO_MAX} characters.", field)
        ]
    if contains_contact_info(bio):
        return bio, [contact_error("bio", field)]
    return (bio or None), []


def check_pronouns(raw: str | None, field: tuple[str, ...]) -> tuple[str | None, list[DomainError]]:
    if raw is None:
        return None, []
    pronouns = normalize_display_name(raw)
    if len(pronouns) > PRONOUNS_MAX:
        return pronouns, [
            DomainError(
                ErrorCode.TOO_LONG, f"Pronouns can have at most {PRONOUNS_MAX} characters.", field
            )
        ]
    if contains_contact_info(pronouns):
        return pronouns, [contact_error("pronouns", field)]
    return (pronouns or None), []


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    """True for a canonical or linked IANA timezone name such as ``Europe/Paris``."""
    return name in _timezones()


def check_timezone(raw: str, field: tuple[str, ...]) -> tuple[str, list[DomainError]]:
    tz = raw.strip()
    if not is_timezone(tz):
        return tz, [
            DomainError(
                ErrorCode.UNKNOWN_TIMEZONE,
                "Timezone must be an IANA name such as Europe/London.",
                field,
            )
        ]
    return tz, []


def check_region(raw: str, field: tuple[str, ...]) -> tuple[str, list[DomainError]]:
    region = raw.strip().upper()
    if region not in REGION_CODES:
        return region, [
            DomainError(
                ErrorCode.UNKNOWN_REGION,
                "Region must be an ISO 3166 two-letter code such as GB.",
                field,
            )
        ]
    return region, []


def name_confusable(field: tuple[str, ...]) -> DomainError:
    """NAME_CONFUSABLE: the display name looks like another member's."""
    return DomainError(
        ErrorCode.NAME_CONFUSABLE,
        "That display name looks too much like another member's. Try another one, so "
        "nobody can be mistaken for someone else.",
        field,
    )


_WHAT = {"displayName": "display name", "bio": "bio", "pronouns": "pronouns"}


def contact_error(input_name: str, field: tuple[str, ...]) -> DomainError:
    """CONTAINS_CONTACT_INFO for the profile input ``input_name`` (e.g. ``bio``)."""
    return DomainError(
        ErrorCode.CONTAINS_CONTACT_INFO,
        f"Your {_WHAT[input_name]} can't include an email address, phone number, "
        "username or link: Hearth is pseudonymous, to keep you safe.",
        field,
    )
