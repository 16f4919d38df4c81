"""The labelled sets and the figures computed on them (shared by the quality test and
docs/safety.md's table)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from domain.safety.model import RiskDetector, RiskLevel

HERE = Path(__file__).resolve().parent
SETS = {"en": HERE / "risk_labelled.jsonl", "es": HERE / "risk_labelled_es.jsonl"}


@dataclass(frozen=True, slots=True)
class Example:
    line: int
    text: str
    label: RiskLevel
    note: str


def examples(language: str) -> list[Example]:
    rows = []
    for n, line in enumerate(SETS[language].read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            data = json.loads(line)
            rows.append(Example(n, data["text"], RiskLevel[data["label"]], data["note"]))
    return rows


@dataclass(frozen=True, slots=True)
class Figures:
    confusion: Counter[tuple[RiskLevel, RiskLevel]]  # (label, predicted) -> count
    misses: tuple[tuple[Example, RiskLevel], ...]

    def count(self, label: RiskLevel) -> int:
        return sum(n for (lab, _), n in self.confusion.items() if lab == label)

    def precision(self, level: RiskLevel) -> float:
        predicted = sum(n for (_, pred), n in self.confusion.items() if pred == level)
        return self.confusion[(level, level)] / predicted if predicted else 1.0

    def recall(self, level: RiskLevel) -> float:
        total = self.count(level)
        return self.confusion[(level, level)] / total if total else 1.0

    def at_least(self, labels: set[RiskLevel], floor: RiskLevel) -> float:
        """Share of texts labelled in ``labels`` rated ``floor`` or higher."""
        total = sum(self.count(lab) for lab in labels)
        hit = sum(n for (lab, pred), n in self.confusion.items() if lab in labels and pred >= floor)
        return hit / total

    def table(self) -> str:
        levels = list(RiskLevel)
        lines = ["label \\ rated " + " ".join(f"{lv.name:>8}" for lv in levels)]
        for lab in levels:
            row = " ".join(f"{self.confusion[(lab, pred)]:>8}" for pred in levels)
            lines.append(f"{lab.name:<14} {row}")
        lines.append("")
        lines.append(f"{'class':<8} {'precision':>9} {'recall':>7} {'n':>5}")
        for lv in levels:
            lines.append(
                f"{lv.name:<8} {self.precision(lv):>9.3f} {self.recall(lv):>7.3f} {self.count(lv):>5}"
            )
        return "\n".join(lines)


def measure(detector: RiskDetector, language: str) -> Figures:
    confusion: Counter[tuple[RiskLevel, RiskLevel]] = Counter()
    misses = []
    for ex in examples(language):
        rated = detector.assess(ex.text, language).level
        confusion[(ex.label, rated)] += 1
        if rated != ex.label:
            misses.append((ex, rated))
    return Figures(confusion, tuple(misses))
