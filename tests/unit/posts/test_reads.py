"""What a viewer sees of posts and replies is decided in domain.posts.reads."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.circles.model import Membership, MembershipStatus, Role, Topic
from domain.moderation.model import NO_FILTERS, ViewerFilters
from domain.posts.model import ContentWarning, ReactionKind
from domain.posts.reads import (
    NO_REACTIONS,
    AuthorView,
    Message,
    PostSnapshot,
    live_post_view,
    post_view,
    readable_circles,
    reply_view,
    tally_for,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
AUTHOR, READER = uuid4(), uuid4()


def message(**changes: object) -> Message:
    values: dict[str, object] = {
        "id": uuid4(),
        "circle_id": uuid4(),
        "post_id": None,
        "author": AuthorView(AUTHOR, "Ada", None, None, NOW),
        "anonymous": False,
        "body": "hello",
        "content_warning": None,
        "created_at": NOW,
        "edited_at": None,
        "removed": False,
        "risk_level": 0,
        "hidden": False,
        "hidden_reason": None,
    }
    return Message(**(values | changes))  # type: ignore[arg-type]


def test_an_anonymous_post_has_no_author_for_anyone_and_is_mine_only_for_its_author() -> None:
    m = message(anonymous=True)
    for viewer in (AUTHOR, READER):
        view = post_view(m, viewer, NO_FILTERS, NO_REACTIONS, 0)
        assert view.author is None
        assert view.is_mine is (viewer == AUTHOR)
    assert reply_view(m, READER, NO_REACTIONS).author is None


def test_a_removed_post_keeps_no_body_no_warning_and_no_author() -> None:
    m = message(removed=True, content_warning=ContentWarning((Topic.GRIEF,), "sad"))
    view = post_view(m, AUTHOR, NO_FILTERS, NO_REACTIONS, 0)
    assert (view.body, view.content_warning, view.author) == (None, None, None)


def test_a_hidden_post_keeps_its_body_and_reason_for_its_author_only() -> None:
    m = message(hidden=True, hidden_reason="off topic")
    mine = post_view(m, AUTHOR, NO_FILTERS, NO_REACTIONS, 0)
    theirs = post_view(m, READER, NO_FILTERS, NO_REACTIONS, 0)
    assert (mine.body, mine.hidden_reason) == ("hello", "off topic")
    assert (theirs.body, theirs.hidden_reason) == (None, None)


def test_a_muted_topic_folds_the_post() -> None:
    m = message(content_warning=ContentWarning((Topic.GRIEF,), None))
    muted = ViewerFilters(muted_topics=frozenset({Topic.GRIEF}))
    assert post_view(m, READER, muted, NO_REACTIONS, 0).folded_reason is not None
    assert post_view(m, READER, NO_FILTERS, NO_REACTIONS, 0).folded_reason is None


def test_reactions_of_hidden_members_are_left_out() -> None:
    target, blocked = uuid4(), uuid4()
    reactions = [(target, READER, "HUG"), (target, blocked, "HUG"), (target, AUTHOR, "ME_TOO")]
    tally = tally_for(reactions, target, READER, frozenset({blocked}))
    assert tally.counts == (1, 1, 0, 0)
    assert tally.mine == (ReactionKind.HUG,)


def test_only_active_members_read_a_circle() -> None:
    def member(status: MembershipStatus) -> Membership:
        return Membership(uuid4(), READER, Role.MEMBER, status, NOW, NOW)

    memberships: dict[UUID, Membership] = {}
    for status in MembershipStatus:
        m = member(status)
        memberships[m.circle_id] = m
    readable = readable_circles(memberships)
    assert {memberships[c].status for c in readable} == {MembershipStatus.ACTIVE}


def test_a_live_post_by_someone_the_viewer_blocked_is_not_shown() -> None:
    snapshot = PostSnapshot(message(), (), ((READER, AUTHOR),), ())
    assert live_post_view(snapshot, READER, NO_FILTERS) is None
    assert live_post_view(snapshot, uuid4(), NO_FILTERS) is not None
