"""The lexicon risk detector: rates a text NONE, CONCERN or URGENT with the ids of the
rules that fired (never the text). See docs/safety.md, "Risk detection".

For each rule whose key words occur in the text, each phrase match is kept unless its
context cancels it:

- an idiom covers it ("dying to see", "kill myself laughing", "end it with him");
- a negator comes just before it in the same clause ("I'd never hurt myself");
- someone else is its subject, or someone else is being quoted ("my friend said she
  wants to die"): the detector rates the author's own risk only;
- it sits in a quotation of a song, film, book or the news;
- it is told in the distant past ("a year ago I wanted to die"), or in the past tense
  within a recovery story ("today I'm grateful"), unless the clause says it is back;
- it is a "goodbye" that the text explains as a break, a holiday or leaving the app.

The level is the highest kept rule's, raised to URGENT when an ideation phrase comes with a
timing cue ("tonight") in its sentence, or with a means emoji. When no phrase gives URGENT,
signal families (means, finality, timing, ideation), each kept or cancelled by the same
context checks, give URGENT in the pairs the lexicon's ``combos`` list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from domain.safety.lexicon import Lexicon, Negation, Rule, Tense, load
from domain.safety.model import RiskAssessment, RiskLevel
from domain.safety.text import Segments, normalise, words

VERSION = "lexicon-1"
TIMING_REASON = "timing"
MEANS_EMOJI_REASON = "means.emoji"


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule match that survived its context, with the level it was given."""

    rule: Rule
    level: RiskLevel
    reasons: tuple[str, ...]


class _Text:
    """A normalised text with what the context checks need, computed once per text."""

    __slots__ = ("norm", "segments", "tokens")

    def __init__(self, text: str) -> None:
        self.norm = normalise(text)
        self.segments = Segments(self.norm)
        self.tokens = self.segments.all_words()


class LexiconDetector:
    """A :class:`~domain.safety.model.RiskDetector` built on the per-language lexicons.

    A text in a language with a lexicon other than English is read with that lexicon and
    with the English one (members mix languages); any other language falls back to English.
    """

    def __init__(self, lexicons: dict[str, Lexicon] | None = None) -> None:
        self._lexicons = lexicons if lexicons is not None else {"en": load("en"), "es": load("es")}
        digests = "+".join(f"{k}.{v.digest}" for k, v in sorted(self._lexicons.items()))
        self._version = f"{VERSION}:{digests}"

    @property
    def version(self) -> str:
        return self._version

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        prepared = _Text(text)
        hits: list[Hit] = []
        for lexicon in self._lexicons_for(language):
            hits.extend(_hits(lexicon, prepared))
        if not hits:
            return RiskAssessment(RiskLevel.NONE, (), self._version)
        level = max(h.level for h in hits)
        reasons: list[str] = []
        for hit in sorted(hits, key=lambda h: -h.level):
            reasons.extend(r for r in hit.reasons if r not in reasons)
        return RiskAssessment(level, tuple(reasons), self._version)

    def _lexicons_for(self, language: str) -> list[Lexicon]:
        primary = (language or "en").split("-")[0].split("_")[0].lower()
        chosen = [self._lexicons[primary]] if primary in self._lexicons else []
        if "en" in self._lexicons and primary != "en":
            chosen.append(self._lexicons["en"])
        return chosen or list(self._lexicons.values())[:1]


@cache
def default_detector() -> LexiconDetector:
    """The detector the service uses, built once."""
    return LexiconDetector()


def _hits(lex: Lexicon, t: _Text) -> list[Hit]:
    tokens = t.tokens
    idiom_spans = [
        span
        for idiom in lex.idioms
        if not idiom.keys.isdisjoint(tokens)
        for span in _matches(idiom, t)
    ]
    context = _Context(lex, t)
    hits: list[Hit] = []
    for rule in lex.rules:
        if rule.keys.isdisjoint(tokens):
            continue
        start = _first_kept(rule, t, context, idiom_spans)
        if start is not None:
            hits.append(context.rate(rule, start))
    if hits and max(h.level for h in hits) == RiskLevel.CONCERN and context.means_emoji():
        hits.append(Hit(hits[0].rule, RiskLevel.URGENT, (MEANS_EMOJI_REASON,)))
    if lex.combos and not (hits and max(h.level for h in hits) == RiskLevel.URGENT):
        hits.extend(_combos(lex, t, context, idiom_spans))
    return hits


def _combos(
    lex: Lexicon, t: _Text, context: _Context, idiom_spans: list[tuple[int, int]]
) -> list[Hit]:
    """Ratings from families of signals that each survive their context in the text."""
    present = [n for n, f in lex.families.items() if not f.keys.isdisjoint(t.tokens)]
    if not any(set(present).issuperset(combo.families) for combo in lex.combos):
        return []
    found = {
        name
        for name in present
        if _first_kept(lex.families[name], t, context, idiom_spans) is not None
    }
    return [
        Hit(lex.families[combo.families[0]], combo.level, (combo.id,))
        for combo in lex.combos
        if found.issuperset(combo.families) and not context.post_has("leaving")
    ]


