"""Who sees what once members block each other or mute topics.

A block hides both ways: the blocker sees nothing of the blocked member, and the
blocked member sees nothing of the blocker, anonymous content included. Hidden
content is left out of lists *and* counts for that viewer only, so nothing a third
member sees changes, and no count shows that a hidden (perhaps anonymous) item
exists. Reads pass a viewer's :class:`ViewerFilters`; these rules decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain.circles.model import Topic
from domain.moderation.model import ViewerFilters


def hidden_authors(viewer_id: UUID, pairs: Iterable[tuple[UUID, UUID]]) -> frozenset[UUID]:
    """Members whose content ``viewer_id`` must not see, from (blocker, blocked) pairs."""
    hidden: set[UUID] = set()
    for blocker, blocked in pairs:
        if blocker == viewer_id:
            hidden.add(blocked)
        elif blocked == viewer_id:
            hidden.add(blocker)
    hidden.discard(viewer_id)
    return frozenset(hidden)


def blocked_between(pairs: Iterable[tuple[UUID, UUID]], a: UUID, b: UUID) -> bool:
    """True when either member blocked the other."""
    return any({blocker, blocked} == {a, b} for blocker, blocked in pairs if a != b)


def can_see_author(filters: ViewerFilters, author_id: UUID) -> bool:
    """Whether content by ``author_id`` (named or anonymous) reaches this viewer."""
    return author_id not in filters.hidden_authors


def muted_in(filters: ViewerFilters, topics: Iterable[Topic]) -> list[Topic]:
    """The content-warning topics this viewer muted, in the warning's order."""
    return [t for t in topics if t in filters.muted_topics]


def folded_reason(muted: list[Topic]) -> str | None:
    """Why a post is folded for the viewer, or None when it is not."""
    if not muted:
        return None
    names = ", ".join(t.value.replace("_", " ").lower() for t in muted)
    return f"Folded: it carries a content warning for a topic you muted ({names})."
