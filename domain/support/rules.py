"""Pure rules: how long availability lasts, when a post is due a nudge, who is
nudged first, and what a nudge may show on a lock screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from domain.circles.model import Topic
from domain.errors import DomainError, ErrorCode
from domain.notifications.rules import may_name_circle
from domain.safety.model import RiskLevel
from domain.support.model import Listener, WaitingPost

MAX_AVAILABILITY = timedelta(hours=12)
"""The longest "I'm around to listen" a member can say at once."""
MAX_NUDGES_PER_POST = 3
"""At most this many members are nudged about one post, one interval apart."""
NUDGE_HORIZON = timedelta(hours=24)
"""Posts older than this are not nudged about (after an outage, say): the awaiting
list still shows them."""
NUDGES_PER_MEMBER_PER_DAY = 6
"""Nudges one member gets in 24 hours at most, on top of the daily push cap."""
NUDGE_BODY = "Open Hearth to read it and reply if you can."
RESPONDER_HINT = (
    "This post may be about a risk to someone's life. Reply with warmth and without "
    "judging, ask if they are safe right now, and point them to a crisis line: "
    "`crisisResources` lists the lines for their region. If someone is in immediate "
    "danger, say to call the local emergency number. You are not alone with this: "
    "report the post so trained staff see it too."
)
"""Shown to responders on URGENT posts in the awaiting list."""


def check_until(until: datetime, now: datetime) -> list[DomainError]:
    """Availability must end in the future, at most MAX_AVAILABILITY from now."""
    field = ("input", "until")
    if until.tzinfo is None:
        return [DomainError(ErrorCode.INVALID, "Give the time with a UTC offset.", field)]
    if until <= now:
        return [DomainError(ErrorCode.INVALID, "That time has already passed.", field)]
    if until - now > MAX_AVAILABILITY:
        return [
            DomainError(
                ErrorCode.INVALID, "You can offer to listen for at most 12 hours at a time.", field
            )
        ]
    return []


def is_urgent(level: RiskLevel) -> bool:
    return level >= RiskLevel.URGENT


def nudge_due(waiting: WaitingPost, now: datetime) -> bool:
    """A post is due its next nudge one circle interval after it was posted (or after
    the last nudge), while fewer than MAX_NUDGES_PER_POST were sent and it is younger
    than NUDGE_HORIZON."""
    if waiting.nudges >= MAX_NUDGES_PER_POST or now - waiting.post.created_at > NUDGE_HORIZON:
        return False
    start = waiting.last_nudged_at or waiting.post.created_at
    return now >= start + timedelta(minutes=waiting.nudge_after_minutes)


def fair_order(listeners: Iterable[Listener]) -> list[Listener]:
    """Never nudged first, then least recently nudged; ties by id (stable)."""
    return sorted(
        listeners,
        key=lambda m: (m.last_nudged_at is not None, m.last_nudged_at or datetime.min, m.member_id),
    )


def nudge_title(
    circle_name: str, circle_topics: Sequence[Topic], warning_topics: Sequence[Topic], named: bool
) -> str:
    """Lock-screen safe: the circle is named only when the member opted in for it and
    neither the circle nor the post's content warning is about a never-named topic."""
    if may_name_circle((*circle_topics, *warning_topics), named):
        return f"Someone in {circle_name} could use a reply"
    return "Someone in one of your circles could use a reply"
