"""The read side of posts and replies: what a reader sees, and the questions the API asks.

Infra reads stored facts (``Message``: a post or a reply as written, with its author's
public profile); the functions here decide what one viewer sees of them
(``post_view``, ``reply_view``): anonymous authorship is dropped for everyone (only
``is_mine`` tells the author), a removed message keeps no body, a message a moderator
hid keeps its body and the reason for its author only, reactions of members a block
hides are left out, and a content warning on a topic the viewer muted folds the post.
A circle's content is read only by its ACTIVE members (``readable_circles``, the
same ``can_read`` rule the writes use).

``PostReads.rendered_feed_page`` (and ``rendered_replies_page``) let the store render a
page itself (PostgreSQL's
JSON, for known documents): the adapter then says these same rules in SQL, and
``tests/api/circles/test_rendered_feed.py`` holds its answers to the views'.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from domain.circles.model import Membership, can_read
from domain.moderation.model import ViewerFilters
from domain.moderation.visibility import folded_reason, hidden_authors, muted_in
from domain.posts.model import ContentWarning, ReactionKind
from domain.safety.visibility import is_sensitive

KINDS: tuple[ReactionKind, ...] = tuple(ReactionKind)
"""The fixed order of reaction counts."""

Keyset = tuple[datetime, UUID]
"""A page cursor: the (created_at, id) of the last item of the previous page."""

Hidden = frozenset[UUID] | set[UUID]
"""Members whose content the viewer must not see (``ViewerFilters.hidden_authors``)."""


@dataclass(frozen=True, slots=True)
class AuthorView:
    """An author's public profile, read with what they wrote."""

    id: UUID
    display_name: str
    pronouns: str | None
    bio: str | None
    since: datetime


@dataclass(frozen=True, slots=True)
class Message:
    """A post or a reply as stored (viewer-independent): never handed to the API as
    is, only through ``post_view``/``reply_view``. ``post_id`` is None for a post;
    ``content_warning`` is always None for a reply."""

    id: UUID
    circle_id: UUID
    post_id: UUID | None
    author: AuthorView
    anonymous: bool
    body: str
    content_warning: ContentWarning | None
    created_at: datetime
    edited_at: datetime | None
    removed: bool
    risk_level: int
    hidden: bool
    hidden_reason: str | None


@dataclass(frozen=True, slots=True)
class ReactionTally:
    """Counts per kind in ``KINDS`` order, and the kinds the viewer sent (same order)."""

    counts: tuple[int, ...] = (0,) * len(KINDS)
    mine: tuple[ReactionKind, ...] = ()


NO_REACTIONS = ReactionTally()


_KIND_VALUES: tuple[tuple[ReactionKind, str], ...] = tuple((k, k.value) for k in KINDS)
"""Each kind with its value, read once (an enum member's ``.value`` is a descriptor
call: 160 of them per feed page when read in ``tally``)."""


def tally(counts: Mapping[str, int], mine: Collection[str]) -> ReactionTally:
    """A tally from counts per kind (by value) and the kinds the viewer sent."""
    if not counts:
        return NO_REACTIONS
    return ReactionTally(
        tuple(counts.get(value, 0) for _, value in _KIND_VALUES),
        tuple(kind for kind, value in _KIND_VALUES if value in mine),
    )


def tally_of(vector: Sequence[int]) -> ReactionTally:
    """A tally from ``2 * len(KINDS)`` numbers: the count of each kind in ``KINDS``
    order, then how many of each the viewer sent (0 or 1)."""
    size = len(KINDS)
    if not any(vector[:size]):
        return NO_REACTIONS
    mine = tuple(kind for kind, sent in zip(KINDS, vector[size:], strict=True) if sent)
    return ReactionTally(tuple(vector[:size]), mine)


Reaction = tuple[UUID, UUID, str]
"""(target, member, kind value): one member's reaction to a post or reply."""


def tally_for(
    reactions: Iterable[Reaction], target_id: UUID, viewer_id: UUID, hidden: Hidden = frozenset()
) -> ReactionTally:
    """The tally of one target as this viewer sees it: reactions of members a block
    hides from the viewer are left out."""
    counts: dict[str, int] = {}
    mine: list[str] = []
    for target, member, kind in reactions:
        if target == target_id and member not in hidden:
            counts[kind] = counts.get(kind, 0) + 1
            if member == viewer_id:
                mine.append(kind)
    return tally(counts, mine)


