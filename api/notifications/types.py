"""GraphQL types for devices, notification preferences and the inbox."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

import strawberry

from api.enums import described_enum
from api.errors import UserError
from api.node import Node, register_node, to_global_id
from domain.notifications.model import (
    Device,
    Notification,
    NotificationKind,
    NotificationPreferences,
)
from domain.notifications.push import Platform
from domain.notifications.rules import deep_link

_ERRORS = "Why the input was refused."
_CIRCLE_ACTIVITY_UNUSED = (
    "Nothing is pushed for circle activity: new posts reach members live (the "
    "`circleActivity` subscription) and in the feed, never as pushes. The setting is "
    "stored and ignored; it will be removed after 2027-06-01."
)

_PLATFORM = described_enum(
    Platform,
    "DevicePlatform",
    "The platform a device runs.",
    {"IOS": "iPhone or iPad (APNs through FCM).", "ANDROID": "Android (FCM)."},
)
_KIND = described_enum(
    NotificationKind,
    "NotificationKind",
    "What a notification is about.",
    {
        "REPLY": "Someone replied to your post (several replies may be counted in one).",
        "REACTION": "Someone reacted to your post or reply.",
        "CHECKIN_REMINDER": "A reminder to check in.",
        "REMINDERS_PAUSED": "Your check-in reminders were paused after going unanswered.",
        "SAFETY_ALERT": "Safety team only: an urgent item is waiting in the safety queue.",
        "MODERATION_DECISION": "A moderator acted on your content or membership: what, "
        "why and which guideline (inbox only unless you opted in to pushes).",
        "SUPPORT_NUDGE": "You offered to listen, and a post in one of your circles has "
        "waited for a reply (no text from the post).",
    },
)


_DEVICE_IDS = UUID("6b1f3c52-8f0e-4d52-9a57-2f3a8d0c7e11")


def device_id(token: str) -> strawberry.ID:
    """A device's global ID: derived from its FID without showing it."""
    return to_global_id("Device", uuid5(_DEVICE_IDS, token))


@strawberry.type(
    name="Device",
    description="A device registered for push notifications. `node(id:)` resolves it for "
    "its owner only.",
)
class DeviceType(Node):
    platform: Platform = strawberry.field(description="iOS or Android.")
    app_version: str = strawberry.field(description="The app version that registered it.")
    locale: str = strawberry.field(description="The device's locale, e.g. en-GB.")
    last_seen_at: datetime = strawberry.field(description="When it last registered.")

    @classmethod
    def build(cls, device: Device) -> DeviceType:
        return cls(
            id=device_id(device.token),
            platform=device.platform,
            app_version=device.app_version,
            locale=device.locale,
            last_seen_at=device.last_seen_at,
        )


@strawberry.type(name="QuietHours", description="Local times between which pushes wait.")
class QuietHoursType:
    start: str = strawberry.field(description='Local start, 24-hour "HH:MM".')
    end: str = strawberry.field(description='Local end, 24-hour "HH:MM" (may be the next day).')


