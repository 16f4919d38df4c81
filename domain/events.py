"""Domain events: facts that happened, published only after their transaction commits.

Events are thin: they carry IDs, never bodies, notes or authorship. Subscribers
re-read what they may see through the same visibility rules as queries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from uuid import UUID, uuid4


class EventKind(StrEnum):
    POST_CREATED = "PostCreated"
    POST_EDITED = "PostEdited"
    POST_REMOVED = "PostRemoved"
    REPLY_CREATED = "ReplyCreated"
    REPLY_EDITED = "ReplyEdited"
    REPLY_REMOVED = "ReplyRemoved"
    REACTIONS_CHANGED = "ReactionsChanged"
    MEMBER_JOINED = "MemberJoined"
    MEMBER_LEFT = "MemberLeft"
    CHECK_IN_SHARED = "CheckInShared"
    CHECK_IN_SHARE_WITHDRAWN = "CheckInShareWithdrawn"
    CIRCLE_CLOSED = "CircleClosed"
    NOTIFICATION_CREATED = "NotificationCreated"
    NOTIFICATIONS_READ = "NotificationsRead"
    ACCOUNT_DELETED = "AccountDeleted"
    AWAITING_SUPPORT_CHANGED = "AwaitingSupportChanged"


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened in a circle (``circle_id``) or to one member
    (``member_id`` alone, for the viewer's own activity stream). A circle event may name
    the member it is about in ``member_id`` when ``subject_id`` can no longer be read
    (the sharer of a withdrawn check-in share). ``apart`` carries the blocks of a member
    whose account is erased in the same transaction, since a subscriber's later read of
    the blocks would find none (``heard_by``)."""

    kind: EventKind
    circle_id: UUID | None = None
    member_id: UUID | None = None
    subject_id: UUID | None = None  # the post, reply, check-in or notification
    parent_id: UUID | None = None  # the post of a reply
    id: UUID = field(default_factory=uuid4)
    committed_at: float | None = None  # epoch seconds, set when the transaction committed
    # members who must not hear it: those a block separated from the member a deletion
    # erases (read before the blocks are erased with the account)
    apart: frozenset[UUID] = frozenset()

    def channel(self) -> str:
        if self.circle_id is not None:
            return circle_channel(self.circle_id)
        if self.member_id is not None:
            return member_channel(self.member_id)
        raise ValueError("an event needs a circle or a member")


class Gap:
    """Marker in a subscription's stream: events may have been missed (the link to
    the other instances was down); subscribers tell their clients to refetch."""


def heard_by(event: Event, viewer_id: UUID) -> bool:
    """Whether the viewer may hear the event at all: not when it was recorded apart
    from them (a block with a member whose account was deleted with it)."""
    return viewer_id not in event.apart


def circle_channel(circle_id: UUID) -> str:
    return f"circle:{circle_id}"


def member_channel(member_id: UUID) -> str:
    return f"member:{member_id}"


class EventPublisher(Protocol):
    """Delivers committed events to subscribers (in-process or across instances)."""

    async def publish(self, events: list[Event]) -> None: ...


class Closable(Protocol):
    """A subscription or listener that ends when closed."""

    def close(self) -> None: ...


class LiveSubscription(Closable, Protocol):
    """One subscriber's bounded queue on a channel (``domain.queues.BoundedQueue``):
    iterating takes the items in order, and it ends when the subscriber fell behind
    (``overflowed``) or was closed."""

    overflowed: bool

    def __aiter__(self) -> AsyncIterator[Event | Gap]: ...


class EventBus(EventPublisher, Protocol):
    """Publishes committed events and delivers them to this process's subscribers of
    each channel (in-process, or across instances through Redis)."""

    def subscribe(self, channel: str, maxsize: int) -> LiveSubscription:
        """A queue of the channel's items from now on."""
        ...

    def listen(self, channel: str, heard: Callable[[Event | Gap], None]) -> Closable:
        """Calls ``heard`` with each of the channel's items as it is delivered."""
        ...

    def status(self) -> str:
        """Either "ok" or why delivery across instances is not working (``/readyz``)."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class NullPublisher:
    """Publishes nothing (used where no subscriber can exist)."""

    async def publish(self, events: list[Event]) -> None:
        return None