@dataclass(frozen=True, slots=True)
class MessageView:
    """What one viewer sees of a post or a reply."""

    message: Message
    is_mine: bool
    author: AuthorView | None
    """None when anonymous (for every viewer, the author too) or removed."""
    body: str | None
    """None once removed, or while hidden by a moderator (except for its author)."""
    hidden_reason: str | None
    """Why a moderator hid it: for its author only."""
    reactions: ReactionTally

    @property
    def sensitive(self) -> bool:
        return is_sensitive(self.message.risk_level, self.message.removed)


@dataclass(frozen=True, slots=True)
class ReplyView(MessageView):
    pass


@dataclass(frozen=True, slots=True)
class PostView(MessageView):
    content_warning: ContentWarning | None
    """None when there is none, or the body is not shown."""
    folded_reason: str | None
    """Why the post is folded for this viewer (a muted topic); None when it is not."""
    reply_count: int
    latest_replies: tuple[ReplyView, ...] | None
    """The newest replies when they were read with the post (None: not read)."""


def _seen(
    m: Message, viewer_id: UUID
) -> tuple[bool, AuthorView | None, str | None, str | None, bool]:
    """(is mine, author shown, body shown, reason shown, body withheld)."""
    mine = m.author.id == viewer_id
    withheld = m.removed or (m.hidden and not mine)
    author = None if m.anonymous or m.removed else m.author
    reason = m.hidden_reason if m.hidden and mine else None
    return mine, author, None if withheld else m.body, reason, withheld


def reply_view(m: Message, viewer_id: UUID, reactions: ReactionTally) -> ReplyView:
    mine, author, body, reason, _ = _seen(m, viewer_id)
    return ReplyView(m, mine, author, body, reason, reactions)


def post_view(
    m: Message,
    viewer_id: UUID,
    filters: ViewerFilters,
    reactions: ReactionTally,
    reply_count: int,
    latest_replies: tuple[ReplyView, ...] | None = None,
) -> PostView:
    mine, author, body, reason, withheld = _seen(m, viewer_id)
    warning = None if withheld else m.content_warning
    folded = folded_reason(muted_in(filters, warning.topics)) if warning is not None else None
    return PostView(
        m, mine, author, body, reason, reactions, warning, folded, reply_count, latest_replies
    )


def readable_circles(memberships: Mapping[UUID, Membership]) -> set[UUID]:
    """The circles among these whose content the viewer may read (ACTIVE member)."""
    return {circle_id for circle_id, m in memberships.items() if can_read(m)}


def visible_reply_count(reply_authors: Iterable[UUID], hidden: Hidden) -> int:
    """Replies the viewer sees, from the authors of a post's visible replies."""
    return sum(1 for a in reply_authors if a not in hidden)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Up to ``first`` items and whether more follow."""

    items: Sequence[T]
    has_more: bool


@dataclass(frozen=True, slots=True)
class PostSnapshot:
    """A post read once for every subscriber of a live event: the post, its
    reactions, the block pairs of its author, reactors and repliers, and the
    authors of its visible replies."""

    post: Message
    reactions: tuple[Reaction, ...]
    pairs: tuple[tuple[UUID, UUID], ...]
    reply_authors: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class ReplySnapshot:
    """A reply read once for every subscriber, with its reactions, the block pairs of
    its author, its post's author and its reactors, and its post's author."""

    reply: Message
    reactions: tuple[Reaction, ...]
    pairs: tuple[tuple[UUID, UUID], ...]
    post_author: UUID | None


@dataclass(frozen=True, slots=True)
class ReactionsSnapshot:
    """A target's reactions read once for every subscriber: whether it is a post,
    its author, its reactions and the block pairs of its author and reactors."""

    is_post: bool
    author: UUID
    reactions: tuple[Reaction, ...]
    pairs: tuple[tuple[UUID, UUID], ...]


def live_post_view(
    snapshot: PostSnapshot, viewer_id: UUID, filters: ViewerFilters
) -> PostView | None:
    """A live event's post as one subscriber sees it; None when a block hides it."""
    hidden = hidden_authors(viewer_id, snapshot.pairs)
    m = snapshot.post
    if m.author.id in hidden:
        return None
    reactions = tally_for(snapshot.reactions, m.id, viewer_id, hidden)
    count = visible_reply_count(snapshot.reply_authors, hidden)
    return post_view(m, viewer_id, filters, reactions, count)


