"""The risk lexicon: per-language phrase rules and context cues, kept as data in
``domain/safety/lexicon/<language>.json`` and compiled once into regular expressions.

A phrase is a regular expression over the normalised text (see :mod:`domain.safety.text`)
written with plain words, ``(a|b)`` alternatives, ``?`` and these macros:

- ``<gap>``: up to three words; ``<gap1>``: up to one word; ``<w>``: exactly one word;
- any name from the file's ``macros`` object, e.g. ``<me>`` for "me|myself".

Letters are folded like the texts are ("kill" is stored as "kil"), and each phrase is
bounded by word edges. A rule is only tried on a text that holds one of its ``keys``
(whole words), which keeps the detector fast however many rules there are.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from domain.safety.model import RiskLevel
from domain.safety.text import fold_letters, normalise

_MACRO = re.compile(r"<([a-z0-9_]+)>")
_BUILTIN = {
    "gap": r"(?:[a-z0-9_]+ ){0,3}",
    "gap1": r"(?:[a-z0-9_]+ )?",
    "w": r"[a-z0-9_]+",
}


class Negation(StrEnum):
    """Where a negator cancels a rule: in the words just before the phrase, also inside
    it (for phrases with fillers, "he has never hit me"), or nowhere (the phrase holds
    its own negation, "I don't want to live")."""

    BEFORE = "before"
    INSIDE = "inside"
    NONE = "none"


class Tense(StrEnum):
    """How a distant-past marker ("a year ago", "when I was 15") affects a rule: it
    cancels it, cancels it only in a recovery story, or does not."""

    SUPPRESS = "suppress"
    RECOVERY = "recovery"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    level: RiskLevel
    keys: frozenset[str]
    pattern: re.Pattern[str]
    negation: Negation = Negation.BEFORE
    tense: Tense = Tense.SUPPRESS
    self_only: bool = True  # cancelled when someone else is the subject
    timing: bool = False  # raised to URGENT by a timing cue in the same sentence
    weak_goodbye: bool = False  # cancelled by a cue that the member is only leaving
    needs: str | None = None  # a cue that must occur somewhere in the text


@dataclass(frozen=True, slots=True)
class Cue:
    """A context pattern (tense, recovery, media, timing...) gated by its keys."""

    keys: frozenset[str]
    pattern: re.Pattern[str]

    def search(self, tokens: frozenset[str], text: str, start: int = 0, end: int = -1) -> bool:
        if self.keys and self.keys.isdisjoint(tokens):
            return False
        return self.pattern.search(text, start, len(text) if end < 0 else end) is not None


@dataclass(frozen=True, slots=True)
class Combo:
    """A rating given when signals of several families (means, finality, timing...) each
    survive their context somewhere in the text, though no single phrase fired."""

    id: str
    level: RiskLevel
    families: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lexicon:
    language: str
    digest: str
    rules: tuple[Rule, ...]
    idioms: tuple[Rule, ...]
    negators: frozenset[str]
    negation_window: int
    clause_break: re.Pattern[str]
    adverbs: frozenset[str]
    other_subjects: frozenset[str]
    past_verbs: frozenset[str]
    means_words: frozenset[str]
    cues: dict[str, Cue]
    families: dict[str, Rule]
    combos: tuple[Combo, ...]


def _compile(source: str, macros: dict[str, str]) -> re.Pattern[str]:
    folded = fold_letters(source)

    def expand(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _BUILTIN:
            return _BUILTIN[name]
        return "(?:" + _MACRO.sub(expand, fold_letters(macros[name])) + ")"

    return re.compile(r"(?<![a-z0-9_])(?:" + _MACRO.sub(expand, folded) + r")(?![a-z0-9_])")


def _words(items: list[str]) -> frozenset[str]:
    return frozenset(normalise(w) for w in items)


_PLAIN = re.compile(r"[a-z0-9 ]+")


def _cue(spec: dict[str, Any], macros: dict[str, str]) -> Cue:
    """A cue's keys are given, or, when every alternative is plain words, the first word
    of each; a cue without keys is searched in every text that needs it."""
    keys = spec.get("keys")
    if keys is None and all(_PLAIN.fullmatch(alt) for alt in spec["any"]):
        keys = [alt.split()[0] for alt in spec["any"]]
    return Cue(_words(keys or []), _compile("|".join(spec["any"]), macros))


def _rule(spec: dict[str, Any], macros: dict[str, str]) -> Rule:
    return Rule(
        id=spec["id"],
        level=RiskLevel[spec.get("level", "NONE")],
        keys=_words(spec["keys"]),
        pattern=_compile("|".join(spec["any"]), macros),
        negation=Negation(spec.get("negation", "before")),
        tense=Tense(spec.get("tense", "suppress")),
        self_only=spec.get("self_only", True),
        timing=spec.get("timing", False),
        weak_goodbye=spec.get("weak_goodbye", False),
        needs=spec.get("needs"),
    )


def parse(raw: bytes) -> Lexicon:
    """Compile a lexicon from the bytes of its JSON file."""
    data = json.loads(raw)
    macros: dict[str, str] = data.get("macros", {})
    return Lexicon(
        language=data["language"],
        digest=hashlib.sha256(raw).hexdigest()[:8],
        rules=tuple(_rule(r, macros) for r in data["rules"]),
        idioms=tuple(_rule(r, macros) for r in data["idioms"]),
        negators=_words(data["negators"]),
        negation_window=int(data.get("negation_window", 4)),
        clause_break=_compile("|".join(data["clause_breaks"]), macros),
        adverbs=_words(data["adverbs"]),
        other_subjects=_words(data["other_subjects"]),
        past_verbs=_words(data["past_verbs"]),
        means_words=_words(data.get("means_words", [])),
        cues={name: _cue(spec, macros) for name, spec in data["cues"].items()},
        families={
            name: _rule({"id": name, **spec}, macros)
            for name, spec in data.get("families", {}).items()
        },
        combos=tuple(
            Combo(c["id"], RiskLevel[c["level"]], tuple(c["all"])) for c in data.get("combos", [])
        ),
    )


LANGUAGES = ("en", "es")


@cache
def load(language: str) -> Lexicon:
    """The compiled lexicon for ``language`` (one of :data:`LANGUAGES`), read once."""
    if language not in LANGUAGES:
        raise ValueError(f"no risk lexicon for language {language!r}")
    raw = resources.files("domain.safety").joinpath("lexicon", f"{language}.json").read_bytes()
    return parse(raw)
