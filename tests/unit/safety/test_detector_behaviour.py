"""The risk detector, one behaviour at a time (the measured figures are in
test_detector_quality.py)."""

from __future__ import annotations

import pytest

from domain.safety.assess import DETECTOR_ERROR, safe_assess
from domain.safety.detector import LexiconDetector, default_detector
from domain.safety.lexicon import load as load_lexicon
from domain.safety.model import RiskAssessment, RiskLevel

NONE, CONCERN, URGENT = RiskLevel.NONE, RiskLevel.CONCERN, RiskLevel.URGENT


def level(text: str, language: str = "en") -> RiskLevel:
    return default_detector().assess(text, language).level


@pytest.mark.parametrize(
    "text",
    ["I'm going to end it tonight.", "i'm gonna kill myself", "Ive decided to take my own life."],
)
def test_intent_to_die_is_urgent(text: str) -> None:
    assert level(text) is URGENT


@pytest.mark.parametrize(
    "text",
    ["I have the pills ready.", "the rope is ready", "been stockpiling my meds for weeks"],
)
def test_means_at_hand_is_urgent(text: str) -> None:
    assert level(text) is URGENT


@pytest.mark.parametrize(
    "text",
    ["I want to die tonight.", "i want to die tmrw", "wanna unalive myself tonight fr"],
)
def test_a_wish_to_die_with_a_time_is_urgent(text: str) -> None:
    assert level(text) is URGENT


@pytest.mark.parametrize(
    "text",
    [
        "this is my last post, thank you all",
        "goodbye everyone, I won't be here tomorrow",
        "By the time you read this I'll be gone.",
    ],
)
def test_a_goodbye_is_urgent(text: str) -> None:
    assert level(text) is URGENT


@pytest.mark.parametrize(
    "text",
    [
        "Goodbye everyone, I'm off on holiday for two weeks! See you when I'm back.",
        "Last post of the day, goodnight everyone",
        "This is my last post before a break from social media. Thank you all, see you in January!",
        "I won't be here tomorrow, I'm away for a wedding. Love you all!",
        "Bye guys, have a good night",
    ],
)
def test_a_goodbye_explained_as_leaving_or_routine_is_none(text: str) -> None:
    assert level(text) is NONE


@pytest.mark.parametrize(
    "text",
    [
        "I wish I wasn't here.",
        "I want to die.",
        "I can't go on.",
        "he hits me when he's drunk",
        "everyone would be better off without me",
        "i want to hurt myself",
    ],
)
def test_ideation_hopelessness_urges_and_abuse_are_concern(text: str) -> None:
    assert level(text) is CONCERN


@pytest.mark.parametrize(
    "text",
    [
        "this exam is killing me",
        "I could murder a pizza",
        "dying to see the film",
        "I cut myself shaving",
    ],
)
def test_violent_idioms_are_not_rated_a_risk(text: str) -> None:
    assert level(text) is NONE


@pytest.mark.parametrize(
    "text",
    ["I'd never hurt myself", "I don't want to die", "I'm not going to kill myself, I promise"],
)
def test_a_negated_intent_is_not_rated_a_risk(text: str) -> None:
    assert level(text) is NONE


def test_the_negation_of_living_is_not_a_negation() -> None:
    assert level("I don't want to live anymore") is CONCERN


def test_a_negation_in_another_clause_does_not_cancel() -> None:
    assert level("I would never tell my mum, but I want to die") is CONCERN


@pytest.mark.parametrize(
    "text",
    [
        "a year ago I wanted to die; today I'm grateful",
        "When I was 15 I tried to kill myself. Now I'm a nurse and I love my life.",
    ],
)
def test_a_recovery_story_is_none(text: str) -> None:
    assert level(text) is NONE


def test_ideation_that_has_lasted_for_years_is_not_the_past() -> None:
    assert level("I've wanted to die for years") is CONCERN
    assert level("This cake is to die for.") is NONE


def test_the_past_that_is_back_is_not_a_recovery_story() -> None:
    assert level("A year ago I was fine. Now I want to die every single day.") is CONCERN


@pytest.mark.parametrize(
    "text",
    ["my friend said she wants to die", "My brother wants to kill himself", "kys loser"],
)
def test_talk_about_others_is_none(text: str) -> None:
    assert level(text) is NONE


