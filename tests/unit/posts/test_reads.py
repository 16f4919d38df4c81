"""What a viewer sees of posts and replies is decided in domain.posts.reads."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.circles.model import Membership, MembershipStatus, Role, Topic
from domain.moderation.model import NO_FILTERS, ViewerFilters
from domain.posts.model import ContentWarning, ReactionKind
from domain.posts.reads import (
    KINDS,
    NO_REACTIONS,
    AuthorView,
    Message,
    PostSnapshot,
    ReactionsSnapshot,
    ReplySnapshot,
    live_post_view,
    live_reply_view,
    live_tally,
    post_view,
    readable_circles,
    reply_view,
    tally_for,
    tally_of,
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


def test_a_tally_read_as_counts_then_the_viewers_own_is_no_reactions_when_all_are_zero() -> None:
    assert tally_of([0] * 8) is NO_REACTIONS
    assert tally_of([2, 0, 1, 0, 1, 0, 0, 0]).counts == (2, 0, 1, 0)
    assert tally_of([2, 0, 1, 0, 1, 0, 0, 0]).mine == (ReactionKind.HUG,)


@given(
    st.lists(st.tuples(st.sampled_from([READER, AUTHOR, uuid4()]), st.sampled_from(KINDS))),
    st.frozensets(st.sampled_from([AUTHOR])),
)
def test_a_tally_read_as_counts_then_the_viewers_own_matches_the_tally_of_the_reactions(
    sent: list[tuple[UUID, ReactionKind]], hidden: frozenset[UUID]
) -> None:
    # given reactions to one target, as (member, kind), each member's kinds once
    target = uuid4()
    reactions = [(target, member, kind.value) for member, kind in dict.fromkeys(sent)]
    # when the database counts each kind, then the viewer's own (infra/db/reads/posts.py)
    seen = [(m, k) for _, m, k in reactions if m not in hidden]
    vector = [sum(k == kind.value for _, k in seen) for kind in KINDS]
    vector += [sum(k == kind.value and m == READER for m, k in seen) for kind in KINDS]
    # then the viewer sees the same tally as from the reactions themselves
    assert tally_of(vector) == tally_for(reactions, target, READER, hidden)


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


def test_a_named_post_and_reply_show_their_author_body_and_reactions() -> None:
    m = message(content_warning=ContentWarning((Topic.GRIEF,), "loss"))
    counts = tally_for([(m.id, READER, "HUG"), (m.id, AUTHOR, "HUG")], m.id, READER)
    latest = (reply_view(message(post_id=m.id), READER, NO_REACTIONS),)
    view = post_view(m, READER, NO_FILTERS, counts, 3, latest)
    assert (view.message, view.is_mine, view.author, view.body) == (m, False, m.author, "hello")
    assert (view.reactions.counts, view.reactions.mine) == ((2, 0, 0, 0), (ReactionKind.HUG,))
    assert (view.content_warning, view.reply_count, view.latest_replies) == (
        m.content_warning,
        3,
        latest,
    )
    assert post_view(m, READER, NO_FILTERS, NO_REACTIONS, 0).latest_replies is None
    reply = message(post_id=m.id, hidden=True, hidden_reason="rude")
    mine = reply_view(reply, AUTHOR, counts)
    assert (mine.message, mine.is_mine, mine.author, mine.body, mine.hidden_reason) == (
        reply,
        True,
        reply.author,
        "hello",
        "rude",
    )
    assert mine.reactions == counts
    theirs = reply_view(reply, READER, NO_REACTIONS)
    assert (theirs.is_mine, theirs.body, theirs.hidden_reason) == (False, None, None)


def test_a_live_post_counts_what_this_viewer_may_see() -> None:
    blocked, other = uuid4(), uuid4()
    m = message()
    snapshot = PostSnapshot(
        m,
        ((m.id, READER, "HUG"), (m.id, blocked, "HUG"), (uuid4(), READER, "ME_TOO")),
        ((READER, blocked),),
        (blocked, other, other),
    )
    muted = ViewerFilters(muted_topics=frozenset({Topic.GRIEF}))
    view = live_post_view(snapshot, READER, muted)
    assert view is not None
    assert (view.is_mine, view.author, view.reply_count) == (False, m.author, 2)
    assert (view.reactions.counts, view.reactions.mine) == ((1, 0, 0, 0), (ReactionKind.HUG,))
    warned = PostSnapshot(message(content_warning=ContentWarning((Topic.GRIEF,), None)), (), (), ())
    folded = live_post_view(warned, READER, muted)
    assert folded is not None
    assert folded.folded_reason is not None
    own = live_post_view(snapshot, AUTHOR, NO_FILTERS)
    assert own is not None
    assert own.is_mine
    assert own.reply_count == 3


def test_a_live_reply_is_hidden_by_a_block_on_its_author_or_its_posts_author() -> None:
    post_author, blocked = uuid4(), uuid4()
    reply = message(post_id=uuid4(), anonymous=True)
    reactions = ((reply.id, READER, "STRENGTH"), (reply.id, blocked, "HUG"))
    snapshot = ReplySnapshot(reply, reactions, ((READER, blocked),), post_author)
    view = live_reply_view(snapshot, READER)
    assert view is not None
    assert (view.author, view.body, view.is_mine) == (None, "hello", False)
    assert (view.reactions.counts, view.reactions.mine) == ((0, 0, 1, 0), (ReactionKind.STRENGTH,))
    by_blocked = ReplySnapshot(reply, (), ((READER, AUTHOR),), post_author)
    assert live_reply_view(by_blocked, READER) is None
    under_blocked = ReplySnapshot(reply, (), ((post_author, READER),), post_author)
    assert live_reply_view(under_blocked, READER) is None
    assert live_reply_view(under_blocked, uuid4()) is not None


def test_live_reaction_counts_leave_out_blocked_members_and_blocked_authors() -> None:
    target, blocked = uuid4(), uuid4()
    reactions = ((target, READER, "THANK_YOU"), (target, blocked, "THANK_YOU"))
    snapshot = ReactionsSnapshot(True, AUTHOR, reactions, ((blocked, READER),))
    seen = live_tally(snapshot, target, READER)
    assert seen is not None
    assert (seen.counts, seen.mine) == ((0, 0, 0, 1), (ReactionKind.THANK_YOU,))
    everyone = live_tally(snapshot, target, uuid4())
    assert everyone is not None
    assert everyone.counts == (0, 0, 0, 2)
    hidden_author = ReactionsSnapshot(True, AUTHOR, reactions, ((AUTHOR, READER),))
    assert live_tally(hidden_author, target, READER) is None
