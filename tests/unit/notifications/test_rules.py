"""Pure notification rules: quiet hours, backoff, lock-screen text, global IDs."""

from __future__ import annotations

import base64
import random
import time as system_time
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.node import from_global_id, to_global_id
from domain.circles.model import Topic
from domain.errors import DomainError, ErrorCode
from domain.notifications.model import (
    COLLAPSE_WINDOW,
    NotificationKind,
    NotificationPreferences,
    QuietHours,
)
from domain.notifications.rules import (
    NEVER_NAMED_TOPICS,
    can_collapse_into,
    collapse,
    counted_reactors,
    deep_link,
    local_day_bounds,
    may_name_circle,
    next_try_after,
    parse_local_time,
    quiet_hours_end,
    reaction_notification,
    reaction_title,
    reply_notification,
    retry_delay,
)
from domain.posts.model import ContentWarning, Post, ReactionKind, Reply
from infra.worker import global_id

NOW = datetime(2030, 7, 1, 21, 30, tzinfo=UTC)  # 22:30 in London (BST)


def test_worker_global_ids_match_the_api_format() -> None:
    raw = uuid4()
    assert global_id("Post", raw) == to_global_id("Post", raw)


@given(
    st.text(
        st.characters(blacklist_characters=":", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=30,
    ),
    st.uuids(),
)
def test_a_global_id_is_the_base64url_of_type_and_uuid_and_reads_back(
    type_name: str, raw: UUID
) -> None:
    made = to_global_id(type_name, raw)
    assert made == base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode()
    assert from_global_id(made) == (type_name, raw)


@pytest.mark.parametrize(
    ("start", "end", "now", "expected"),
    [
        (time(22), time(7), NOW, datetime(2030, 7, 2, 6, 0, tzinfo=UTC)),  # wraps midnight
        (time(23), time(7), NOW, None),  # not yet quiet
        (time(13), time(23), NOW, datetime(2030, 7, 1, 22, 0, tzinfo=UTC)),  # same day
        (time(8), time(8), NOW, None),  # empty
    ],
)
def test_quiet_hours_end_in_the_members_timezone(
    start: time, end: time, now: datetime, expected: datetime | None
) -> None:
    assert quiet_hours_end(QuietHours(start, end), "Europe/London", now) == expected


def test_local_day_bounds_follow_the_timezone() -> None:
    day, start, end = local_day_bounds("Asia/Tokyo", NOW)  # 06:30 on 2 July in Tokyo
    assert str(day) == "2030-07-02"
    assert start == datetime(2030, 7, 1, 15, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(1)
    for attempts in range(1, 12):
        delay = retry_delay(attempts, rng).total_seconds()
        base = min(30 * 2 ** (attempts - 1), 3600)
        assert base * 0.5 <= delay < base


def _post(**kw: object) -> Post:
    values: dict = {
        "id": uuid4(),
        "circle_id": uuid4(),
        "author_id": uuid4(),
        "anonymous": False,
        "body": "my secret post body",
        "created_at": NOW,
    }
    values.update(kw)
    return Post(**values)


def _reply(post: Post, **kw: object) -> Reply:
    values: dict = {
        "id": uuid4(),
        "post_id": post.id,
        "circle_id": post.circle_id,
        "author_id": uuid4(),
        "anonymous": False,
        "body": "a kind reply",
        "created_at": NOW,
    }
    values.update(kw)
    return Reply(**values)


def test_reply_text_never_holds_the_post_body_and_previews_need_consent() -> None:
    post = _post()
    prefs = NotificationPreferences(post.author_id)
    quiet = reply_notification(prefs, post, _reply(post), "Circle", "Owl", NOW)
    assert quiet is not None
    assert (quiet.title, quiet.body) == ("New reply in Circle", "Open Hearth to read it.")
    unnamed = reply_notification(prefs, post, _reply(post), None, "Owl", NOW)
    assert unnamed is not None
    assert unnamed.title == "Someone replied to you"
    prefs.show_previews = True
    shown = reply_notification(prefs, post, _reply(post), "Circle", "Owl", NOW)
    assert shown is not None
    assert shown.body == "Owl: a kind reply"
    anonymous = reply_notification(prefs, post, _reply(post, anonymous=True), "C", "Owl", NOW)
    assert anonymous is not None
    assert anonymous.body == "Open Hearth to read it."
    warned = _post(content_warning=ContentWarning((Topic.GRIEF,), None))
    cw = reply_notification(prefs, warned, _reply(warned), "C", "Owl", NOW)
    assert cw is not None
    assert cw.body == "Open Hearth to read it."
    own = _reply(post, author_id=post.author_id)
    assert reply_notification(prefs, post, own, "C", None, NOW) is None


def test_collapsing_counts_and_drops_any_preview() -> None:
    post = _post()
    prefs = NotificationPreferences(post.author_id, show_previews=True)
    first = reply_notification(prefs, post, _reply(post), "Circle", "Owl", NOW)
    second = reply_notification(prefs, post, _reply(post), "Circle", "Owl", NOW)
    assert first is not None
    assert second is not None
    merged = collapse(collapse(first, second, "Circle"), second, "Circle")
    assert merged.count == 3
    assert merged.title == "3 new replies in Circle"
    assert merged.body == "Open Hearth to read them."
    assert merged.data["replyId"] == second.data["replyId"]


def test_collapsed_titles_name_no_circle_unless_it_may_be_named() -> None:
    post = _post()
    prefs = NotificationPreferences(post.author_id)
    first = reply_notification(prefs, post, _reply(post), None, None, NOW)
    assert first is not None
    assert collapse(first, first, None).title == "2 new replies to your post"
    assert collapse(first, first, "Circle").title == "2 new replies in Circle"


@pytest.mark.parametrize(
    "sensitive",
    [Topic.SELF_HARM_RECOVERY, Topic.TRAUMA, Topic.EATING_DISORDERS, Topic.SUBSTANCE_USE],
)
def test_a_circle_is_named_only_when_chosen_and_never_for_sensitive_topics(
    sensitive: Topic,
) -> None:
    assert may_name_circle([Topic.ANXIETY, Topic.GRIEF], opted_in=True) is True
    assert may_name_circle([Topic.ANXIETY], opted_in=False) is False
    assert may_name_circle([sensitive], opted_in=True) is False
    assert may_name_circle([Topic.ANXIETY, sensitive], opted_in=True) is False
    assert {
        Topic.SELF_HARM_RECOVERY,
        Topic.TRAUMA,
        Topic.EATING_DISORDERS,
        Topic.SUBSTANCE_USE,
    } == NEVER_NAMED_TOPICS


@pytest.mark.parametrize(
    ("start", "end", "inside", "outside"),
    [
        (time(13), time(23), [time(13), time(18), time(22, 59)], [time(12, 59), time(23)]),
        (
            time(22),
            time(7),
            [time(22), time(23, 59), time(0), time(6, 59)],
            [time(7), time(21, 59)],
        ),
        (time(8), time(8), [], [time(8), time(7, 59), time(0)]),
    ],
)
def test_quiet_hours_include_their_start_and_exclude_their_end(
    start: time, end: time, inside: list[time], outside: list[time]
) -> None:
    london = "Europe/London"  # UTC in January
    for wall in inside:
        now = datetime.combine(datetime(2030, 1, 15).date(), wall, tzinfo=UTC)
        assert quiet_hours_end(QuietHours(start, end), london, now) is not None, wall
    for wall in outside:
        now = datetime.combine(datetime(2030, 1, 15).date(), wall, tzinfo=UTC)
        assert quiet_hours_end(QuietHours(start, end), london, now) is None, wall


@pytest.fixture
def server_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone is not UTC (a server configured in New York)."""
    monkeypatch.setenv("TZ", "America/New_York")
    system_time.tzset()
    yield
    monkeypatch.undo()
    system_time.tzset()


@pytest.mark.usefixtures("server_in_new_york")
def test_day_bounds_and_quiet_hours_are_utc_whatever_the_servers_zone() -> None:
    _, start, end = local_day_bounds("Asia/Tokyo", NOW)
    assert (start.utcoffset(), end.utcoffset()) == (timedelta(0), timedelta(0))
    assert str(start) == "2030-07-01 15:00:00+00:00"
    quiet_end = quiet_hours_end(QuietHours(time(22), time(7)), "Europe/London", NOW)
    assert str(quiet_end) == "2030-07-02 06:00:00+00:00"


def test_quiet_hours_ending_in_the_repeated_autumn_hour_defer_past_now() -> None:
    # London leaves BST on 27 October 2030: 01:00-02:00 local happens twice. At 01:15
    # GMT (the second time) quiet hours until 01:30 are on, and their first 01:30
    # (00:30 UTC) is already past: the row is tried again a second later.
    now = datetime(2030, 10, 27, 1, 15, tzinfo=UTC)
    assert quiet_hours_end(QuietHours(time(0), time(1, 30)), "Europe/London", now) == (
        now + timedelta(seconds=1)
    )


def test_a_pending_reply_notification_absorbs_replies_for_exactly_the_window() -> None:
    post = _post()
    pending = reply_notification(
        NotificationPreferences(post.author_id), post, _reply(post), None, None, NOW
    )
    assert pending is not None
    assert can_collapse_into(pending, NOW + COLLAPSE_WINDOW)
    assert not can_collapse_into(pending, NOW + COLLAPSE_WINDOW + timedelta(microseconds=1))


def test_deep_links_open_a_safety_item_only_for_safety_alerts() -> None:
    base = "hearth://"
    alert = deep_link(NotificationKind.SAFETY_ALERT, {"safetyItemId": "S1"})
    assert alert == f"{base}safety/items/S1"
    assert deep_link(NotificationKind.SAFETY_ALERT, {}) == f"{base}inbox"
    reply = deep_link(NotificationKind.REPLY, {"safetyItemId": "S1", "postId": "P1"})
    assert reply == f"{base}posts/P1"


def test_reaction_titles_say_post_or_reply_when_the_kinds_differ() -> None:
    kinds = [ReactionKind.HUG, ReactionKind.STRENGTH]
    assert reaction_title(2, kinds, on_reply=True) == "2 people reacted to your reply"
    assert reaction_title(1, kinds, on_reply=False) == "Someone reacted to your post"


def test_backoff_uses_the_given_random_source_or_the_modules() -> None:
    delays = {next_try_after(3, None, random.Random(7)) for _ in range(3)}
    assert len(delays) == 1  # the same seed, the same jitter
    assert delays == {next_try_after(3, 0, random.Random(7))}
    assert timedelta(seconds=60) <= retry_delay(3) < timedelta(seconds=120)
    assert timedelta(seconds=60) <= next_try_after(3, None) < timedelta(seconds=120)
    assert next_try_after(1, 600.0, random.Random(7)) == timedelta(seconds=600)


@pytest.mark.parametrize("value", ["7:00", "24:00", "22:60", "22.00", "", None])
def test_local_times_must_be_24_hour_hh_mm(value: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_local_time(value, ("input", "quietHours", "start"))
    assert refused.value.code is ErrorCode.INVALID
    assert refused.value.message == 'Use 24-hour "HH:MM" local times, e.g. "22:00".'
    assert refused.value.field == ("input", "quietHours", "start")
    assert parse_local_time("07:05", ("f",)) == time(7, 5)


def test_reactions_count_people_never_the_author_nor_anyone_blocked() -> None:
    author, blocked, a, b = uuid4(), uuid4(), uuid4(), uuid4()
    reactions = [
        (author, ReactionKind.THANK_YOU),
        (a, ReactionKind.HUG),
        (blocked, ReactionKind.STRENGTH),
        (a, ReactionKind.ME_TOO),
        (b, ReactionKind.HUG),
    ]
    people, kinds = counted_reactors(author, reactions, frozenset({blocked}))
    assert (people, kinds) == (2, {ReactionKind.HUG, ReactionKind.ME_TOO})


def test_a_reaction_to_a_reply_links_to_the_reply_in_its_post_and_circle() -> None:
    post = _post()
    reply = _reply(post)
    kinds = [ReactionKind.HUG, ReactionKind.ME_TOO]
    on_reply = reaction_notification(reply.author_id, reply, 2, kinds, NOW)
    assert on_reply.title == "2 people reacted to your reply"
    assert on_reply.data == {
        "circleId": str(post.circle_id),
        "postId": str(post.id),
        "replyId": str(reply.id),
    }
    assert (on_reply.count, on_reply.kind) == (2, NotificationKind.REACTION)
    assert on_reply.collapse_key == f"react-{reply.id}"
    on_post = reaction_notification(post.author_id, post, 2, kinds, NOW)
    assert on_post.title == "2 people reacted to your post"
    assert on_post.data == {"circleId": str(post.circle_id), "postId": str(post.id)}
    assert on_post.body == "Open Hearth to see."


def test_one_reaction_notification_per_target_and_hour() -> None:
    post = _post()
    hug = [ReactionKind.HUG]

    def key(at: datetime) -> str:
        return reaction_notification(post.author_id, post, 1, hug, at).dedupe_key

    assert key(NOW) == key(NOW + timedelta(minutes=29))  # 21:30 and 21:59
    assert key(NOW) != key(NOW + timedelta(minutes=30))  # 22:00
    assert key(NOW) != reaction_notification(uuid4(), post, 1, hug, NOW).dedupe_key


def test_a_reply_preview_is_one_line_of_at_most_80_characters() -> None:
    post = _post()
    prefs = NotificationPreferences(post.author_id, show_previews=True)

    def preview(body: str, name: str | None = None) -> str:
        made = reply_notification(prefs, post, _reply(post, body=body), None, name, NOW)
        assert made is not None
        return made.body

    assert preview("  so\n\nmuch   space\t") == "so much space"
    assert preview("x" * 80) == "x" * 80
    assert preview("x" * 81) == "x" * 79 + "…"
    assert preview("y" * 78 + " z and more") == "y" * 78 + "…"  # no space before the …
    assert preview("hello", "Owl") == "Owl: hello"


def test_a_reply_notification_goes_to_the_posts_author_and_links_the_reply() -> None:
    post = _post()
    reply = _reply(post)
    made = reply_notification(NotificationPreferences(post.author_id), post, reply, None, None, NOW)
    assert made is not None
    assert (made.member_id, made.kind, made.count) == (post.author_id, NotificationKind.REPLY, 1)
    assert made.data == {
        "circleId": str(post.circle_id),
        "postId": str(post.id),
        "replyId": str(reply.id),
    }
    assert (made.created_at, made.next_attempt_at) == (NOW, NOW)
    assert made.collapse_key == f"post-{post.id}"
    again = reply_notification(
        NotificationPreferences(post.author_id), post, reply, None, None, NOW
    )
    assert again is not None
    assert again.dedupe_key == made.dedupe_key  # a retried write adds no second row
    other = reply_notification(
        NotificationPreferences(post.author_id), post, _reply(post), None, None, NOW
    )
    assert other is not None
    assert other.dedupe_key != made.dedupe_key
    off = NotificationPreferences(post.author_id, replies=False)
    assert reply_notification(off, post, reply, None, None, NOW) is None
