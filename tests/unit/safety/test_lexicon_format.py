"""How a risk lexicon file is read (domain.safety.lexicon.parse): the defaults of a rule,
macros, cue keys, families and combos, word edges, and the shipped files' own
settings. A rule's flags decide whether a text reaches the safety team, so the
defaults a lexicon author relies on are checked here, on a small lexicon."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

from domain.safety.lexicon import LANGUAGES, Negation, Tense, load, parse
from domain.safety.model import RiskLevel

SMALL = {
    "language": "xx",
    "macros": {"me": "me|myself", "hurt": "hurt <me>"},
    "negators": ["never", "not"],
    "clause_breaks": ["but", "<w> said"],
    "adverbs": ["realy"],
    "other_subjects": ["she"],
    "past_verbs": ["wanted"],
    "means_words": ["pils"],
    "cues": {
        "timing": {"any": ["tonight", "right now"]},
        "gated": {"keys": ["when"], "any": ["when i was <w>"]},
        "open": {"any": ["<gap1>ago"]},
    },
    "families": {"means": {"keys": ["pils"], "any": ["pils"], "level": "CONCERN"}},
    "combos": [{"id": "combo.x", "level": "URGENT", "all": ["means", "timing"]}],
    "idioms": [{"id": "idiom.x", "keys": ["dying"], "any": ["dying to"]}],
    "rules": [
        {"id": "plain", "level": "CONCERN", "keys": ["hurt"], "any": ["<hurt>"]},
        {
            "id": "flagged",
            "level": "URGENT",
            "keys": ["kil"],
            "any": ["kill <me> <gap>tonight"],
            "negation": "none",
            "tense": "recovery",
            "self_only": False,
            "timing": True,
            "weak_goodbye": True,
            "needs": "timing",
        },
    ],
}
RAW = json.dumps(SMALL).encode()


def test_a_rules_flags_default_to_the_safe_reading() -> None:
    lexicon = parse(RAW)
    plain, flagged = lexicon.rules
    assert (plain.id, plain.level, plain.keys) == ("plain", RiskLevel.CONCERN, frozenset({"hurt"}))
    assert (plain.negation, plain.tense) == (Negation.BEFORE, Tense.SUPPRESS)
    assert (plain.self_only, plain.timing, plain.weak_goodbye, plain.needs) == (
        True,
        False,
        False,
        None,
    )
    assert (flagged.negation, flagged.tense) == (Negation.NONE, Tense.RECOVERY)
    assert (flagged.self_only, flagged.timing, flagged.weak_goodbye, flagged.needs) == (
        False,
        True,
        True,
        "timing",
    )
    (idiom,) = lexicon.idioms
    assert (idiom.id, idiom.level) == ("idiom.x", RiskLevel.NONE)


def test_phrases_expand_macros_fold_letters_and_match_whole_words_only() -> None:
    plain, flagged = parse(RAW).rules
    assert plain.pattern.search("i want to hurt myself")
    assert plain.pattern.search("hurt me")
    assert not plain.pattern.search("hurt them")
    assert not plain.pattern.search("unhurt me")  # a word edge before
    assert not plain.pattern.search("hurt meself")  # and after
    assert flagged.pattern.search("kil me tonight")  # "kill" is stored folded
    assert flagged.pattern.search("kil myself right here tonight")
    assert not flagged.pattern.search("kil me one two three four tonight")  # <gap> is 0-3 words


def test_the_files_settings_are_kept_and_their_defaults_apply() -> None:
    lexicon = parse(RAW)
    assert lexicon.language == "xx"
    assert lexicon.digest == hashlib.sha256(RAW).hexdigest()[:8]
    assert lexicon.negators == frozenset({"never", "not"})
    assert lexicon.negation_window == 4
    assert lexicon.adverbs == frozenset({"realy"})
    assert lexicon.other_subjects == frozenset({"she"})
    assert lexicon.past_verbs == frozenset({"wanted"})
    assert lexicon.means_words == frozenset({"pils"})
    assert lexicon.clause_break.search("he said no")
    assert lexicon.clause_break.search("fine but tired")
    wider = parse(json.dumps({**SMALL, "negation_window": 6}).encode())
    assert wider.negation_window == 6
    bare = {k: v for k, v in SMALL.items() if k not in ("macros", "means_words", "families")}
    bare = {**bare, "combos": [], "rules": [{"id": "r", "keys": ["a"], "any": ["a b"]}]}
    minimal = parse(json.dumps(bare).encode())
    assert (minimal.means_words, minimal.families, minimal.combos) == (frozenset(), {}, ())


def test_families_are_rules_named_after_themselves_and_combos_name_them() -> None:
    lexicon = parse(RAW)
    means = lexicon.families["means"]
    assert (means.id, means.level, means.keys) == ("means", RiskLevel.CONCERN, frozenset({"pils"}))
    assert means.pattern.search("some pils")
    (combo,) = lexicon.combos
    assert (combo.id, combo.level, combo.families) == (
        "combo.x",
        RiskLevel.URGENT,
        ("means", "timing"),
    )


def test_a_plain_cue_is_keyed_by_first_words_and_a_cue_with_macros_by_its_keys() -> None:
    cues = parse(RAW).cues
    timing, gated, open_cue = cues["timing"], cues["gated"], cues["open"]
    assert timing.keys == frozenset({"tonight", "right"})
    assert gated.keys == frozenset({"when"})
    assert open_cue.keys == frozenset()  # searched in every text that needs it
    assert timing.search(frozenset({"right", "now"}), "i go right now")
    assert not timing.search(frozenset({"soon"}), "right now")  # gated out by its keys
    assert gated.search(frozenset({"when"}), "when i was 15")
    assert open_cue.search(frozenset(), "years ago")
    assert open_cue.search(frozenset(), "ago")


def test_a_cue_is_searched_only_between_start_and_end() -> None:
    timing = parse(RAW).cues["timing"]
    text = "tonight i rest"
    tokens = frozenset({"tonight"})
    assert timing.search(tokens, text)
    assert timing.search(tokens, text, 0, 7)
    assert not timing.search(tokens, text, 1)
    assert not timing.search(tokens, text, 0, 6)
    assert timing.search(tokens, "rest tonight", 5)


def test_the_shipped_lexicons_compile_with_the_settings_they_declare() -> None:
    for language in LANGUAGES:
        raw = resources.files("domain.safety").joinpath("lexicon", f"{language}.json").read_bytes()
        data = json.loads(raw)
        lexicon = parse(raw)
        assert lexicon == load(language)
        assert lexicon.language == language
        assert lexicon.negation_window == data.get("negation_window", 4)
        assert set(lexicon.families) == set(data.get("families", {}))
        assert [c.id for c in lexicon.combos] == [c["id"] for c in data.get("combos", [])]
        assert [r.id for r in lexicon.rules] == [r["id"] for r in data["rules"]]
        for spec, rule in zip(data["rules"], lexicon.rules, strict=True):
            assert rule.timing is spec.get("timing", False)
            assert rule.needs == spec.get("needs")
            assert rule.self_only is spec.get("self_only", True)
