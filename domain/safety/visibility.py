"""Who sees what of a rating.

- Readers of a post or reply rated URGENT see it flagged ``sensitive`` (a gentle
  interstitial with the crisis lines); nothing else of the rating.
- A circle's OWNER and MODERATORs see the level (CONCERN or URGENT) as a badge, so
  that they can look in; they never act alone (the safety team gets URGENT items).
- Nobody but the author ever sees the rating of a check-in note.
"""

from __future__ import annotations

from domain.circles.model import Membership, can_moderate
from domain.safety.model import RiskLevel


def is_sensitive(level: RiskLevel | int, removed: bool) -> bool:
    return not removed and level >= RiskLevel.URGENT


def risk_badge(
    level: RiskLevel | int, removed: bool, viewer_membership: Membership | None
) -> RiskLevel | None:
    """The badge a viewer sees: the level for the circle's moderators, when the content
    is at least CONCERN and not removed; None for everyone else."""
    if removed or level < RiskLevel.CONCERN or not can_moderate(viewer_membership):
        return None
    return RiskLevel(level)
