"""Posts, replies and reactions over the in-memory fakes: who may write, edit, remove
and react; what anonymity hides; contact details masked; muted members; blocks that
make content look missing; the moderation log of a moderator's removal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from domain.circles.model import Topic
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.events import EventKind
from domain.moderation.model import ModerationActionKind, TargetType
from domain.posts.model import ContentWarning, Post, ReactionKind
from domain.posts.reactions import react, unreact
from domain.posts.services import (
    CreatePost,
    create_post,
    delete_post,
    delete_reply,
    edit_post,
    edit_reply,
    reply_to_post,
)
from domain.ratelimits.policy import Action, RateLimited
from domain.safety.contact_details import MASK, ContactKind, ContactSpan
from domain.safety.model import RiskAssessment, RiskLevel
from tests.unit.fakes import (
    SINCE,
    CircleWithMembers,
    FakeRateLimiter,
    NoContactDetails,
)

NOW = SINCE + timedelta(hours=1)
CLOCK = FixedClock(NOW)


class _Phones:
    """Finds "555 0100" as a phone number, and notes the region it was asked about."""

    def __init__(self) -> None:
        self.regions: list[str] = []

    async def find(self, text: str, region: str) -> Sequence[ContactSpan]:
        self.regions.append(region)
        at = text.find("555 0100")
        return [ContactSpan(ContactKind.PHONE, at, at + 8)] if at >= 0 else []


class _Emails:
    async def find(self, text: str, region: str) -> Sequence[ContactSpan]:
        at = text.find("a@b.co")
        return [ContactSpan(ContactKind.EMAIL, at, at + 6)] if at >= 0 else []


class _Urgent:
    version = "test-1"

    def assess(self, text: str, language: str = "en") -> RiskAssessment:
        return RiskAssessment(RiskLevel.URGENT, ("rule.x",), self.version)


async def _post(
    c: CircleWithMembers,
    author: UUID,
    body: str = "How do you all sleep?",
    *,
    anonymous: bool = False,
    contacts: object = None,
    limiter: FakeRateLimiter | None = None,
    **warning: object,
) -> Post:
    cmd = CreatePost(author, c.circle.id, body, anonymous, **warning)  # type: ignore[arg-type]
    return await create_post(
        cmd,
        c.uow(),
        CLOCK,
        limiter or FakeRateLimiter(),
        contacts or NoContactDetails(),  # type: ignore[arg-type]
    )


async def _fails(code: ErrorCode, awaitable: object) -> DomainError:
    with pytest.raises(DomainError) as raised:
        await awaitable  # type: ignore[misc]
    assert raised.value.code is code
    return raised.value


# -- posting --------------------------------------------------------------------------


async def test_a_member_posts_in_their_circle_and_the_others_hear_it() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada, "  How do you all sleep?  ")
    assert (post.circle_id, post.author_id, post.anonymous) == (c.circle.id, c.ada, False)
    assert (post.body, post.created_at, post.content_warning) == (
        "How do you all sleep?",
        NOW,
        None,
    )
    assert c.store.posts[post.id] == post
    created = [e for e in c.store.published if e.kind is EventKind.POST_CREATED]
    assert [(e.circle_id, e.subject_id) for e in created] == [(c.circle.id, post.id)]
    waiting = {
        e.member_id for e in c.store.published if e.kind is EventKind.AWAITING_SUPPORT_CHANGED
    }
    assert waiting == {c.owner, c.mod, c.bo}


async def test_an_anonymous_post_keeps_its_author_for_the_server_only() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada, anonymous=True)
    assert post.anonymous is True
    assert c.store.posts[post.id].author_id == c.ada


async def test_a_post_needs_words_and_at_most_5000_characters() -> None:
    c = CircleWithMembers()
    for body, code, message in (
        ("   ", ErrorCode.TOO_SHORT, "Write something first."),
        ("x" * 5001, ErrorCode.TOO_LONG, "This can have at most 5,000 characters."),
    ):
        with pytest.raises(ValidationError) as raised:
            await _post(c, c.ada, body)
        (error,) = raised.value.errors
        assert (error.code, error.message, error.field) == (code, message, ("body",))
    assert (await _post(c, c.ada, "x" * 5000)).body == "x" * 5000


async def test_a_content_warning_keeps_each_topic_once_and_a_note_of_200_characters() -> None:
    c = CircleWithMembers()
    topics = [Topic.DEPRESSION, Topic.ANXIETY, Topic.DEPRESSION]
    post = await _post(c, c.ada, warning_topics=topics, warning_note="  about loss  ")
    assert post.content_warning == ContentWarning((Topic.DEPRESSION, Topic.ANXIETY), "about loss")
    only_note = await _post(c, c.ada, warning_note="x" * 200)
    assert only_note.content_warning == ContentWarning((), "x" * 200)
    only_topics = await _post(c, c.ada, warning_topics=[Topic.ANXIETY], warning_note="  ")
    assert only_topics.content_warning == ContentWarning((Topic.ANXIETY,), None)
    with pytest.raises(ValidationError) as raised:
        await _post(c, c.ada, warning_note="x" * 201)
    (error,) = raised.value.errors
    assert (error.code, error.message, error.field) == (
        ErrorCode.TOO_LONG,
        "Keep the warning under 200 characters.",
        ("contentWarning", "note"),
    )


async def test_contact_details_are_masked_in_the_authors_region_and_flagged() -> None:
    c = CircleWithMembers()
    phones = _Phones()
    post = await _post(c, c.ada, "call me on 555 0100 tonight", contacts=phones)
    assert post.body == f"call me on {MASK} tonight"
    assert post.contact_masked == (ContactKind.PHONE,)
    assert phones.regions == ["GB"]


async def test_only_active_members_post_and_muted_members_are_told_until_when() -> None:
    c = CircleWithMembers()
    error = await _fails(ErrorCode.NOT_FOUND, _post(c, uuid4()))
    assert (error.message, error.field) == ("Circle was not found.", ("circleId",))
    membership = c.membership(c.ada)
    assert membership is not None
    membership.muted_until = NOW + timedelta(days=1)
    error = await _fails(ErrorCode.MUTED, _post(c, c.ada))
    assert error.message == (
        "A moderator muted you in this circle until 2026-12-06 10:00 UTC. You can still read it."
    )
    assert error.field == ("circleId",)
    membership.muted_until = NOW  # the mute ends
    await _post(c, c.ada)


async def test_posting_takes_a_rate_limit_slot() -> None:
    c = CircleWithMembers()
    limiter = FakeRateLimiter({Action.POST: 1})
    await _post(c, c.ada, limiter=limiter)
    with pytest.raises(RateLimited):
        await _post(c, c.ada, limiter=limiter)


async def test_an_urgent_post_is_rated_and_reaches_the_safety_queue() -> None:
    c = CircleWithMembers()
    cmd = CreatePost(c.ada, c.circle.id, "words")
    post = await create_post(
        cmd,
        c.uow(),
        CLOCK,
        FakeRateLimiter(),
        NoContactDetails(),
        _Urgent(),  # type: ignore[arg-type]
    )
    assert post.risk_level is RiskLevel.URGENT
    (item,) = c.store.safety_items.values()
    assert (item.target_id, item.author_id, item.circle_id) == (post.id, c.ada, c.circle.id)


# -- editing and removing -------------------------------------------------------------


async def test_the_author_edits_a_post_and_its_flag_keeps_earlier_masked_kinds() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada, "write a@b.co", contacts=_Emails())
    later = FixedClock(NOW + timedelta(minutes=5))
    warning = ContentWarning((Topic.ANXIETY,), None)
    edited, masked = await edit_post(
        c.ada, post.id, "or 555 0100", warning, c.uow(), later, _Phones()
    )
    assert (edited.body, edited.edited_at, edited.content_warning) == (
        f"or {MASK}",
        later.now(),
        warning,
    )
    assert masked == (ContactKind.PHONE,)
    assert edited.contact_masked == (ContactKind.EMAIL, ContactKind.PHONE)
    assert c.store.posts[post.id].body == f"or {MASK}"
    assert (EventKind.POST_EDITED, post.id) in [(e.kind, e.subject_id) for e in c.store.published]


async def test_only_the_author_edits_and_a_removed_post_cannot_be_edited() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    error = await _fails(
        ErrorCode.FORBIDDEN,
        edit_post(c.mod, post.id, "new", None, c.uow(), CLOCK, NoContactDetails()),
    )
    assert error.message == "Only the author can edit a post."
    await delete_post(c.ada, post.id, c.uow(), CLOCK)
    error = await _fails(
        ErrorCode.NOT_FOUND,
        edit_post(c.ada, post.id, "new", None, c.uow(), CLOCK, NoContactDetails()),
    )
    assert (error.message, error.field) == ("This post was removed.", ("postId",))


async def test_the_author_removes_a_post_leaving_a_tombstone_and_no_log_line() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada, warning_topics=[Topic.ANXIETY])
    removed = await delete_post(c.ada, post.id, c.uow(), CLOCK)
    assert (removed.body, removed.content_warning) == ("", None)
    assert (removed.removed_at, removed.removed_by) == (NOW, c.ada)
    assert c.store.posts[post.id].is_removed
    assert c.store.moderation_log == []
    assert (EventKind.POST_REMOVED, post.id) in [(e.kind, e.subject_id) for e in c.store.published]
    again = await delete_post(c.ada, post.id, c.uow(), CLOCK)  # nothing left to remove
    assert again.removed_at == NOW


async def test_a_moderator_removing_an_anonymous_post_logs_no_author() -> None:
    c = CircleWithMembers()
    named = await _post(c, c.ada)
    anonymous = await _post(c, c.bo, anonymous=True)
    await delete_post(c.mod, named.id, c.uow(), CLOCK)
    await delete_post(c.mod, anonymous.id, c.uow(), CLOCK)
    assert [
        (a.kind, a.actor_id, a.target_type, a.target_id, a.target_member_id, a.created_at)
        for a in c.store.moderation_log
    ] == [
        (ModerationActionKind.REMOVE_CONTENT, c.mod, TargetType.POST, named.id, c.ada, NOW),
        (ModerationActionKind.REMOVE_CONTENT, c.mod, TargetType.POST, anonymous.id, None, NOW),
    ]


async def test_other_members_cannot_remove_a_post() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    error = await _fails(ErrorCode.FORBIDDEN, delete_post(c.bo, post.id, c.uow(), CLOCK))
    assert error.message == "Only the author or a moderator can remove a post."
    assert not c.store.posts[post.id].is_removed


async def test_a_block_makes_a_post_look_missing_except_to_moderators() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    c.store.blocks = {(c.ada, c.bo), (c.ada, c.mod)}
    error = await _fails(
        ErrorCode.NOT_FOUND,
        reply_to_post(
            c.bo, post.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails()
        ),
    )
    assert (error.message, error.field) == ("Post was not found.", ("postId",))
    await delete_post(c.mod, post.id, c.uow(), CLOCK)
    assert c.store.posts[post.id].is_removed


# -- replies --------------------------------------------------------------------------


async def _reply(
    c: CircleWithMembers, author: UUID, post: Post, body: str = "Same here.", **kw: object
) -> tuple[object, Post]:
    return await reply_to_post(
        author,
        post.id,
        body,
        bool(kw.get("anonymous", False)),
        c.uow(),
        FixedClock(NOW + timedelta(minutes=10)),
        FakeRateLimiter(),
        kw.get("contacts") or NoContactDetails(),  # type: ignore[arg-type]
    )


async def test_the_first_reply_by_someone_else_answers_the_post() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    own, _ = await _reply(c, c.ada, post)
    assert c.store.posts[post.id].first_reply_at is None
    reply, replied_to = await _reply(c, c.bo, post, anonymous=True)
    at = NOW + timedelta(minutes=10)
    assert replied_to.first_reply_at == at
    assert c.store.posts[post.id].first_reply_at == at
    stored = c.store.replies[reply.id]  # type: ignore[attr-defined]
    assert (stored.post_id, stored.circle_id, stored.author_id, stored.anonymous) == (
        post.id,
        c.circle.id,
        c.bo,
        True,
    )
    assert (stored.body, stored.created_at) == ("Same here.", at)
    created = [e for e in c.store.published if e.kind is EventKind.REPLY_CREATED]
    assert [(e.circle_id, e.subject_id, e.parent_id) for e in created] == [
        (c.circle.id, own.id, post.id),  # type: ignore[attr-defined]
        (c.circle.id, reply.id, post.id),  # type: ignore[attr-defined]
    ]
    assert any(n.member_id == c.ada for n in c.store.notifications.values())


async def test_replying_to_a_removed_or_hidden_post_says_which() -> None:
    c = CircleWithMembers()
    hidden = c.post(c.ada, hidden_at=NOW)
    error = await _fails(ErrorCode.NOT_FOUND, _reply(c, c.bo, hidden))
    assert (error.message, error.field) == ("A moderator hid this post.", ("postId",))
    removed = c.post(c.ada, removed_at=NOW)
    error = await _fails(ErrorCode.NOT_FOUND, _reply(c, c.bo, removed))
    assert (error.message, error.field) == ("This post was removed.", ("postId",))


async def test_a_reply_is_at_most_2000_characters_and_muted_members_cannot_reply() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    with pytest.raises(ValidationError) as raised:
        await _reply(c, c.bo, post, "x" * 2001)
    assert raised.value.message == "This can have at most 2,000 characters."
    membership = c.membership(c.bo)
    assert membership is not None
    membership.muted_until = NOW + timedelta(days=1)
    error = await _fails(ErrorCode.MUTED, _reply(c, c.bo, post))
    assert error.field == ("postId",)


async def test_replies_are_edited_by_their_author_and_removed_by_a_moderator() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    reply, _ = await _reply(c, c.bo, post, anonymous=True)
    reply_id = reply.id  # type: ignore[attr-defined]
    edited, masked = await edit_reply(c.bo, reply_id, "write a@b.co", c.uow(), CLOCK, _Emails())
    assert (edited.body, masked, edited.edited_at) == (f"write {MASK}", (ContactKind.EMAIL,), NOW)
    error = await _fails(
        ErrorCode.FORBIDDEN,
        edit_reply(c.ada, reply_id, "x", c.uow(), CLOCK, NoContactDetails()),
    )
    assert error.message == "Only the author can edit a reply."
    error = await _fails(ErrorCode.FORBIDDEN, delete_reply(c.ada, reply_id, c.uow(), CLOCK))
    assert error.message == "Only the author or a moderator can remove a reply."
    removed = await delete_reply(c.mod, reply_id, c.uow(), CLOCK)
    assert (removed.body, removed.removed_at, removed.removed_by) == ("", NOW, c.mod)
    (logged,) = c.store.moderation_log
    assert (logged.target_type, logged.target_id, logged.target_member_id) == (
        TargetType.REPLY,
        reply_id,
        None,
    )
    kinds = [(e.kind, e.subject_id, e.parent_id) for e in c.store.published]
    assert (EventKind.REPLY_EDITED, reply_id, post.id) in kinds
    assert (EventKind.REPLY_REMOVED, reply_id, post.id) in kinds
    again = await delete_reply(c.mod, reply_id, c.uow(), CLOCK)
    assert again.removed_at == NOW
    assert len(c.store.moderation_log) == 1


# -- reactions ------------------------------------------------------------------------


async def test_a_reaction_counts_once_and_can_be_taken_back() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    assert await react(c.bo, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter()) == (
        post.id
    )
    await react(c.bo, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter())
    assert list(c.store.reactions) == [(post.id, c.bo, ReactionKind.HUG)]
    changed = [e for e in c.store.published if e.kind is EventKind.REACTIONS_CHANGED]
    assert [(e.circle_id, e.subject_id) for e in changed] == [(c.circle.id, post.id)]
    assert await unreact(c.bo, post.id, ReactionKind.HUG, c.uow()) == c.circle.id
    assert c.store.reactions == {}
    await unreact(c.bo, post.id, ReactionKind.HUG, c.uow())
    changed = [e for e in c.store.published if e.kind is EventKind.REACTIONS_CHANGED]
    assert len(changed) == 2


async def test_reacting_to_hidden_removed_blocked_or_unreadable_content_is_not_found() -> None:
    c = CircleWithMembers()
    hidden = c.post(c.ada, hidden_at=NOW)
    removed = c.post(c.ada, removed_at=NOW)
    blocked = c.post(c.owner)
    c.store.blocks = {(c.owner, c.bo)}
    for target in (hidden.id, removed.id, blocked.id, uuid4()):
        error = await _fails(
            ErrorCode.NOT_FOUND,
            react(c.bo, target, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter()),
        )
        assert (error.message, error.field) == ("Post or reply was not found.", ("targetId",))
    reply = c.reply(c.ada)
    await react(c.bo, reply.id, ReactionKind.ME_TOO, c.uow(), CLOCK, FakeRateLimiter())
    await _fails(ErrorCode.NOT_FOUND, unreact(uuid4(), reply.id, ReactionKind.ME_TOO, c.uow()))
    await _fails(ErrorCode.NOT_FOUND, unreact(c.bo, uuid4(), ReactionKind.ME_TOO, c.uow()))


async def test_reactions_take_a_rate_limit_slot() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    limiter = FakeRateLimiter({Action.REACTION: 1})
    await react(c.bo, post.id, ReactionKind.HUG, c.uow(), CLOCK, limiter)
    with pytest.raises(RateLimited):
        await react(c.bo, post.id, ReactionKind.STRENGTH, c.uow(), CLOCK, limiter)


# -- details found by mutation testing ------------------------------------------------


async def test_each_write_takes_the_writers_own_rate_limit_slot() -> None:
    c = CircleWithMembers()
    limiter = FakeRateLimiter()
    post = await _post(c, c.ada, limiter=limiter)
    await reply_to_post(c.bo, post.id, "hi", False, c.uow(), CLOCK, limiter, NoContactDetails())
    await react(c.mod, post.id, ReactionKind.HUG, c.uow(), CLOCK, limiter)
    assert limiter.hits == {
        (c.ada, Action.POST): 1,
        (c.bo, Action.REPLY): 1,
        (c.mod, Action.REACTION): 1,
    }


async def test_replies_and_edits_are_rated_again_and_masked_in_the_writers_region() -> None:
    c = CircleWithMembers()
    c.store.members[c.bo].region = "US"
    post = await _post(c, c.ada)
    phones = _Phones()
    reply, _ = await reply_to_post(
        c.bo, post.id, "555 0100", True, c.uow(), CLOCK, FakeRateLimiter(), phones, _Urgent()
    )
    assert (reply.risk_level, reply.contact_masked) == (RiskLevel.URGENT, (ContactKind.PHONE,))
    assert phones.regions == ["US"]
    edited_reply, _ = await edit_reply(
        c.bo, reply.id, "555 0100", c.uow(), CLOCK, phones, _Urgent()
    )
    assert edited_reply.risk_level is RiskLevel.URGENT
    edited_post, _ = await edit_post(c.ada, post.id, "new", None, c.uow(), CLOCK, phones, _Urgent())
    assert edited_post.risk_level is RiskLevel.URGENT
    assert phones.regions == ["US", "US", "GB"]
    kinds = sorted((r.target_kind.value, r.target_id == reply.id) for r in c.store.risk_ratings)
    assert kinds == [("POST", False), ("REPLY", True), ("REPLY", True)]
    items = {(i.target_kind.value, i.target_id, i.author_id) for i in c.store.safety_items.values()}
    assert items == {("REPLY", reply.id, c.bo), ("POST", post.id, c.ada)}  # one per target
    assert c.store.posts[post.id].risk_level is RiskLevel.URGENT


async def test_edit_and_removal_events_name_the_circle() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    reply, _ = await reply_to_post(
        c.bo, post.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails()
    )
    c.store.published.clear()
    await edit_post(c.ada, post.id, "new", None, c.uow(), CLOCK, NoContactDetails())
    await edit_reply(c.bo, reply.id, "new", c.uow(), CLOCK, NoContactDetails())
    await delete_reply(c.bo, reply.id, c.uow(), CLOCK)
    await delete_post(c.ada, post.id, c.uow(), CLOCK)
    await unreact(c.bo, post.id, ReactionKind.HUG, c.uow())
    assert [(e.kind, e.circle_id, e.subject_id, e.parent_id) for e in c.store.published] == [
        (EventKind.POST_EDITED, c.circle.id, post.id, None),
        (EventKind.REPLY_EDITED, c.circle.id, reply.id, post.id),
        (EventKind.REPLY_REMOVED, c.circle.id, reply.id, post.id),
        (EventKind.POST_REMOVED, c.circle.id, post.id, None),
    ]
    assert c.store.moderation_log == []  # authors removing their own: no log line


async def test_removing_an_unanswered_post_updates_the_others_waiting_counts() -> None:
    c = CircleWithMembers()
    waiting = await _post(c, c.ada)
    answered = await _post(c, c.ada)
    await reply_to_post(
        c.bo, answered.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails()
    )
    c.store.published.clear()
    await delete_post(c.ada, answered.id, c.uow(), CLOCK)
    assert not [e for e in c.store.published if e.kind is EventKind.AWAITING_SUPPORT_CHANGED]
    await delete_post(c.ada, waiting.id, c.uow(), CLOCK)
    counts = [
        (e.member_id, e.subject_id)
        for e in c.store.published
        if e.kind is EventKind.AWAITING_SUPPORT_CHANGED
    ]
    assert sorted(counts) == sorted((m, c.circle.id) for m in (c.owner, c.mod, c.bo))


async def test_a_moderators_removal_is_logged_in_the_circle() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    reply, _ = await reply_to_post(
        c.bo, post.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails()
    )
    await delete_reply(c.mod, reply.id, c.uow(), CLOCK)
    await delete_post(c.mod, post.id, c.uow(), CLOCK)
    assert [(a.circle_id, a.target_member_id) for a in c.store.moderation_log] == [
        (c.circle.id, c.bo),
        (c.circle.id, c.ada),
    ]
    assert len({a.id for a in c.store.moderation_log} - {None}) == 2


async def test_the_time_to_a_first_reply_is_kept_in_seconds() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    later = FixedClock(NOW + timedelta(minutes=10))
    await reply_to_post(
        c.bo, post.id, "hi", False, c.uow(), later, FakeRateLimiter(), NoContactDetails()
    )
    assert c.store.answered_after == {post.id: 600}
    skewed = await _post(c, c.ada)
    before = FixedClock(NOW - timedelta(seconds=5))  # a clock a little behind
    await reply_to_post(
        c.bo, skewed.id, "hi", False, c.uow(), before, FakeRateLimiter(), NoContactDetails()
    )
    assert c.store.answered_after[skewed.id] == 0


async def test_what_outsiders_and_missing_targets_get_is_not_found() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    reply, _ = await reply_to_post(
        c.bo, post.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails()
    )
    outsider = uuid4()
    error = await _fails(
        ErrorCode.NOT_FOUND,
        reply_to_post(
            outsider, post.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails()
        ),
    )
    assert (error.message, error.field) == ("Post was not found.", ("postId",))
    error = await _fails(
        ErrorCode.NOT_FOUND,
        edit_post(c.ada, uuid4(), "x", None, c.uow(), CLOCK, NoContactDetails()),
    )
    assert (error.message, error.field) == ("Post was not found.", ("postId",))
    for who, which in ((outsider, reply.id), (c.bo, uuid4())):
        error = await _fails(
            ErrorCode.NOT_FOUND,
            edit_reply(who, which, "x", c.uow(), CLOCK, NoContactDetails()),
        )
        assert (error.message, error.field) == ("Reply was not found.", ("replyId",))
    error = await _fails(
        ErrorCode.NOT_FOUND,
        react(outsider, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter()),
    )
    assert (error.message, error.field) == ("Post or reply was not found.", ("targetId",))
    error = await _fails(
        ErrorCode.NOT_FOUND, unreact(outsider, reply.id, ReactionKind.HUG, c.uow())
    )
    assert (error.message, error.field) == ("Post or reply was not found.", ("targetId",))
    await delete_reply(c.bo, reply.id, c.uow(), CLOCK)
    error = await _fails(
        ErrorCode.NOT_FOUND, edit_reply(c.bo, reply.id, "x", c.uow(), CLOCK, NoContactDetails())
    )
    assert (error.message, error.field) == ("This reply was removed.", ("replyId",))


async def test_reactions_on_replies_are_kept_with_their_circle_and_taken_back() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    reply, _ = await reply_to_post(
        c.bo, post.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails()
    )
    await react(c.ada, reply.id, ReactionKind.THANK_YOU, c.uow(), CLOCK, FakeRateLimiter())
    assert c.store.reactions == {(reply.id, c.ada, ReactionKind.THANK_YOU): (c.circle.id, NOW)}
    c.store.published.clear()
    assert await unreact(c.ada, reply.id, ReactionKind.THANK_YOU, c.uow()) == c.circle.id
    assert [(e.kind, e.circle_id, e.subject_id) for e in c.store.published] == [
        (EventKind.REACTIONS_CHANGED, c.circle.id, reply.id)
    ]


async def test_a_blocked_member_cannot_react_but_a_moderator_still_can() -> None:
    c = CircleWithMembers()
    post = await _post(c, c.ada)
    c.store.blocks = {(c.ada, c.bo), (c.ada, c.mod)}
    await _fails(
        ErrorCode.NOT_FOUND,
        react(c.bo, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter()),
    )
    await react(c.mod, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter())
    assert list(c.store.reactions) == [(post.id, c.mod, ReactionKind.HUG)]


async def test_a_new_post_is_rated_on_its_masked_words_as_a_post() -> None:
    c = CircleWithMembers()

    class _Reads:
        version = "reads-1"

        def __init__(self) -> None:
            self.texts: list[str] = []

        def assess(self, text: str, language: str = "en") -> RiskAssessment:
            self.texts.append(text)
            return RiskAssessment(RiskLevel.NONE, (), self.version)

    reader = _Reads()
    cmd = CreatePost(c.ada, c.circle.id, " call 555 0100 ")
    post = await create_post(cmd, c.uow(), CLOCK, FakeRateLimiter(), _Phones(), reader)  # type: ignore[arg-type]
    assert reader.texts == [f"call {MASK}"]
    (rating,) = c.store.risk_ratings
    assert (rating.target_kind.value, rating.target_id) == ("POST", post.id)
