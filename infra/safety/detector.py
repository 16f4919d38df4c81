"""The risk detector as the service runs it: observed, never trusted to be perfect.

:class:`ObservedDetector` wraps any :class:`~domain.safety.model.RiskDetector`. It counts
ratings by level and, when the detector raises, logs the failure *without the text*
(only the exception's type: its message or traceback could quote the text), counts it in
``hearth_risk_detector_errors_total`` and re-raises, so that
``domain.safety.assess.safe_assess`` rates the content CONCERN with "detector error".
"""

from __future__ import annotations

import logging

from domain.safety.model import RiskAssessment, RiskDetector
from infra.metrics import RISK_DETECTOR_ERRORS, RISK_RATINGS

log = logging.getLogger("hearth.safety")


class ObservedDetector:
    """Implements ``RiskDetector`` around another one."""

    def __init__(self, inner: RiskDetector) -> None:
        self._inner = inner

    @property
    def version(self) -> str:
        return self._inner.version

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        try:
            assessment = self._inner.assess(text, language)
        except Exception as exc:
            RISK_DETECTOR_ERRORS.inc()
            # Not log.exception: the traceback and message may carry the member's text.
            log.error(
                "risk detector failed (%s) on a text of %d characters; rated CONCERN",
                type(exc).__name__,
                len(text),
            )
            raise
        RISK_RATINGS.labels(assessment.level.name.lower()).inc()
        return assessment