@strawberry.type(
    name="NotificationPreferences",
    description="What you want pushed to your devices. The inbox keeps everything.",
)
class NotificationPreferencesType:
    id: strawberry.ID = strawberry.field(
        description="Stable for each member: one set of preferences per member (for caches)."
    )
    replies: bool = strawberry.field(description="Replies to your posts.")
    reactions: bool = strawberry.field(
        description="Reactions to your posts and replies (batched, at most one push per post "
        "an hour)."
    )
    circle_activity: bool = strawberry.field(
        description="Stored, but no push depends on it.",
        deprecation_reason=_CIRCLE_ACTIVITY_UNUSED,
    )
    check_in_reminders: bool = strawberry.field(description="Check-in reminders.")
    quiet_hours: QuietHoursType | None = strawberry.field(
        description="Pushes wait until these end, in your timezone; null when off."
    )
    show_previews: bool = strawberry.field(
        description="Show a short preview of a reply on the lock screen (off by default). "
        "Anonymous replies and replies under content-warned posts are never previewed."
    )
    named_circle_ids: list[strawberry.ID] = strawberry.field(
        description="Circles you chose to see named in push titles (none by default: "
        "titles name no circle). Circles about self-harm recovery, trauma, eating "
        "disorders or substance use are never named."
    )
    moderation_decisions: bool = strawberry.field(
        default=False,
        description="Push moderators' decisions about you (off by default: they wait in "
        "the inbox).",
    )

    @classmethod
    def build(cls, prefs: NotificationPreferences) -> NotificationPreferencesType:
        quiet = prefs.quiet_hours
        return cls(
            id=to_global_id("NotificationPreferences", prefs.member_id),
            replies=prefs.replies,
            reactions=prefs.reactions,
            circle_activity=prefs.circle_activity,
            check_in_reminders=prefs.check_in_reminders,
            quiet_hours=QuietHoursType(
                start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M")
            )
            if quiet
            else None,
            show_previews=prefs.show_previews,
            moderation_decisions=prefs.moderation_decisions,
            named_circle_ids=sorted(to_global_id("Circle", c) for c in prefs.named_circle_ids),
        )


def _gid(type_name: str, raw: str | None) -> strawberry.ID | None:
    return to_global_id(type_name, UUID(raw)) if raw else None


_LINKED = {"circleId": "Circle", "postId": "Post", "replyId": "Reply", "safetyItemId": "SafetyItem"}


def _global_ids(data: dict[str, str]) -> dict[str, str]:
    return {k: str(to_global_id(t, UUID(data[k]))) for k, t in _LINKED.items() if data.get(k)}


@strawberry.type(name="Notification", description="An item in your in-app inbox.")
class NotificationType(Node):
    kind: NotificationKind = strawberry.field(description="What it is about.")
    title: str = strawberry.field(description="Short text, safe for a lock screen.")
    body: str = strawberry.field(description="Longer text, safe for a lock screen.")
    count: int = strawberry.field(description="How many events it stands for (e.g. replies).")
    created_at: datetime = strawberry.field(description="When it was created.")
    read_at: datetime | None = strawberry.field(description="When you marked it read.")
    circle_id: strawberry.ID | None = strawberry.field(description="The circle it is about.")
    post_id: strawberry.ID | None = strawberry.field(description="The post to open.")
    reply_id: strawberry.ID | None = strawberry.field(description="The newest reply it is about.")
    link: str = strawberry.field(
        description="The app URL to open, the same as the push's `data.link`: "
        "`hearth://posts/<postId>?reply=<replyId>`, `hearth://circles/<circleId>`, "
        "`hearth://check-in`, `hearth://settings/reminders`, "
        "`hearth://safety/items/<safetyItemId>` or `hearth://inbox` (docs/notifications.md)."
    )

    @strawberry.field(description="True once marked read.")
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def build(cls, n: Notification) -> NotificationType:
        return cls(
            id=to_global_id("Notification", n.id),
            kind=n.kind,
            title=n.title,
            body=n.body,
            count=n.count,
            created_at=n.created_at,
            read_at=n.read_at,
            circle_id=_gid("Circle", n.data.get("circleId")),
            post_id=_gid("Post", n.data.get("postId")),
            reply_id=_gid("Reply", n.data.get("replyId")),
            link=deep_link(n.kind, _global_ids(n.data)),
        )


@register_node("Notification")
async def resolve_notifications(
    info: strawberry.Info, ids: list[UUID]
) -> list[NotificationType | None]:
    """Only the recipient resolves their notifications."""
    viewer = await info.context.member_or_none()
    if viewer is None:
        return [None] * len(ids)
    found = await info.context.services.notification_reads.own_by_ids(ids, viewer.id)
    return [NotificationType.build(found[i]) if i in found else None for i in ids]


