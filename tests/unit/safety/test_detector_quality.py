"""The detector's measured quality on the labelled sets, with the floors of issue 10.

``pytest -s tests/unit/safety/test_detector_quality.py`` prints the confusion matrix and
precision/recall per class (docs/safety.md quotes them).
"""

from __future__ import annotations

import pytest

from domain.safety.detector import default_detector
from domain.safety.model import RiskLevel
from tests.unit.safety.labelled import Figures, examples, measure

NONE, CONCERN, URGENT = RiskLevel.NONE, RiskLevel.CONCERN, RiskLevel.URGENT


@pytest.fixture(scope="module", params=["en", "es"])
def figures(request: pytest.FixtureRequest) -> Figures:
    language = request.param
    result = measure(default_detector(), language)
    print(f"\n[{language}] risk detector on {sum(result.confusion.values())} labelled texts")
    print(result.table())
    for ex, rated in result.misses:
        print(f"  line {ex.line}: {ex.label.name} rated {rated.name} ({ex.note})")
    return result


def test_urgent_recall_is_at_least_95_percent(figures: Figures) -> None:
    assert figures.recall(URGENT) >= 0.95


def test_urgent_and_concern_texts_are_rated_at_least_concern_95_percent(figures: Figures) -> None:
    assert figures.at_least({URGENT, CONCERN}, CONCERN) >= 0.95


def test_no_more_than_3_percent_of_none_texts_are_rated_urgent(figures: Figures) -> None:
    assert figures.confusion[(NONE, URGENT)] / figures.count(NONE) <= 0.03


def test_no_more_than_10_percent_of_none_texts_raise_an_alert(figures: Figures) -> None:
    alerts = figures.confusion[(NONE, CONCERN)] + figures.confusion[(NONE, URGENT)]
    assert alerts / figures.count(NONE) <= 0.10


def test_the_english_set_is_large_and_balanced() -> None:
    labels = [ex.label for ex in examples("en")]
    assert len(labels) >= 300
    assert labels.count(URGENT) >= 80
    assert labels.count(CONCERN) >= 90
    assert labels.count(NONE) >= 130
