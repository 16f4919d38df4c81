"""Rating a text without ever failing the write that asked for it."""

from __future__ import annotations

from domain.safety.model import RiskAssessment, RiskDetector, RiskLevel

DETECTOR_ERROR = "detector error"


def safe_assess(detector: RiskDetector, text: str, language: str = "en") -> RiskAssessment:
    """Rate ``text``; if the detector raises, rate it CONCERN with the reason
    "detector error", so that content is still saved and a person can look at it.

    The caller logs and counts the failure (without the text); the exception is not
    re-raised because a broken detector must never stop a member from being heard.
    """
    try:
        return detector.assess(text, language)
    except Exception:
        try:
            version = detector.version
        except Exception:
            version = "unknown"
        return RiskAssessment(RiskLevel.CONCERN, (DETECTOR_ERROR,), version)
