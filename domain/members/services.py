"""Use cases for members: onboarding and profile edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from domain.checkins.services import follow_timezone
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.members import rules
from domain.members.model import CURRENT_GUIDELINES_VERSION, Member, NameSkeleton
from domain.privacy.consent import check_health_consent_version, health_consent
from domain.ratelimits.policy import Action, RateLimiter, take_slot
from domain.safety.contact_details import ContactDetector
from domain.uow import UnitOfWork

_NAME_TAKEN = "That display name is taken. Try another one."
_PROFILE_TEXT = {"display_name": "displayName", "pronouns": "pronouns", "bio": "bio"}


@dataclass(frozen=True, slots=True)
class CompleteOnboarding:
    """Create a member profile for a signed-in account and record consent."""

    firebase_uid: str
    display_name: str
    timezone: str
    region: str
    confirms_adult: bool
    accepted_guidelines_version: str
    accepted_health_data_consent_version: str | None = None
    """Optional: the health-data consent (needed before checking in) may also be
    given later with ``give_health_data_consent``."""


@dataclass(frozen=True, slots=True)
class UpdateProfile:
    """Edit a profile. ``None`` leaves a field as it is; an empty text clears
    ``pronouns`` and ``bio``."""

    firebase_uid: str
    display_name: str | None = None
    pronouns: str | None = None
    bio: str | None = None
    timezone: str | None = None
    region: str | None = None


def _field(name: str) -> tuple[str, ...]:
    return ("input", name)


async def _contact_errors(
    texts: dict[str, str | None], region: str, contacts: ContactDetector
) -> list[DomainError]:
    """CONTAINS_CONTACT_INFO for each profile text in which the contact-details
    detector (the one that masks posts) finds anything."""
    return [
        rules.contact_error(_PROFILE_TEXT[name], _field(_PROFILE_TEXT[name]))
        for name, text in texts.items()
        if name in _PROFILE_TEXT and text and await contacts.find(text, region)
    ]


async def _name_errors(
    uow: UnitOfWork, name: str, skeleton: str, except_id: UUID | None
) -> list[DomainError]:
    """TAKEN when another member has this name (regardless of case), otherwise
    NAME_CONFUSABLE when another member's name looks like it."""
    if await uow.members.name_taken(name, except_id=except_id):
        return [DomainError(ErrorCode.TAKEN, _NAME_TAKEN, _field("displayName"))]
    if await uow.members.skeleton_taken(skeleton, except_id=except_id):
        return [rules.name_confusable(_field("displayName"))]
    return []


async def complete_onboarding(
    cmd: CompleteOnboarding,
    uow: UnitOfWork,
    clock: Clock,
    contacts: ContactDetector,
    skeletons: NameSkeleton,
) -> Member:
    name, errors = rules.check_display_name(cmd.display_name, _field("displayName"))
    tz, tz_errors = rules.check_timezone(cmd.timezone, _field("timezone"))
    region, region_errors = rules.check_region(cmd.region, _field("region"))
    if not errors:
        errors += await _contact_errors({"display_name": name}, region, contacts)
    errors += tz_errors + region_errors
    if not cmd.confirms_adult:
        errors.append(
            DomainError(
                ErrorCode.MUST_BE_ADULT,
                "Hearth is for adults (18 and over).",
                _field("confirmsAdult"),
            )
        )
    if cmd.accepted_guidelines_version != CURRENT_GUIDELINES_VERSION:
        errors.append(
            DomainError(
                ErrorCode.GUIDELINES_NOT_ACCEPTED,
                f"Please read and accept the current guidelines ({CURRENT_GUIDELINES_VERSION}).",
                _field("acceptedGuidelinesVersion"),
            )
        )
    if cmd.accepted_health_data_consent_version is not None:
        errors += check_health_consent_version(
            cmd.accepted_health_data_consent_version, _field("acceptedHealthDataConsentVersion")
        )
    async with uow:
        if await uow.members.get_by_uid(cmd.firebase_uid) is not None:
            raise DomainError(ErrorCode.ALREADY_ONBOARDED, "You have already set up your profile.")
        skeleton = skeletons(name)
        if not errors:
            errors += await _name_errors(uow, name, skeleton, None)
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        member = Member(
            id=uuid4(),
            firebase_uid=cmd.firebase_uid,
            display_name=name,
            timezone=tz,
            region=region,
            created_at=now,
            updated_at=now,
            guidelines_version=cmd.accepted_guidelines_version,
            guidelines_accepted_at=now,
            adult_confirmed_at=now,
            name_skeleton=skeleton,
        )
        await uow.members.add(member)
        if cmd.accepted_health_data_consent_version is not None:
            consent = health_consent(member.id, cmd.accepted_health_data_consent_version, clock)
            await uow.consents.add(consent)
        await uow.commit()
    return member


ProfileCheck = Callable[[str, tuple[str, ...]], tuple[str | None, list[DomainError]]]


def _validated_changes(cmd: UpdateProfile) -> tuple[dict[str, str | None], list[DomainError]]:
    # each profile field an update may change: its name, its input field, its check
    checks: tuple[tuple[str, str, ProfileCheck], ...] = (
        ("display_name", "displayName", rules.check_display_name),
        ("pronouns", "pronouns", rules.check_pronouns),
        ("bio", "bio", rules.check_bio),
        ("timezone", "timezone", rules.check_timezone),
        ("region", "region", rules.check_region),
    )
    changes: dict[str, str | None] = {}
    errors: list[DomainError] = []
    for name, field, check in checks:
        given: str | None = getattr(cmd, name)
        if given is not None:
            changes[name], errs = check(given, _field(field))
            errors += errs
    return changes, errors


async def update_profile(
    cmd: UpdateProfile,
    uow: UnitOfWork,
    clock: Clock,
    limiter: RateLimiter,
    contacts: ContactDetector,
    skeletons: NameSkeleton,
) -> Member:
    """Edit a profile. A new display name (a change of case included) counts
    towards the rename limit; setting the same name again does not. A new name may
    not be taken or look like another member's."""
    changes, errors = _validated_changes(cmd)
    if errors:
        raise ValidationError(errors)
    async with uow:
        member = await uow.members.get_by_uid(cmd.firebase_uid)
        if member is None:
            raise DomainError(ErrorCode.NOT_ONBOARDED, "Set up your profile first.")
        region = changes.get("region") or member.region
        errors = await _contact_errors(changes, region, contacts)
        if errors:
            raise ValidationError(errors)
        new_name = changes.get("display_name")
        if new_name is not None and new_name != member.display_name:
            skeleton = skeletons(new_name)
            errors = await _name_errors(uow, new_name, skeleton, member.id)
            if errors:
                raise ValidationError(errors)
            await take_slot(limiter, member.id, Action.PROFILE_RENAME)
            changes["name_skeleton"] = skeleton
        updated = replace(member, **changes, updated_at=clock.now())  # type: ignore[arg-type]
        await uow.members.update(updated)
        if updated.timezone != member.timezone:
            await follow_timezone(uow, member.id, updated.timezone, updated.updated_at)
        await uow.commit()
    return updated