@strawberry.input(description="Register this device for push notifications.")
class RegisterDeviceInput:
    token: str = strawberry.field(
        description="The Firebase Installation ID (FID) from the FCM SDK's `onRegistered` "
        "callback, not a legacy registration token. Registering it from another account "
        "moves it there."
    )
    platform: Platform = strawberry.field(description="iOS or Android.")
    app_version: str = strawberry.field(description="The app version, e.g. 1.4.0.")
    locale: str = strawberry.field(description="The device locale, e.g. en-GB.")


@strawberry.type(description="The result of `registerDevice`.")
class RegisterDevicePayload:
    device: DeviceType | None = strawberry.field(description="The registration; null on errors.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Stop push notifications to a device (e.g. on sign-out).")
class UnregisterDeviceInput:
    token: str = strawberry.field(description="The FID passed to `registerDevice`.")


@strawberry.type(description="The result of `unregisterDevice`.")
class UnregisterDevicePayload:
    removed: bool = strawberry.field(description="False when it was not registered to you.")
    deleted_device_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The `Device` id that no longer exists: evict it. Null when nothing was "
        "removed.",
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Quiet hours in your local time.")
class QuietHoursInput:
    start: str = strawberry.field(description='Start, 24-hour "HH:MM", e.g. "22:00".')
    end: str = strawberry.field(description='End, 24-hour "HH:MM", e.g. "07:30".')


@strawberry.input(description="Notification preferences; omitted fields stay as they are.")
class UpdateNotificationPreferencesInput:
    replies: bool | None = strawberry.field(default=None, description="Replies to your posts.")
    reactions: bool | None = strawberry.field(
        default=None,
        description="Reactions to your posts and replies (batched, at most one push per post "
        "an hour).",
    )
    circle_activity: bool | None = strawberry.field(
        default=None,
        description="Stored, but no push depends on it.",
        deprecation_reason=_CIRCLE_ACTIVITY_UNUSED,
    )
    check_in_reminders: bool | None = strawberry.field(
        default=None, description="Check-in reminders."
    )
    quiet_hours: QuietHoursInput | None = strawberry.field(
        default=strawberry.UNSET, description="Quiet hours; null turns them off."
    )
    show_previews: bool | None = strawberry.field(
        default=None, description="Reply previews on the lock screen (off by default)."
    )
    moderation_decisions: bool | None = strawberry.field(
        default=None, description="Push moderators' decisions about you (off by default)."
    )


@strawberry.type(description="The result of `updateNotificationPreferences`.")
class UpdateNotificationPreferencesPayload:
    preferences: NotificationPreferencesType | None = strawberry.field(
        description="The saved preferences; null on errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Which of your notifications to mark read.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Notification IDs; others' IDs are ignored."
    )
    all: bool | None = strawberry.field(default=None, description="True marks every one read.")


@strawberry.type(description="The result of `markNotificationsRead`.")
class MarkNotificationsReadPayload:
    marked_count: int = strawberry.field(description="How many were unread and are now read.")
    unread_notification_count: int = strawberry.field(description="Unread ones left.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Show or stop showing a circle's name in your push titles.")
class SetCircleNameInPushesInput:
    circle_id: strawberry.ID = strawberry.field(description="A circle you are active in.")
    show: bool = strawberry.field(
        description="True to name it in push titles; never allowed for circles about "
        "self-harm recovery, trauma, eating disorders or substance use."
    )


@strawberry.type(description="The result of `setCircleNameInPushes`.")
class SetCircleNameInPushesPayload:
    preferences: NotificationPreferencesType | None = strawberry.field(
        description="The saved preferences; null on errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@register_node("Device")
async def resolve_devices(info: strawberry.Info, ids: list[UUID]) -> list[DeviceType | None]:
    """Only the owner resolves their devices."""
    viewer = await info.context.member_or_none()
    if viewer is None:
        return [None] * len(ids)
    async with info.context.services.uow() as uow:
        devices = (await uow.devices.for_members([viewer.id])).get(viewer.id, [])
    mine = {uuid5(_DEVICE_IDS, d.token): d for d in devices}
    return [DeviceType.build(mine[i]) if i in mine else None for i in ids]
