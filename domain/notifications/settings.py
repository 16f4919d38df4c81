"""What a member controls about notifications: their devices (registered on sign-in,
forgotten on sign-out) and their preferences (which kinds, previews, quiet hours, and
the circles named in push titles)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from domain.circles.model import can_read
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, NotFound, ValidationError
from domain.notifications.model import (
    MAX_DEVICES,
    Device,
    NotificationPreferences,
    QuietHours,
)
from domain.notifications.push import Platform
from domain.notifications.rules import may_name_circle, parse_local_time
from domain.uow import UnitOfWork

TOKEN_MAX = 255


def _input(name: str) -> tuple[str, ...]:
    return ("input", name)


@dataclass(frozen=True, slots=True)
class RegisterDevice:
    member_id: UUID
    token: str
    platform: Platform
    app_version: str
    locale: str


async def register_device(cmd: RegisterDevice, uow: UnitOfWork, clock: Clock) -> Device:
    """Register (or refresh) a device. A FID belongs to one member: registering it
    again from another account moves it. Past MAX_DEVICES the least recently seen
    devices are dropped."""
    token = cmd.token.strip()
    errors = []
    if not token or len(token) > TOKEN_MAX:
        errors.append(
            DomainError(ErrorCode.INVALID, "That device identifier is not valid.", _input("token"))
        )
    if len(cmd.app_version) > 40:
        errors.append(
            DomainError(ErrorCode.TOO_LONG, "At most 40 characters.", _input("appVersion"))
        )
    if len(cmd.locale) > 35:
        errors.append(DomainError(ErrorCode.TOO_LONG, "At most 35 characters.", _input("locale")))
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    device = Device(token, cmd.member_id, cmd.platform, cmd.app_version, cmd.locale, now, now)
    async with uow:
        await uow.devices.save(device)
        await uow.devices.trim(cmd.member_id, MAX_DEVICES)
        await uow.commit()
    return device


async def unregister_device(member_id: UUID, token: str, uow: UnitOfWork) -> bool:
    """Forget the member's device (on sign-out). Idempotent."""
    async with uow:
        removed = await uow.devices.remove(token.strip(), member_id)
        await uow.commit()
    return removed


@dataclass(frozen=True, slots=True)
class UpdatePreferences:
    """Omitted (None) fields keep their value; ``clear_quiet_hours`` turns them off."""

    member_id: UUID
    replies: bool | None = None
    reactions: bool | None = None
    circle_activity: bool | None = None
    check_in_reminders: bool | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    clear_quiet_hours: bool = False
    show_previews: bool | None = None
    moderation_decisions: bool | None = None


_SWITCHES = (
    "replies",
    "reactions",
    "circle_activity",
    "check_in_reminders",
    "show_previews",
    "moderation_decisions",
)
"""The preferences that are on or off: each given one replaces the member's."""


async def preferences_of(uow: UnitOfWork, member_id: UUID) -> NotificationPreferences:
    """The member's preferences, or the defaults (inside the caller's unit of work)."""
    return await uow.notification_preferences.get(member_id) or NotificationPreferences(member_id)


async def update_preferences(
    cmd: UpdatePreferences, uow: UnitOfWork, clock: Clock
) -> NotificationPreferences:
    quiet: QuietHours | None = None
    if not cmd.clear_quiet_hours and (cmd.quiet_start is not None or cmd.quiet_end is not None):
        errors: list[DomainError] = []
        times = []
        for name, value in (("start", cmd.quiet_start), ("end", cmd.quiet_end)):
            try:
                times.append(parse_local_time(value or "", ("input", "quietHours", name)))
            except DomainError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        quiet = QuietHours(times[0], times[1])
    async with uow:
        current = await preferences_of(uow, cmd.member_id)
        given = {name: getattr(cmd, name) for name in _SWITCHES}
        updated = replace(
            current,
            **{name: value for name, value in given.items() if value is not None},
            quiet_hours=None if cmd.clear_quiet_hours else (quiet or current.quiet_hours),
            updated_at=clock.now(),
        )
        await uow.notification_preferences.save(updated)
        await uow.commit()
    return updated


@dataclass(frozen=True, slots=True)
class NameCircleInPushes:
    """Show (or stop showing) a circle's name in the member's push titles."""

    member_id: UUID
    circle_id: UUID
    show: bool


async def name_circle_in_pushes(
    cmd: NameCircleInPushes, uow: UnitOfWork, clock: Clock
) -> NotificationPreferences:
    """Opt in to (or out of) a circle's name in push titles. Only an active member may
    choose it, and never for a circle with one of NEVER_NAMED_TOPICS (INVALID on
    ``input.show``). Turning it off always works."""
    async with uow:
        circle = await uow.circles.get(cmd.circle_id)
        membership = await uow.memberships.get(cmd.circle_id, cmd.member_id)
        if circle is None or not can_read(membership):
            raise NotFound("Circle", _input("circleId"))
        if cmd.show and not may_name_circle(circle.topics, True):
            message = (
                "Circles about self-harm recovery, trauma, eating disorders or substance "
                "use are never named on a lock screen."
            )
            raise DomainError(ErrorCode.INVALID, message, _input("show"))
        current = await preferences_of(uow, cmd.member_id)
        named = current.named_circle_ids - {cmd.circle_id}
        updated = replace(
            current,
            named_circle_ids=named | {cmd.circle_id} if cmd.show else named,
            updated_at=clock.now(),
        )
        await uow.notification_preferences.save(updated)
        await uow.commit()
    return updated
