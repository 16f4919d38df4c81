"""Properties of the risk detector on arbitrary input, and of its lexicon's key gating."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.safety.detector import LexiconDetector, default_detector
from domain.safety.lexicon import LANGUAGES, load
from domain.safety.model import RiskLevel
from domain.safety.text import Segments, normalise
from tests.unit.safety.labelled import SETS, examples

# Arbitrary text, and text assembled from words the lexicon cares about (so that rules,
# idioms, negation and quotation handling all run, not only the early exits).
WORDS = [
    "i",
    "im",
    "not",
    "never",
    "want",
    "to",
    "die",
    "kill",
    "myself",
    "tonight",
    "pills",
    "ready",
    "goodbye",
    "everyone",
    "last",
    "post",
    "he",
    "hits",
    "me",
    "song",
    "said",
    "my",
    "friend",
    "she",
    "a",
    "year",
    "ago",
    "today",
    "grateful",
    "lol",
    "💊",
    "🔪",
    '"',
    ",",
    ".",
    "!",
    "\n",
    "cant",
    "go",
    "on",
    "end",
    "it",
    "all",
    "with",
    "him",
    "dont",
    "wake",
    "up",
    "burden",
    "better",
    "off",
    "without",
    "me",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
)
languages = st.sampled_from(["en", "es", "es-MX", "fr", "", "EN_gb"])


@settings(max_examples=300, deadline=None)
@given(text=texts, language=languages)
def test_assess_never_raises_and_gives_reasons_exactly_when_it_alerts(
    text: str, language: str
) -> None:
    result = default_detector().assess(text, language)
    assert result.level in RiskLevel
    assert bool(result.reasons) == (result.level > RiskLevel.NONE)
    assert all(isinstance(reason, str) and reason for reason in result.reasons)


@settings(max_examples=150, deadline=None)
@given(text=texts, language=languages)
def test_assess_is_deterministic(text: str, language: str) -> None:
    first = default_detector().assess(text, language)
    assert default_detector().assess(text, language) == first
    assert LexiconDetector().assess(text, language) == first


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("I\u2019m SO done", "im so done"),
        ("can't, won't, don't", "cant, wont, dont"),
        ("diiiiie noooo", "die no"),
        ("k1ll mys3lf", "kil myself"),
        ("pills \U0001f48a\U0001f48a", "pils xpil xpil"),
        ("\u201cquoted\u201d", '"quoted"'),
        ("caf\u00e9   ma\u00f1ana", "cafe manana"),
        ("one\n\n\ntwo", "one\ntwo"),
    ],
)
def test_normalise_folds_case_quotes_apostrophes_repeats_leet_emoji_and_accents(
    raw: str, normal: str
) -> None:
    assert normalise(raw) == normal


def test_segments_find_sentences_and_quotes() -> None:
    text = normalise('I said "hi there". Then left!')
    seg = Segments(text)
    start, end = seg.sentence(text.index("then"))
    assert text[start:end].strip() == "then left"
    assert seg.quoted(text.index("hi"), text.index("there") + 5)
    assert not seg.quoted(text.index("then"), text.index("left"))


@pytest.mark.parametrize("language", sorted(SETS))
def test_every_phrase_match_in_the_labelled_texts_holds_one_of_its_keys(language: str) -> None:
    """A rule is only tried on texts holding one of its keys; a phrase that can match
    without any key would be silently skipped. Check every rule, idiom, family and cue."""
    lexicon = load(language)
    patterns = [
        *((r.id, r.keys, r.pattern) for r in lexicon.rules),
        *((r.id, r.keys, r.pattern) for r in lexicon.idioms),
        *((r.id, r.keys, r.pattern) for r in lexicon.families.values()),
        *((name, c.keys, c.pattern) for name, c in lexicon.cues.items() if c.keys),
    ]
    missing = []
    for lang in LANGUAGES:
        for ex in examples(lang):
            text = normalise(ex.text)
            tokens = Segments(text).all_words()
            for name, keys, pattern in patterns:
                if pattern.search(text) and keys.isdisjoint(tokens):
                    missing.append((name, lang, ex.line))
    assert missing == []