def test_a_quotation_of_a_song_is_none() -> None:
    assert level('In the song she sings "I want to die young" and it is stuck in my head') is NONE


def test_a_song_that_is_not_quoted_does_not_hide_a_goodbye() -> None:
    assert level("Listening to our song one last time. Goodbye forever.") is URGENT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I WANT TO DIE", CONCERN),
        ("i wanna diiiiie", CONCERN),
        ("im gonna kms tonight", URGENT),
        ("i want to k1ll myself", CONCERN),
        ("I\u2019m going to end it tonight", URGENT),
        ("want to die \U0001f48a\U0001f48a", URGENT),
    ],
)
def test_case_typos_slang_curly_quotes_and_emoji_are_read(text: str, expected: RiskLevel) -> None:
    assert level(text) is expected


def test_reasons_name_the_rules_and_never_hold_the_text() -> None:
    text = "I'm going to end it tonight"
    result = default_detector().assess(text)
    assert result.reasons == ("intent.suicide",)
    assert all(text.lower() not in reason for reason in result.reasons)


def test_the_rating_carries_the_detector_version() -> None:
    detector = default_detector()
    assert detector.assess("hello").detector_version == detector.version
    assert detector.version.startswith("lexicon-")


def test_an_unknown_language_falls_back_to_english() -> None:
    assert level("I want to die", "xx") is CONCERN


class _Broken:
    version = "broken-1"

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        raise RuntimeError("lexicon missing")


def test_safe_assess_rates_a_detector_error_as_concern() -> None:
    result = safe_assess(_Broken(), "anything", "en")
    assert result == RiskAssessment(CONCERN, (DETECTOR_ERROR,), "broken-1")


def test_safe_assess_passes_a_working_rating_through() -> None:
    detector = LexiconDetector()
    assert safe_assess(detector, "I want to die") == detector.assess("I want to die")


def test_signals_of_finality_and_timing_together_are_urgent() -> None:
    result = default_detector().assess("I've made my peace with everyone. Going tonight.")
    assert result.level is URGENT
    assert result.reasons == ("combo.finality_timing",)


def test_one_sentence_in_a_long_ordinary_post_decides_the_rating() -> None:
    ordinary = "Went for a walk by the river and made soup with my sister. " * 40
    assert level(ordinary) is NONE
    assert level(ordinary + "I have the pills ready. " + ordinary) is URGENT


def test_spanish_is_read_with_its_own_lexicon_and_english() -> None:
    assert level("Esta noche me voy a matar.", "es") is URGENT
    assert level("Este examen me está matando.", "es") is NONE
    assert level("no puedo más, i want to die", "es-MX") is CONCERN


@pytest.mark.parametrize("language", ["es", "es-MX", "es_AR", "ES", "es-419"])
def test_any_spanish_language_tag_reads_the_spanish_lexicon(language: str) -> None:
    assert level("Esta noche me voy a matar.", language) is URGENT


@pytest.mark.parametrize("language", ["en", "en-GB", "EN_us", "fr", "", "xx-YY"])
def test_english_and_unknown_language_tags_read_the_english_lexicon_only(language: str) -> None:
    assert level("I'm going to kill myself tonight.", language) is URGENT
    assert level("Esta noche me voy a matar.", language) is NONE


def test_the_default_language_is_english_and_the_version_is_reported() -> None:
    detector = default_detector()
    result = detector.assess("I'm going to kill myself tonight.")
    assert result.level is URGENT
    assert result.detector_version == detector.version
    assert result.reasons[0] != "detector error"


def test_a_detector_with_only_a_spanish_lexicon_reads_everything_as_spanish() -> None:
    spanish_only = LexiconDetector({"es": load_lexicon("es")})
    assert spanish_only.assess("Esta noche me voy a matar.", "en").level is URGENT
    assert spanish_only.assess("I'm going to kill myself tonight.", "es").level is NONE


@pytest.mark.parametrize("language", ["es", "es-MX"])
def test_a_spanish_text_is_also_read_with_the_english_lexicon(language: str) -> None:
    assert level("Hoy. I'm going to kill myself tonight.", language) is URGENT
