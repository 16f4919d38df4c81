"""What the worker hands the push sender for each kind of notification: one
message per device, ids only in ``data``, and the channel, priority, collapse key,
thread and time-to-live of the kind."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from domain.notifications.model import Device, NotificationKind
from domain.notifications.push import Platform, PushPriority
from domain.notifications.rules import deep_link
from infra.worker.messages import Claimed, global_id, push_data, push_messages

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def claimed(kind: NotificationKind, **extra: object) -> Claimed:
    member = uuid4()
    values: dict[str, object] = {
        "id": uuid4(),
        "member_id": member,
        "kind": kind,
        "title": "Someone replied to you",
        "body": "Open Hearth to read it.",
        "data": {},
        "collapse_key": None,
        "count": 1,
        "urgent": False,
        "attempts": 1,
        "created_at": NOW,
        "timezone": "Europe/London",
        "quiet": None,
        "devices": [
            Device("fid-a", member, Platform.ANDROID, "1.0", "en-GB", NOW, NOW),
            Device("fid-i", member, Platform.IOS, "1.0", "en-GB", NOW, NOW),
        ],
        **extra,
    }
    return Claimed(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "channel", "priority", "collapse", "ttl"),
    [
        (NotificationKind.REPLY, "replies", PushPriority.HIGH, "replies", 86400),
        (NotificationKind.REACTION, "reactions", PushPriority.HIGH, "reactions", 86400),
        (
            NotificationKind.CHECKIN_REMINDER,
            "checkin_reminders",
            PushPriority.NORMAL,
            "checkin",
            21600,
        ),
    ],
)
def test_each_kind_has_its_channel_priority_collapse_key_and_lifetime(
    kind: NotificationKind, channel: str, priority: PushPriority, collapse: str, ttl: int
) -> None:
    row = claimed(kind)
    messages = push_messages(row)
    assert [m.device_token for m in messages] == ["fid-a", "fid-i"]
    assert [m.platform for m in messages] == [Platform.ANDROID, Platform.IOS]
    for m in messages:
        assert (m.title, m.body) == (row.title, row.body)
        assert (m.channel_id, m.priority, m.collapse_key, m.ttl_seconds) == (
            channel,
            priority,
            collapse,
            ttl,
        )
        assert (m.tag, m.thread_id) == (None, "checkin")
        assert m.data == {
            "type": kind.value,
            "notificationId": global_id("Notification", row.id),
            "link": "hearth://check-in"
            if kind is NotificationKind.CHECKIN_REMINDER
            else "hearth://inbox",
        }


def test_a_reply_threads_by_post_and_its_data_holds_global_ids_and_the_count() -> None:
    circle, post, reply = uuid4(), uuid4(), uuid4()
    row = claimed(
        NotificationKind.REPLY,
        data={"circleId": str(circle), "postId": str(post), "replyId": str(reply)},
        collapse_key=f"post-{post}",
        count=3,
    )
    [message, _] = push_messages(row)
    assert (message.tag, message.thread_id) == (f"post-{post}", f"post-{post}")
    assert push_data(row) == {
        "type": "REPLY",
        "notificationId": global_id("Notification", row.id),
        "circleId": global_id("Circle", circle),
        "postId": global_id("Post", post),
        "replyId": global_id("Reply", reply),
        "count": "3",
        "link": f"hearth://posts/{global_id('Post', post)}?reply={global_id('Reply', reply)}",
    }


def test_a_member_without_devices_gets_no_message() -> None:
    assert push_messages(claimed(NotificationKind.REPLY, devices=[])) == []


@pytest.mark.parametrize(
    ("kind", "data", "link"),
    [
        (NotificationKind.REACTION, {"circleId": "C", "postId": "P"}, "hearth://posts/P"),
        (
            NotificationKind.REACTION,
            {"circleId": "C", "postId": "P", "replyId": "R"},
            "hearth://posts/P?reply=R",
        ),
        (NotificationKind.MODERATION_DECISION, {"circleId": "C"}, "hearth://circles/C"),
        (
            NotificationKind.MODERATION_DECISION,
            {"circleId": "C", "postId": "P"},
            "hearth://posts/P",
        ),
        (NotificationKind.SAFETY_ALERT, {"safetyItemId": "S"}, "hearth://safety/items/S"),
        (NotificationKind.CHECKIN_REMINDER, {}, "hearth://check-in"),
        (NotificationKind.REMINDERS_PAUSED, {}, "hearth://settings/reminders"),
    ],
)
def test_every_kind_has_a_deep_link(
    kind: NotificationKind, data: dict[str, str], link: str
) -> None:
    assert deep_link(kind, data) == link


def test_the_deep_link_table_covers_every_kind() -> None:
    """docs/notifications.md has a deep-link row for every kind."""
    docs = (Path(__file__).resolve().parents[3] / "docs" / "notifications.md").read_text()
    table = docs.split("### Deep links", 1)[1].split("###", 1)[0]
    for kind in NotificationKind:
        assert f"| `{kind.value}` |" in table, kind


def test_push_data_counts_from_two_and_passes_other_values_as_text() -> None:
    assert "count" not in push_data(claimed(NotificationKind.REPLY, count=1))
    assert push_data(claimed(NotificationKind.REPLY, count=2))["count"] == "2"
    data = push_data(claimed(NotificationKind.CHECKIN_REMINDER, data={"slot": 7}))
    assert data["slot"] == "7"  # not an id: no global id, just the text
