"""Mutations: register/unregister devices, preferences, mark notifications read."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from api.mutation_support import Fields, global_id, payload
from api.node import MAX_NODES, parse_id
from api.notifications.types import (
    DeviceType,
    MarkNotificationsReadInput,
    MarkNotificationsReadPayload,
    NotificationPreferencesType,
    RegisterDeviceInput,
    RegisterDevicePayload,
    SetCircleNameInPushesInput,
    SetCircleNameInPushesPayload,
    UnregisterDeviceInput,
    UnregisterDevicePayload,
    UpdateNotificationPreferencesInput,
    UpdateNotificationPreferencesPayload,
    device_id,
)
from domain.errors import DomainError, ErrorCode
from domain.notifications import services as notifications
from domain.notifications import settings as member_settings
from domain.notifications.model import NotificationPreferences
from domain.notifications.push import Platform

_ARG = strawberry.argument(description="The input.")


def _preferences(prefs: NotificationPreferences) -> Fields:
    return {"preferences": NotificationPreferencesType.build(prefs)}


def _marked(marked: notifications.MarkedRead) -> Fields:
    return {"marked_count": marked.changed, "unread_notification_count": marked.unread}


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        description="Register this device for push notifications (call on every app start "
        "and whenever the FCM SDK reports a new FID). At most 10 devices per member: the "
        "least recently seen one is dropped."
    )
    async def register_device(
        self, info: strawberry.Info, input: Annotated[RegisterDeviceInput, _ARG]
    ) -> RegisterDevicePayload:
        ctx, viewer = info.context, await info.context.member()
        command = member_settings.RegisterDevice(
            member_id=viewer.id,
            token=input.token,
            platform=Platform(input.platform),
            app_version=input.app_version,
            locale=input.locale,
        )
        return await payload(
            RegisterDevicePayload,
            lambda: member_settings.register_device(
                command, ctx.services.uow(), ctx.services.clock
            ),
            lambda device: {"device": DeviceType.build(device)},
        )

    @strawberry.mutation(description="Stop push notifications to a device (call on sign-out).")
    async def unregister_device(
        self, info: strawberry.Info, input: Annotated[UnregisterDeviceInput, _ARG]
    ) -> UnregisterDevicePayload:
        ctx, viewer = info.context, await info.context.member()
        return await payload(
            UnregisterDevicePayload,
            lambda: member_settings.unregister_device(viewer.id, input.token, ctx.services.uow()),
            lambda removed: {
                "removed": removed,
                "deleted_device_id": device_id(input.token) if removed else None,
            },
            lambda: {"removed": False},
        )

    @strawberry.mutation(description="Choose what is pushed to you, and quiet hours.")
    async def update_notification_preferences(
        self, info: strawberry.Info, input: Annotated[UpdateNotificationPreferencesInput, _ARG]
    ) -> UpdateNotificationPreferencesPayload:
        ctx, viewer = info.context, await info.context.member()
        quiet = input.quiet_hours
        command = member_settings.UpdatePreferences(
            member_id=viewer.id,
            replies=input.replies,
            reactions=input.reactions,
            circle_activity=input.circle_activity,
            check_in_reminders=input.check_in_reminders,
            quiet_start=quiet.start if quiet else None,
            quiet_end=quiet.end if quiet else None,
            clear_quiet_hours=quiet is None,
            show_previews=input.show_previews,
            moderation_decisions=input.moderation_decisions,
        )
        return await payload(
            UpdateNotificationPreferencesPayload,
            lambda: member_settings.update_preferences(
                command, ctx.services.uow(), ctx.services.clock
            ),
            _preferences,
        )

    @strawberry.mutation(
        description="Choose whether push titles name one of your circles. By default no "
        'title names a circle ("Someone replied to you"). Errors: NOT_FOUND on '
        "`input.circleId` unless you are an active member; INVALID on `input.show` for "
        "circles about self-harm recovery, trauma, eating disorders or substance use."
    )
    async def set_circle_name_in_pushes(
        self, info: strawberry.Info, input: Annotated[SetCircleNameInPushesInput, _ARG]
    ) -> SetCircleNameInPushesPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> NotificationPreferences:
            circle_id = global_id(input.circle_id, "Circle", "circleId")
            command = member_settings.NameCircleInPushes(viewer.id, circle_id, input.show)
            return await member_settings.name_circle_in_pushes(
                command, ctx.services.uow(), ctx.services.clock
            )

        return await payload(SetCircleNameInPushesPayload, run, _preferences)

    @strawberry.mutation(
        description="Mark some (`ids`) or all (`all: true`) of your notifications read."
    )
    async def mark_notifications_read(
        self, info: strawberry.Info, input: Annotated[MarkNotificationsReadInput, _ARG]
    ) -> MarkNotificationsReadPayload:
        ctx, viewer = info.context, await info.context.member()

        async def run() -> notifications.MarkedRead:
            if not input.all and input.ids is None:
                raise DomainError(ErrorCode.INVALID, "Pass `ids` or `all: true`.", ("ids",))
            if input.ids is not None and len(input.ids) > MAX_NODES:
                raise DomainError(
                    ErrorCode.TOO_LONG, f"Mark at most {MAX_NODES} at once.", ("ids",)
                )
            ids: list[UUID] | None = None
            if not input.all:
                parsed = (parse_id(i, "Notification", "ids") for i in input.ids or [])
                ids = [i for i in parsed if i is not None]
            return await notifications.mark_read(
                viewer.id, ids, ctx.services.uow(), ctx.services.clock
            )

        async def unchanged() -> Fields:
            unread = await ctx.services.notification_reads.unread_count(viewer.id)
            return _marked(notifications.MarkedRead(0, unread))

        return await payload(MarkNotificationsReadPayload, run, _marked, unchanged)
