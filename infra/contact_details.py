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


def _phone_numbers(text: str, region: str) -> Iterator[ContactSpan]:
    region = region.upper() if region else "ZZ"
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = "ZZ"  # then only numbers written with +country code are found
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
        yield ContactSpan(ContactKind.PHONE, match.start, match.end)
