"""The risk rating a detector gives a text. Shared by the detector, the use cases that
store ratings and raise prompts, and the safety team's queue."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol


class RiskLevel(IntEnum):
    """How worried a reader should be about what a member wrote. Ordered, so that
    ``max()`` picks the more serious of two ratings."""

    NONE = 0
    CONCERN = 1
    URGENT = 2


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """A rating with its reasons (the rule or phrase ids that fired) and the version of
    the detector that gave it, so that a later detector can be compared on real data."""

    level: RiskLevel
    reasons: tuple[str, ...]
    detector_version: str


class RiskDetector(Protocol):
    """Rates a text. Must be fast (about 1 ms per 1,000 characters) and never log the text."""

    @property
    def version(self) -> str: ...

    def assess(self, text: str, language: str = "en") -> RiskAssessment: ...