def live_reply_view(snapshot: ReplySnapshot, viewer_id: UUID) -> ReplyView | None:
    """A live event's reply as one subscriber sees it; None when it is by, or under a
    post by, someone a block hides."""
    hidden = hidden_authors(viewer_id, snapshot.pairs)
    m = snapshot.reply
    if m.author.id in hidden or snapshot.post_author in hidden:
        return None
    return reply_view(m, viewer_id, tally_for(snapshot.reactions, m.id, viewer_id, hidden))


def live_tally(
    snapshot: ReactionsSnapshot, target_id: UUID, viewer_id: UUID
) -> ReactionTally | None:
    """A target's reactions as one subscriber sees them; None when a block hides it."""
    hidden = hidden_authors(viewer_id, snapshot.pairs)
    if snapshot.author in hidden:
        return None
    return tally_for(snapshot.reactions, target_id, viewer_id, hidden)


@dataclass(frozen=True, slots=True)
class Wanted:
    """One field asked for of a rendered item: its response ``key`` (an alias or the
    field's name), the API's field ``name``, what is asked for of it (``of``: an
    object's fields), ``first`` for a list that takes it (``latestReplies``), and
    ``type_name``, what ``__typename`` answers."""

    key: str
    name: str
    of: Shape | None = None
    first: int | None = None
    type_name: str | None = None


Shape = tuple[Wanted, ...]
"""What a client asks for of each item, in the order it asks (GraphQL's response order)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A post or reply rendered for one viewer by the adapter (``PostReads.rendered_*``):
    its keyset position, and the JSON text of the fields of a ``Shape``."""

    created_at: datetime
    id: UUID
    json: str


class PostReads(Protocol):
    """The questions the API asks about posts and replies. Every answer is for one
    viewer with their ``filters``; blocked members' content is left out."""

    async def feed_page(
        self,
        viewer_id: UUID,
        circle_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
        latest_replies: int,
    ) -> Page[PostView]:
        """A circle's posts, newest first, each with its ``latest_replies`` newest
        replies (0: not read). The caller checked that the viewer reads the circle."""
        ...

    async def rendered_feed_page(
        self,
        viewer_id: UUID,
        circle_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
        shape: Shape,
    ) -> Page[Rendered] | None:
        """``feed_page``'s posts rendered to JSON by the store itself, each as ``shape``
        asks, as ``post_view`` and ``reply_view`` decide what the viewer sees of them;
        None when this store cannot render the shape (a field it does not know)."""
        ...

    async def posts(
        self, viewer_id: UUID, ids: Sequence[UUID], filters: ViewerFilters, latest_replies: int
    ) -> dict[UUID, PostView]:
        """These posts, those in circles the viewer reads."""
        ...

    async def replies(
        self, viewer_id: UUID, ids: Sequence[UUID], filters: ViewerFilters
    ) -> dict[UUID, ReplyView]:
        """These replies, those in circles the viewer reads."""
        ...

    async def latest_replies(
        self, viewer_id: UUID, post_id: UUID, n: int, filters: ViewerFilters
    ) -> list[ReplyView]:
        """The ``n`` newest replies (not removed) of a post the viewer reads."""
        ...

    async def replies_page(
        self,
        viewer_id: UUID,
        post_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
    ) -> Page[ReplyView]:
        """A post's replies, oldest first, removed ones as tombstones."""
        ...

    async def rendered_replies_page(
        self,
        viewer_id: UUID,
        post_id: UUID,
        filters: ViewerFilters,
        first: int,
        after: Keyset | None,
        shape: Shape,
    ) -> Page[Rendered] | None:
        """``replies_page`` rendered to JSON by the store, as ``rendered_feed_page``
        renders posts (the caller checked that the viewer reads the post)."""
        ...

    async def post_snapshot(self, post_id: UUID) -> PostSnapshot | None: ...

    async def reply_snapshot(self, reply_id: UUID) -> ReplySnapshot | None: ...

    async def reactions_snapshot(self, target_id: UUID) -> ReactionsSnapshot | None: ...