def _first_kept(
    rule: Rule, t: _Text, context: _Context, idiom_spans: list[tuple[int, int]]
) -> int | None:
    """Where the first match of ``rule`` starts that no idiom covers and no context cancels."""
    for start, end in _matches(rule, t):
        if any(s < end and start < e for s, e in idiom_spans) or context.cancels(rule, start, end):
            continue
        return start
    return None


def _matches(rule: Rule, t: _Text) -> Iterator[tuple[int, int]]:
    """The spans where the rule's phrase occurs, searching only sentences with its keys."""
    for s0, s1 in t.segments.spans_with(rule.keys):
        for m in rule.pattern.finditer(t.norm, s0, s1):
            yield m.span()


class _Context:
    """The context checks of one text against one lexicon; post-wide cues are cached."""

    def __init__(self, lex: Lexicon, t: _Text) -> None:
        self.lex, self.t = lex, t
        self._post: dict[str, bool] = {}

    def post_has(self, cue: str) -> bool:
        if cue not in self._post:
            found = self.lex.cues[cue]
            if not found.keys:
                self._post[cue] = found.search(self.t.tokens, self.t.norm)
            else:
                self._post[cue] = any(
                    found.pattern.search(self.t.norm, s0, s1)
                    for s0, s1 in self.t.segments.spans_with(found.keys)
                )
        return self._post[cue]

    def has(self, cue: str, start: int, end: int) -> bool:
        return self.post_has(cue) and self.lex.cues[cue].search(
            self.t.tokens, self.t.norm, start, end
        )

    def clause_start(self, sentence_start: int, pos: int) -> int:
        start = sentence_start
        for m in self.lex.clause_break.finditer(self.t.norm, sentence_start, pos):
            start = m.end()
        return start

    def cancels(self, rule: Rule, start: int, end: int) -> bool:
        s0, s1 = self.t.segments.sentence(start)
        clause = self.clause_start(s0, start)
        before = words(self.t.norm[clause:start])
        matched = words(self.t.norm[start:end])
        return (
            self._negated(rule, before, matched)
            or (rule.self_only and self._someone_else(before, s0, start))
            or self._quoting_media(start, end, s0)
            or self._in_the_past(rule, matched, s0, s1, clause, end)
            or (rule.weak_goodbye and self.post_has("leaving"))
            or (rule.needs is not None and not self.post_has(rule.needs))
        )

    def _negated(self, rule: Rule, before: list[str], matched: list[str]) -> bool:
        if rule.negation is Negation.NONE:
            return False
        window = before[-self.lex.negation_window :]
        if not self.lex.negators.isdisjoint(window):
            return True
        return rule.negation is Negation.INSIDE and not self.lex.negators.isdisjoint(matched)

    def _someone_else(self, before: list[str], sentence_start: int, start: int) -> bool:
        for word in reversed(before):
            if word in self.lex.adverbs:
                continue
            if word in self.lex.other_subjects:
                return True
            break
        return self.has("reported", sentence_start, start)

    def _quoting_media(self, start: int, end: int, sentence_start: int) -> bool:
        if not self.post_has("media"):
            return False
        if self.t.segments.quoted(start, end):
            return True
        return self.has("media", sentence_start, start) and self.has(
            "quote_verb", sentence_start, start
        )

    def _in_the_past(
        self, rule: Rule, matched: list[str], s0: int, s1: int, clause: int, end: int
    ) -> bool:
        """A distant-past marker in the sentence, or a past-tense phrase in a recovery
        story, unless the clause says it is happening again or recently."""
        recovery = self.post_has("recovery")
        past_phrase = recovery and not self.lex.past_verbs.isdisjoint(matched)
        distant = (
            rule.tense is Tense.SUPPRESS or (rule.tense is Tense.RECOVERY and recovery)
        ) and (self.has("distant_past", s0, s1))
        if not (past_phrase or distant):
            return False
        return not self.has("present_again", clause, self.clause_end(end, s1))

    def clause_end(self, pos: int, sentence_end: int) -> int:
        m = self.lex.clause_break.search(self.t.norm, pos, sentence_end)
        return m.start() if m else sentence_end

    def rate(self, rule: Rule, start: int) -> Hit:
        if rule.timing and rule.level < RiskLevel.URGENT:
            s0, s1 = self.t.segments.sentence(start)
            if self.has("timing", s0, s1):
                return Hit(rule, RiskLevel.URGENT, (rule.id, TIMING_REASON))
        return Hit(rule, rule.level, (rule.id,))

    def means_emoji(self) -> bool:
        return not self.lex.means_words.isdisjoint(self.t.tokens)
