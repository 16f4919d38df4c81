"""The risk detector's context rules (domain.safety.detector) on a tiny lexicon whose
every phrase and cue is known: negation and its window, someone else as the subject,
quoting a song, the distant past and a recovery story, timing, a goodbye that is only
a leaving, idioms, combos of families and the means emoji. The shipped lexicons are
measured on labelled texts elsewhere (test_detector_quality); here each rule is seen
to change the rating on its own."""

from __future__ import annotations

import json

import pytest

from domain.safety.detector import MEANS_EMOJI_REASON, TIMING_REASON, LexiconDetector
from domain.safety.lexicon import parse
from domain.safety.model import RiskLevel

NONE, CONCERN, URGENT = RiskLevel.NONE, RiskLevel.CONCERN, RiskLevel.URGENT

TINY = {
    "language": "xx",
    "negators": ["not", "never"],
    "negation_window": 2,
    "clause_breaks": ["but"],
    "adverbs": ["really"],
    "other_subjects": ["she"],
    "past_verbs": ["wanted"],
    "means_words": ["pills"],
    "cues": {
        "reported": {"any": ["she said"]},
        "media": {"any": ["song"]},
        "quote_verb": {"any": ["sings"]},
        "distant_past": {"any": ["years ago"]},
        "present_again": {"any": ["again"]},
        "recovery": {"any": ["recovered"]},
        "leaving": {"any": ["leaving"]},
        "timing": {"any": ["tonight"]},
        "plan": {"any": ["<w> plan"]},
    },
    "families": {
        "means": {"keys": ["rope"], "any": ["a rope"]},
        "finality": {"keys": ["letters"], "any": ["wrote letters"]},
    },
    "combos": [{"id": "combo.means_finality", "level": "URGENT", "all": ["means", "finality"]}],
    "idioms": [{"id": "idiom.dying", "keys": ["die"], "any": ["want to die laughing"]}],
    "rules": [
        {"id": "die", "level": "URGENT", "keys": ["die"], "any": ["want to die"]},
        {
            "id": "hurt",
            "level": "CONCERN",
            "keys": ["hurt"],
            "any": ["hurt myself"],
            "timing": True,
            "negation": "inside",
        },
        {
            "id": "bye",
            "level": "CONCERN",
            "keys": ["goodbye"],
            "any": ["goodbye everyone"],
            "weak_goodbye": True,
            "negation": "none",
        },
        {
            "id": "gone",
            "level": "URGENT",
            "keys": ["gone"],
            "any": ["i will be gone"],
            "timing": True,
        },
        {
            "id": "wanted",
            "level": "URGENT",
            "keys": ["wanted"],
            "any": ["wanted to die"],
            "tense": "recovery",
        },
        {
            "id": "planned",
            "level": "CONCERN",
            "keys": ["ready"],
            "any": ["i am ready"],
            "needs": "plan",
            "self_only": False,
            "tense": "none",
        },
    ],
}
DETECTOR = LexiconDetector({"xx": parse(json.dumps(TINY).encode())})


def rated(text: str) -> tuple[RiskLevel, tuple[str, ...]]:
    result = DETECTOR.assess(text, "xx")
    return result.level, result.reasons


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I want to die", URGENT),
        ("I do not want to die", NONE),  # a negator in the two words before
        ("Not that I want to die", URGENT),  # three words before: outside the window
        ("I will never want to die", NONE),
        ("I hurt myself", CONCERN),
        ("I hurt not myself", NONE),  # this rule is also cancelled by a negator inside
        ("Goodbye everyone, not really", CONCERN),  # this rule ignores negators
    ],
)
def test_a_negator_just_before_a_phrase_cancels_it(text: str, level: RiskLevel) -> None:
    assert rated(text)[0] is level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("She want to die", NONE),
        ("She really want to die", NONE),  # adverbs between are skipped
        ("She said that I want to die", NONE),  # a report of someone else's words
        ("She is fine but I want to die", URGENT),  # a new clause: the member again
        ("Really I want to die", URGENT),
        ("She is here. I want to die", URGENT),  # another sentence
    ],
)
def test_someone_else_as_the_subject_cancels_a_self_only_phrase(
    text: str, level: RiskLevel
) -> None:
    assert rated(text)[0] is level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("The song sings I want to die", NONE),
        ('That song goes "I want to die" all day', NONE),  # quoted
        ('She texted "I want to die" to me', URGENT),  # quoted, but no song anywhere
        ("I love that song. I want to die", URGENT),  # the song is in another sentence
        ("The song is sad, I want to die", URGENT),  # a song but nothing sung
        ("He sings when I want to die", URGENT),  # singing without a song
    ],
)
def test_quoting_a_song_cancels_a_phrase(text: str, level: RiskLevel) -> None:
    assert rated(text)[0] is level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Years ago I want to die", NONE),
        ("Years ago I want to die again", URGENT),  # happening again
        ("Years ago I was low. But I want to die", URGENT),  # another sentence
        ("I wanted to die", URGENT),
        ("I recovered. I wanted to die", NONE),  # the past tense of a recovery story
        ("I recovered. Years ago I wanted to die", NONE),
        ("Years ago I wanted to die", URGENT),  # distant past alone: not for this rule
        ("I recovered. I wanted to die again", URGENT),
        ("I recovered. I wanted to die but never again", NONE),  # "again" in another clause
    ],
)
def test_the_distant_past_and_a_recovery_story_cancel_phrases(text: str, level: RiskLevel) -> None:
    assert rated(text)[0] is level


def test_a_timing_cue_in_the_same_sentence_makes_a_concern_urgent() -> None:
    assert rated("I hurt myself tonight") == (URGENT, ("hurt", TIMING_REASON))
    assert rated("Tonight. I hurt myself") == (CONCERN, ("hurt",))


def test_a_goodbye_that_is_only_leaving_is_cancelled() -> None:
    assert rated("Goodbye everyone") == (CONCERN, ("bye",))
    assert rated("Leaving for the holidays, goodbye everyone") == (NONE, ())


def test_a_phrase_that_needs_a_cue_counts_only_with_it() -> None:
    assert rated("She said I am ready") == (NONE, ())
    assert rated("I have a plan. She said I am ready") == (CONCERN, ("planned",))


def test_an_idiom_covers_the_phrase_inside_it() -> None:
    assert rated("I want to die laughing") == (NONE, ())
    assert rated("I want to die laughing, and I want to die") == (URGENT, ("die",))
    assert rated("You want to die laughing? I want to die") == (URGENT, ("die",))


def test_families_that_each_survive_their_context_make_a_combo() -> None:
    assert rated("I have a rope and I wrote letters") == (URGENT, ("combo.means_finality",))
    assert rated("I have a rope") == (NONE, ())
    assert rated("I have not a rope and I wrote letters") == (NONE, ())
    assert rated("Leaving soon. I have a rope and I wrote letters") == (NONE, ())


def test_a_concern_with_the_means_at_hand_is_urgent() -> None:
    assert rated("I hurt myself with pills") == (URGENT, (MEANS_EMOJI_REASON, "hurt"))
    assert rated("I want to die") == (URGENT, ("die",))


def test_reasons_list_the_most_serious_first_and_each_once() -> None:
    assert rated("I hurt myself. I want to die. I want to die") == (URGENT, ("die", "hurt"))


def test_timing_raises_only_the_phrases_marked_for_it_and_only_to_urgent() -> None:
    assert rated("Goodbye everyone tonight") == (CONCERN, ("bye",))  # not a timing phrase
    assert rated("I will be gone tonight") == (URGENT, ("gone",))  # already urgent
