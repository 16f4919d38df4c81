"""GraphQL types of the support area."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.enums import StatsPeriodEnum  # noqa: F401 - registers the enum
from api.posts.types import PostType
from domain.support.model import StatsPeriod


@strawberry.type(
    description="A post in one of your circles that has had no reply from anyone but its "
    "author yet."
)
class AwaitingSupportItem:
    post: PostType = strawberry.field(description="The post, as the circle's feed shows it.")
    circle_id: strawberry.ID = strawberry.field(description="The circle it is in.")
    waiting_since: datetime = strawberry.field(description="When it was posted.")
    is_urgent: bool = strawberry.field(
        description="True when Hearth's risk detector rated it URGENT (these come first)."
    )
    responder_hint: str | None = strawberry.field(
        description="For URGENT posts: how to respond, pointing to the crisis lines "
        "(`crisisResources`); null otherwise."
    )


@strawberry.type(description="Your count of posts that need a reply changed.")
class AwaitingSupportChanged:
    count: int = strawberry.field(
        description="Posts in your circles waiting for a first reply now (`me.awaitingSupport`)."
    )


@strawberry.type(
    description="How fast a circle answers its posts: posts made in the period, not "
    "removed or hidden."
)
class SupportStats:
    period: StatsPeriod = strawberry.field(description="The window, ending now.")
    since: datetime = strawberry.field(description="Where the window starts.")
    posts: int = strawberry.field(description="Posts made in the window.")
    answered: int = strawberry.field(
        description="Of those, posts that got a reply from someone other than the author."
    )
    median_first_reply_seconds: int | None = strawberry.field(
        description="Median time to the first reply of answered posts (nearest rank); null "
        "without answered posts."
    )
    p90_first_reply_seconds: int | None = strawberry.field(
        description="90th percentile of the time to the first reply (nearest rank); null "
        "without answered posts."
    )
    unanswered_after_1h_share: float | None = strawberry.field(
        description="Of the posts at least an hour old, the share (0 to 1) without a reply "
        "within the hour; null when none is that old."
    )
    unanswered_after_24h_share: float | None = strawberry.field(
        description="Of the posts at least 24 hours old, the share (0 to 1) without a reply "
        "within 24 hours; null when none is that old."
    )
    active_listeners: int = strawberry.field(
        description="Members who replied to someone else's post in the window."
    )
    available_now: int = strawberry.field(
        description="Members who offered to listen here (`setSupportAvailability`) right now."
    )


@strawberry.type(description="One part of the guide to replying supportively.")
class SupportGuideSection:
    title: str = strawberry.field(description="The heading.")
    points: list[str] = strawberry.field(description="What to do, one point each.")


@strawberry.type(description="A published source the guide rests on.")
class SupportGuideSource:
    title: str = strawberry.field(description="The publisher and the document.")
    url: str = strawberry.field(description="Where to read it.")
    checked_on: str = strawberry.field(description="When Hearth last checked it (YYYY-MM-DD).")


@strawberry.type(
    description="How to reply supportively: what the app shows before someone's first reply."
)
class SupportGuide:
    version: str = strawberry.field(description="Changes when the guide's text changes.")
    summary: str = strawberry.field(description="The guide in one line.")
    sections: list[SupportGuideSection] = strawberry.field(description="The guide, in order.")
    sources: list[SupportGuideSource] = strawberry.field(description="What it rests on.")
