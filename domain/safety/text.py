"""Text normalisation for the risk detector: one canonical form that the lexicon's phrases
and the members' texts are both put into, so that a phrase matches however it is typed.

The canonical form is lower case without accents, with straight quotes, apostrophes inside
words dropped ("I'm" -> "im", "can't" -> "cant"), a few digits-for-letters undone
("k1ll" -> "kill"), known emoji turned into words (a pill emoji -> " xpill "), runs of a
repeated letter folded to one ("diiiie" -> "die", and also "kill" -> "kil": the lexicon is
folded the same way) and whitespace collapsed, except that line breaks are kept as sentence
ends. Punctuation stays: sentences, clauses and quotations are found from it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

# Emoji that carry a meaning the lexicon can use. Everything else passes through untouched.
EMOJI_WORDS: dict[str, str] = {
    "\U0001f52a": "xknife",  # kitchen knife
    "\U0001f5e1": "xknife",  # dagger
    "\U0001fa92": "xknife",  # razor
    "\U0001f48a": "xpill",  # pill
    "\U0001f489": "xneedle",  # syringe
    "\U0001faa6": "xgrave",  # headstone
    "\u26b0": "xgrave",  # coffin
    "\u26b1": "xgrave",  # funeral urn
    "\U0001faa2": "xrope",  # knot
    "\U0001f52b": "xgun",  # pistol
    "\U0001fa78": "xblood",  # drop of blood
    "\U0001f480": "xskull",  # skull
    "\u2620": "xskull",  # skull and crossbones
    "\U0001f602": "xlaugh",  # face with tears of joy
    "\U0001f923": "xlaugh",  # rolling on the floor laughing
    "\U0001f606": "xlaugh",  # grinning squinting face
    "\U0001f605": "xlaugh",  # grinning face with sweat
    "\U0001f3b5": "xmusic",  # musical note
    "\U0001f3b6": "xmusic",  # musical notes
    "\u266a": "xmusic",  # eighth note
    "\u266b": "xmusic",  # beamed eighth notes
    "\U0001f3a4": "xmusic",  # microphone
    "\U0001f3ac": "xfilm",  # clapper board
    "\U0001f4fa": "xfilm",  # television
    "\U0001f44b": "xwave",  # waving hand
    "\U0001f54a": "xdove",  # dove
}

_TABLE: dict[int, str] = {ord(k): f" {v} " for k, v in EMOJI_WORDS.items()}
_TABLE.update({ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"})
_TABLE.update({ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u0060\u00b4\u2032"})
_TABLE.update({ord(c): " " for c in "\ufe0f\u200d\u200b\u00a0\t\r\f\v"})

_ACCENTS = re.compile(r"[\u0300-\u036f]+")
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_LEET = re.compile(r"(?<=[a-z])[0134@$](?=[a-z])")
_LEET_CHARS = re.compile(r"[0134@$]")
_LEET_MAP = {"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"}
_REPEATS = re.compile(r"(?<=([a-z]))\1+")
_SPACES = re.compile(r" {2,}")
_NEWLINES = re.compile(r" ?\n[\n ]*")
_WORD = re.compile(r"[a-z0-9_]+")


def fold_letters(text: str) -> str:
    """Fold each run of one repeated letter to a single letter ("sooo" -> "so")."""
    return _REPEATS.sub("", text)


def normalise(text: str) -> str:
    """Put ``text`` into the detector's canonical form (see the module docstring)."""
    text = text.translate(_TABLE)
    if not text.isascii():
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    text = text.casefold()
    if "'" in text:
        text = _INNER_APOSTROPHE.sub("", text)
    if _LEET_CHARS.search(text):
        text = _LEET.sub(lambda m: _LEET_MAP[m.group()], text)
    text = fold_letters(text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _NEWLINES.sub("\n", text)
    return text.strip()


def words(text: str) -> list[str]:
    """The words of a normalised text, in order."""
    return _WORD.findall(text)


_SENTENCE_END = re.compile(r"[.!?;\n]+")
_QUOTED = re.compile(r'"[^"\n]{1,400}"|(?<![a-z0-9])\'[^\'\n]{1,400}\'(?![a-z0-9])')


class Segments:
    """The sentences of a normalised text, each with the set of its words, and (found on
    first use) the quoted spans."""

    __slots__ = ("_quotes", "ends", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        starts, ends = [0], []
        for m in _SENTENCE_END.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.text = text
        self.starts: tuple[int, ...] = tuple(starts)
        self.ends: tuple[int, ...] = tuple(ends)
        self.words: tuple[frozenset[str], ...] = tuple(
            frozenset(_WORD.findall(text, s, e)) for s, e in zip(starts, ends, strict=True)
        )
        self._quotes: tuple[tuple[int, int], ...] | None = None

    def all_words(self) -> frozenset[str]:
        return frozenset().union(*self.words)

    def spans_with(self, keys: frozenset[str]) -> list[tuple[int, int]]:
        """The (start, end) of each sentence holding one of ``keys``."""
        return [
            (self.starts[i], self.ends[i])
            for i, found in enumerate(self.words)
            if not keys.isdisjoint(found)
        ]

    def sentence(self, pos: int) -> tuple[int, int]:
        """The (start, end) of the sentence holding position ``pos``."""
        i = max(bisect_right(self.starts, pos) - 1, 0)
        return self.starts[i], self.ends[i]

    def quoted(self, start: int, end: int) -> bool:
        """Whether the span lies inside a quotation."""
        if self._quotes is None:
            self._quotes = tuple(m.span() for m in _QUOTED.finditer(self.text))
        return any(q0 <= start and end <= q1 for q0, q1 in self._quotes)
