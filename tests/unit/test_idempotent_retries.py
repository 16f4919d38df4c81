"""Retried mutations with an idempotency key (domain.idempotency) over the in-memory
fakes: a repeat returns the first result, writes nothing and takes no rate-limit slot;
a key is checked, belongs to one kind of change, and expires after 24 hours."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.checkins.services import CheckInCommand, check_in
from domain.clock import FixedClock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.idempotency import KEY_TTL, Operation, StoredKey
from domain.posts.model import ReactionKind
from domain.posts.reactions import react
from domain.posts.services import CreatePost, create_post, reply_to_post
from domain.privacy.model import CURRENT_HEALTH_DATA_CONSENT_VERSION, Consent, ConsentKind
from domain.ratelimits.policy import Action
from tests.unit.fakes import SINCE, CircleWithMembers, FakeRateLimiter, NoContactDetails

NOW = SINCE + timedelta(hours=1)
CLOCK = FixedClock(NOW)
KEY = "6c1f6f0e-0d0b-4b8e-9a56-2f1f2b7c9d10"


def _consenting(c: CircleWithMembers) -> None:
    c.store.consents.append(
        Consent(uuid4(), c.ada, ConsentKind.HEALTH_DATA, CURRENT_HEALTH_DATA_CONSENT_VERSION, NOW)
    )


async def test_a_repeated_post_returns_the_first_and_takes_no_second_slot() -> None:
    c = CircleWithMembers()
    limiter = FakeRateLimiter({Action.POST: 1})
    cmd = CreatePost(c.ada, c.circle.id, "Hello", idempotency_key=KEY)
    first = await create_post(cmd, c.uow(), CLOCK, limiter, NoContactDetails())
    again = await create_post(cmd, c.uow(), CLOCK, limiter, NoContactDetails())
    assert again == first
    assert list(c.store.posts) == [first.id]
    assert limiter.hits == {(c.ada, Action.POST): 1}
    stored = c.store.idempotency[c.ada, KEY]
    assert stored == StoredKey(c.ada, KEY, Operation.CREATE_POST, first.id, NOW)


async def test_a_repeated_reply_returns_the_first_reply_and_its_post() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    limiter = FakeRateLimiter({Action.REPLY: 1})

    async def send() -> object:
        return await reply_to_post(
            c.bo, post.id, "Same", False, c.uow(), CLOCK, limiter, NoContactDetails(), None, KEY
        )

    reply, on = await send()  # type: ignore[misc]
    again, again_on = await send()  # type: ignore[misc]
    assert (again.id, again_on.id) == (reply.id, on.id)
    assert len(c.store.replies) == 1
    assert limiter.hits == {(c.bo, Action.REPLY): 1}


async def test_a_repeated_reaction_returns_its_target_without_a_slot() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    limiter = FakeRateLimiter({Action.REACTION: 1})
    for _ in range(2):
        assert await react(c.bo, post.id, ReactionKind.HUG, c.uow(), CLOCK, limiter, KEY) == (
            post.id
        )
    assert limiter.hits == {(c.bo, Action.REACTION): 1}


async def test_a_repeated_check_in_returns_the_first_one() -> None:
    c = CircleWithMembers()
    _consenting(c)
    cmd = CheckInCommand(c.ada, 3, idempotency_key=KEY)
    first = await check_in(cmd, c.uow(), CLOCK)
    again = await check_in(cmd, c.uow(), FixedClock(NOW + timedelta(minutes=1)))
    assert again == first
    assert list(c.store.check_ins) == [first.id]


async def test_someone_elses_key_is_theirs_alone() -> None:
    c = CircleWithMembers()
    cmd = CreatePost(c.ada, c.circle.id, "Hello", idempotency_key=KEY)
    await create_post(cmd, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())
    other = CreatePost(c.bo, c.circle.id, "Hi", idempotency_key=KEY)
    await create_post(other, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())
    assert len(c.store.posts) == 2


async def test_a_key_used_for_another_kind_of_change_is_refused() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)
    await react(c.bo, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter(), KEY)
    cmd = CreatePost(c.bo, c.circle.id, "Hello", idempotency_key=KEY)
    with pytest.raises(DomainError) as raised:
        await create_post(cmd, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())
    assert raised.value.code is ErrorCode.INVALID
    assert raised.value.message == "This idempotency key was already used for another change."
    assert raised.value.field == ("idempotencyKey",)


async def test_a_key_is_free_again_after_24_hours() -> None:
    c = CircleWithMembers()
    cmd = CreatePost(c.ada, c.circle.id, "Hello", idempotency_key=KEY)
    await create_post(cmd, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())
    just_before = FixedClock(NOW + KEY_TTL)
    await create_post(cmd, c.uow(), just_before, FakeRateLimiter(), NoContactDetails())
    assert len(c.store.posts) == 1
    later = FixedClock(NOW + KEY_TTL + timedelta(seconds=1))
    await create_post(cmd, c.uow(), later, FakeRateLimiter(), NoContactDetails())
    assert len(c.store.posts) == 2
    assert timedelta(hours=24) == KEY_TTL


@pytest.mark.parametrize("key", ["", " padded", "x" * 101, "tab\there"])
async def test_a_key_is_1_to_100_printable_characters_without_outer_spaces(key: str) -> None:
    c = CircleWithMembers()
    cmd = CreatePost(c.ada, c.circle.id, "Hello", idempotency_key=key)
    with pytest.raises(ValidationError) as raised:
        await create_post(cmd, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())
    (error,) = raised.value.errors
    assert (error.code, error.field) == (ErrorCode.INVALID, ("idempotencyKey",))
    assert error.message == "An idempotency key is 1 to 100 printable characters, e.g. a UUID."
    longest = CreatePost(c.ada, c.circle.id, "Hello", idempotency_key="x" * 100)
    await create_post(longest, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())


async def test_a_replayed_post_that_is_gone_for_good_is_not_found() -> None:
    c = CircleWithMembers()
    cmd = CreatePost(c.ada, c.circle.id, "Hello", idempotency_key=KEY)
    post = await create_post(cmd, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())
    del c.store.posts[post.id]
    with pytest.raises(DomainError) as raised:
        await create_post(cmd, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails())
    assert raised.value.code is ErrorCode.NOT_FOUND
    assert raised.value.message == "Post was not found."
    assert raised.value.field == ("idempotencyKey",)


async def test_a_check_in_key_is_checked_on_its_input_field() -> None:
    c = CircleWithMembers()
    _consenting(c)
    with pytest.raises(ValidationError) as raised:
        await check_in(CheckInCommand(c.ada, 3, idempotency_key=""), c.uow(), CLOCK)
    assert raised.value.field == ("input", "idempotencyKey")
    first = await check_in(CheckInCommand(c.ada, 3, idempotency_key=KEY), c.uow(), CLOCK)
    del c.store.check_ins[first.id]
    with pytest.raises(DomainError) as gone:
        await check_in(CheckInCommand(c.ada, 3, idempotency_key=KEY), c.uow(), CLOCK)
    assert (gone.value.code, gone.value.field) == (
        ErrorCode.NOT_FOUND,
        ("input", "idempotencyKey"),
    )


async def test_each_kind_of_change_keeps_its_key_for_its_writer() -> None:
    c = CircleWithMembers()
    _consenting(c)
    post = c.post(c.ada)
    await reply_to_post(
        c.bo, post.id, "hi", False, c.uow(), CLOCK, FakeRateLimiter(), NoContactDetails(), None, KEY
    )
    await react(c.mod, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter(), KEY)
    made = await check_in(CheckInCommand(c.ada, 3, idempotency_key=KEY), c.uow(), CLOCK)
    stored = {member: (k.key, k.operation) for (member, _), k in c.store.idempotency.items()}
    assert stored == {
        c.bo: (KEY, Operation.REPLY_TO_POST),
        c.mod: (KEY, Operation.REACT),
        c.ada: (KEY, Operation.CHECK_IN),
    }
    assert c.store.idempotency[c.ada, KEY].result_id == made.id


async def test_a_key_reused_for_another_change_is_refused_on_its_field_everywhere() -> None:
    c = CircleWithMembers()
    _consenting(c)
    post = c.post(c.bo)
    await create_post(
        CreatePost(c.ada, c.circle.id, "x", idempotency_key=KEY),
        c.uow(),
        CLOCK,
        FakeRateLimiter(),
        NoContactDetails(),
    )
    attempts = [
        (
            reply_to_post(
                c.ada,
                post.id,
                "hi",
                False,
                c.uow(),
                CLOCK,
                FakeRateLimiter(),
                NoContactDetails(),
                None,
                KEY,
            ),
            ("idempotencyKey",),
        ),
        (
            react(c.ada, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter(), KEY),
            ("idempotencyKey",),
        ),
        (
            check_in(CheckInCommand(c.ada, 3, idempotency_key=KEY), c.uow(), CLOCK),
            ("input", "idempotencyKey"),
        ),
    ]
    for attempt, field in attempts:
        with pytest.raises(DomainError) as raised:
            await attempt
        assert (raised.value.code, raised.value.field) == (ErrorCode.INVALID, field)
    for bad in (
        reply_to_post(
            c.ada,
            post.id,
            "hi",
            False,
            c.uow(),
            CLOCK,
            FakeRateLimiter(),
            NoContactDetails(),
            None,
            " ",
        ),
        react(c.ada, post.id, ReactionKind.HUG, c.uow(), CLOCK, FakeRateLimiter(), " "),
    ):
        with pytest.raises(ValidationError) as invalid:
            await bad
        assert invalid.value.field == ("idempotencyKey",)


async def test_a_replayed_reply_whose_reply_or_post_is_gone_says_which() -> None:
    c = CircleWithMembers()
    post = c.post(c.ada)

    async def send() -> object:
        return await reply_to_post(
            c.bo,
            post.id,
            "hi",
            False,
            c.uow(),
            CLOCK,
            FakeRateLimiter(),
            NoContactDetails(),
            None,
            KEY,
        )

    reply, _ = await send()  # type: ignore[misc]
    del c.store.posts[post.id]
    with pytest.raises(DomainError) as post_gone:
        await send()
    assert (post_gone.value.message, post_gone.value.field) == (
        "Post was not found.",
        ("idempotencyKey",),
    )
    del c.store.replies[reply.id]
    with pytest.raises(DomainError) as reply_gone:
        await send()
    assert (reply_gone.value.message, reply_gone.value.field) == (
        "Reply was not found.",
        ("idempotencyKey",),
    )
