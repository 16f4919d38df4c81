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
from dataclasses import dataclass

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
_LEET_MAP = {"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"}
_REPEATS = re.compile(r"([a-z])\1+")
_SPACES = re.compile(r"[ ]+")
_NEWLINES = re.compile(r" ?\n[\n ]*")
_WORD = re.compile(r"[a-z0-9_]+")


def fold_letters(text: str) -> str:
    """Fold each run of one repeated letter to a single letter ("sooo" -> "so")."""
    return _REPEATS.sub(r"\1", text)


def normalise(text: str) -> str:
    """Put ``text`` into the detector's canonical form (see the module docstring)."""
    text = unicodedata.normalize("NFKD", text.translate(_TABLE)).casefold()
    text = _ACCENTS.sub("", text)
    text = _INNER_APOSTROPHE.sub("", text)
    text = _LEET.sub(lambda m: _LEET_MAP[m.group()], text)
    text = fold_letters(text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def words(text: str) -> list[str]:
    """The words of a normalised text, in order."""
    return _WORD.findall(text)


_SENTENCE_END = re.compile(r"[.!?;\n]+")
_QUOTED = re.compile(r'"[^"\n]{1,400}"|(?<![a-z0-9])\'[^\'\n]{1,400}\'(?![a-z0-9])')


@dataclass(frozen=True, slots=True)
class Segments:
    """Where the sentences and the quoted spans of a normalised text are."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    quotes: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, text: str) -> Segments:
        starts, ends = [0], []
        for m in _SENTENCE_END.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        quotes = tuple((m.start(), m.end()) for m in _QUOTED.finditer(text))
        return cls(tuple(starts), tuple(ends), quotes)

    def sentence(self, pos: int) -> tuple[int, int]:
        """The (start, end) of the sentence holding position ``pos``."""
        i = max(bisect_right(self.starts, pos) - 1, 0)
        return self.starts[i], self.ends[i]

    def quoted(self, start: int, end: int) -> bool:
        """Whether the span lies inside a quotation."""
        return any(q0 <= start and end <= q1 for q0, q1 in self.quotes)
