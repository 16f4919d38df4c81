"""Pure notification rules: quiet hours, backoff, lock-screen text, global IDs."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

import pytest

from api.node import to_global_id
from domain.circles.model import Topic
from domain.notifications.model import NotificationPreferences, QuietHours
from domain.notifications.rules import (
    NEVER_NAMED_TOPICS,
    collapse,
    local_day_bounds,
    may_name_circle,
    quiet_hours_end,
    reply_notification,
    retry_delay,
)
from domain.posts.model import ContentWarning, Post, Reply
from infra.worker import global_id

NOW = datetime(2030, 7, 1, 21, 30, tzinfo=UTC)  # 22:30 in London (BST)


def test_worker_global_ids_match_the_api_format() -> None:
    raw = uuid4()
    assert global_id("Post", raw) == to_global_id("Post", raw)


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
    assert "kind reply" not in merged.body
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
