"""The contact-details detector behind ``domain.safety.contact_details.ContactDetector``.

Phone numbers come from ``phonenumbers``' matcher (Google's libphonenumber data), with
the writer's region for local formats and ``Leniency.VALID``: only numbers that are
valid in a real numbering plan count, which keeps times, dates, prices, dosages,
years and counts out. E-mail addresses, handles, profile links and invitations to
another app are plain patterns below.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Iterator, Sequence

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from domain.safety.contact_details import ContactKind, ContactSpan

# Messenger and social apps as people write them, when a colon or "my … is" follows.
_APPS = (
    r"snap(?:chat)?|sc|insta(?:gram)?|ig|telegram|tg|whats\s?app|wa|discord|kik|wickr|"
    r"skype|wechat|viber|facebook|fb|messenger|tiktok|twitter|threads|reddit|imessage|"
    r"icq|onlyfans|tumblr|line\s+id"
)
# Apps named in an invitation ("message me on …", "move to …"): also everyday words
# such as signal or line, which only count with the invitation around them.
_INVITE_APPS = rf"{_APPS}|signal|line|session|x"
_STRONG_APPS = (  # names that are not everyday words, for "sam_99 on snap"
    r"snap(?:chat)?|insta(?:gram)?|telegram|whats\s?app|discord|kik|wickr|skype|wechat|"
    r"viber|facebook|messenger|tiktok|twitter|reddit|imessage|icq|onlyfans|tumblr"
)
_HANDLE_TEXT = r"@?[A-Za-z_][A-Za-z0-9_.#-]{1,40}"
_HANDLE_LOOKING = r"@?(?=[\w.#-]*[\d_.#])[A-Za-z_][A-Za-z0-9_.#-]{1,40}"  # has a digit, _ . or #
_NOT_A_HANDLE = (  # "my instagram is private"
    r"(?!(?:private|public|down|broken|dead|blocked|full|empty|new|old|gone|deleted|banned|"
    r"off|on|open|closed|the|a|an|not|so|too|very|just|still|really|mostly|only|also|fine|"
    r"ok|okay|boring|toxic|hacked|locked|disabled|inactive|active|great|bad|awful|where|"
    r"what|how|why|full|quiet|busy|dry)\b)"
)

# Each pattern comes with lower-case cues of which the text must hold one for the
# pattern to be tried at all: cheap tests that skip most texts.
_PATTERNS: tuple[tuple[ContactKind, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        ContactKind.EMAIL,
        ("@",),
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.IGNORECASE),
    ),
    (
        ContactKind.EMAIL,  # "sam at gmail dot com", "sam [at] mail (dot) co"
        ("dot",),
        re.compile(
            r"\b[\w.+-]+\s*[\[(]?\s*\bat\b\s*[\])]?\s*[\w-]+\s*[\[(]?\s*\bdot\b\s*[\])]?\s*"
            r"(?:com|net|org|co|uk|de|fr|in|br|jp|io|me|info|edu|gov)\b",
            re.IGNORECASE,
        ),
    ),
    (
        ContactKind.LINK,
        ("/",),
        re.compile(
            r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.(?:me|dog)|wa\.me|chat\.whatsapp\.com|"
            r"instagram\.com|instagr\.am|snapchat\.com|discord\.gg|discord(?:app)?\.com/"
            r"(?:invite|users)|m\.me|facebook\.com|fb\.com|fb\.me|kik\.me|tiktok\.com|"
            r"twitter\.com|x\.com|signal\.me|signal\.group|line\.me|onlyfans\.com|"
            r"reddit\.com/u(?:ser)?|threads\.net|skype\.com)/[^\s]+",
            re.IGNORECASE,
        ),
    ),
    (
        ContactKind.INVITATION,  # "add me on snap", "message me on telegram: sam_1"
        ("me",),
        re.compile(
            r"\b(?:add|message|msg|dm|pm|text|find|follow|hit|hmu|reach|contact|call|ping|"
            r"write|talk\s+to|chat\s+with|friend)\s+me\s+(?:up\s+)?(?:on|at|via|over|in|through)"
            rf"\s+(?:{_INVITE_APPS})\b(?:\s*[:=]\s*{_HANDLE_TEXT}|\s+{_HANDLE_LOOKING})?",
            re.IGNORECASE,
        ),
    ),
    (
        ContactKind.INVITATION,  # "let's move to telegram", "switch over to discord"
        ("to",),
        re.compile(
            r"\b(?:move|moving|switch|go|continue|take\s+(?:this|it)|talk|chat|come|"
            r"jump|head)\s+(?:over\s+)?to\s+(?:my\s+)?"
            rf"(?:{_STRONG_APPS}|signal|line|session)\b(?:\s*[:=]\s*{_HANDLE_TEXT})?",
            re.IGNORECASE,
        ),
    ),
    (
        ContactKind.HANDLE,  # "snap: sam_99", "discord = sam#1234", "ig - sam.x"
        (":", "="),
        re.compile(
            rf"\b(?:{_APPS})\s*(?:id|name|handle|username|user)?\s*[:=]\s*{_HANDLE_TEXT}",
            re.IGNORECASE,
        ),
    ),
    (
        ContactKind.HANDLE,  # "my snap is sam_99", "my telegram handle is @sam"
        ("my",),
        re.compile(
            rf"\bmy\s+(?:{_APPS})\s*(?:id|name|handle|username|user|account|number|@)?\s*"
            rf"(?:is|'s)\s+{_NOT_A_HANDLE}{_HANDLE_TEXT}",
            re.IGNORECASE,
        ),
    ),
    (
        ContactKind.HANDLE,  # "@sam_99"; not "meet @ 5" or "@5pm" (a handle starts with a letter)
        ("@",),
        re.compile(r"(?<![\w@.])@[A-Za-z_][A-Za-z0-9_.]{1,29}(?<!\.)"),
    ),
    (
        ContactKind.HANDLE,  # "sam_99 on snap", "sam.x on insta" (a handle-looking word)
        (" on ", " at "),
        re.compile(
            rf"(?<![\w@])(?=[\w.]*[\d_.])[A-Za-z][\w.]{{2,30}}\s+(?:on|at)\s+(?:{_STRONG_APPS})\b",
            re.IGNORECASE,
        ),
    ),
)


class ContactDetails:
    """Implements ``ContactDetector``. Texts longer than :attr:`INLINE_CHARS` are read
    on a worker thread: a 5,000-character post full of numbers takes tens of
    milliseconds (``bench/contact_details.py``), which must not stall the event loop."""

    INLINE_CHARS = 500

    async def find(self, text: str, region: str) -> Sequence[ContactSpan]:
        if len(text) <= self.INLINE_CHARS:
            return find_contact_details(text, region)
        return await asyncio.to_thread(find_contact_details, text, region)


def find_contact_details(text: str, region: str) -> list[ContactSpan]:
    """Every contact detail in ``text`` (overlapping spans are the caller's to merge)."""
    folded = _fold(text)
    lowered = folded.lower()
    spans = list(_phone_numbers(folded, region)) if any(c.isdigit() for c in folded) else []
    spans += [
        ContactSpan(kind, m.start(), m.end())
        for kind, cues, pattern in _PATTERNS
        if any(cue in lowered for cue in cues)
        for m in pattern.finditer(folded)
    ]
    return spans


def _fold(text: str) -> str:
    """NFKC, character by character, so that offsets stay those of ``text``: full-width
    and mathematical letters and digits read as plain ones."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


# A stretch of digits and the separators numbers are written with. Not a phone pattern:
# it only cuts the text into stretches that phonenumbers then judges.
_DIGIT_STRETCH = re.compile(r"\+?\(?\d[\d \t().\-/]*\d\)?")
_GROUP = re.compile(r"\S+")
_MIN_DIGITS = 6  # no region's phone numbers are shorter (emergency numbers aside)
_MAX_GROUPS = 6  # "+44 (0) 7911 123 456" has 5
_MAX_PARSES = 1_000  # runs looked at per text, beyond what the matcher read


def _phone_numbers(text: str, region: str) -> Iterator[ContactSpan]:
    """Phone numbers as phonenumbers' matcher finds them, plus those it misses when
    other digits stand right before or after them ("at 10:30 07911 123456", "sam_99
    07911 123456"): the matcher reads such a stretch as one invalid number, so runs of
    up to :data:`_MAX_GROUPS` whole groups of a stretch are parsed on their own,
    longest first (runs that read as counting are not), at most
    :data:`_MAX_PARSES` per text so that a wall of digits costs little."""
    region = region.upper() if region else "ZZ"
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = "ZZ"  # then only numbers written with +country code are found
    found = [(m.start, m.end) for m in PhoneNumberMatcher(text, region, leniency=Leniency.VALID)]
    budget = [_MAX_PARSES]
    for stretch in _DIGIT_STRETCH.finditer(text):
        if sum(c.isdigit() for c in stretch.group()) < _MIN_DIGITS or any(
            start <= stretch.start() and stretch.end() <= end for start, end in found
        ):
            continue
        _numbers_in_stretch(stretch, region, found, budget)
    for start, end in found:
        yield ContactSpan(ContactKind.PHONE, start, end)


def _reads_as_counting(piece: str) -> bool:
    """Groups of one digit ("1 2 3 4 …"; a leading "+1" aside), or only of one or two
    ("9 10 11 12 …", "20 30 40 50 60"), read as counting, not as a phone number."""
    groups = piece.split()
    sizes = [sum(c.isdigit() for c in group) for group in groups]
    lone = any(size == 1 and not g.startswith("+") for size, g in zip(sizes, groups, strict=True))
    return lone or max(sizes) < 3


def _numbers_in_stretch(
    stretch: re.Match[str], region: str, found: list[tuple[int, int]], budget: list[int]
) -> None:
    groups = list(_GROUP.finditer(stretch.group()))
    offset = stretch.start()
    for size in range(min(len(groups), _MAX_GROUPS), 0, -1):
        for first in range(len(groups) - size + 1):
            start = offset + groups[first].start()
            end = offset + groups[first + size - 1].end()
            if budget[0] <= 0:
                return
            budget[0] -= 1
            piece = stretch.string[start:end]
            if (
                any(s < end and start < e for s, e in found)
                or sum(c.isdigit() for c in piece) < _MIN_DIGITS
                or _reads_as_counting(piece)
            ):
                continue
            if _is_valid_number(piece, region):
                found.append((start, end))


def _is_valid_number(piece: str, region: str) -> bool:
    """A cheap parse first, then the matcher, whose checks keep dates and times out."""
    try:
        number = phonenumbers.parse(piece, region)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number):
        return False
    return any(
        m.start == 0 and m.end == len(piece)
        for m in PhoneNumberMatcher(piece, region, leniency=Leniency.VALID)
    )
