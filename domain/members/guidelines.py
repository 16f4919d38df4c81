"""The community guidelines members accept, and what Hearth is not."""

from __future__ import annotations

from domain.members.model import CURRENT_GUIDELINES_VERSION

__all__ = ["CURRENT_GUIDELINES_VERSION", "DISCLAIMER", "SUMMARY"]

SUMMARY = (
    "Be kind and listen. Share your own experience, not advice you are not qualified to "
    "give. Keep others' stories in the circle. Use content warnings. Never share anything "
    "that identifies you or someone else. No selling, no recruiting, no hate."
)

DISCLAIMER = (
    "Hearth is peer support from people who understand. It is not a crisis or emergency "
    "service, and it is not therapy or medical care: it does not replace professional "
    "treatment. If you are in danger or thinking about ending your life, call your local "
    "emergency number or a crisis line now. Hearth always shows where to find real help: "
    'open "Get help now" for the crisis lines where you are.'
)
