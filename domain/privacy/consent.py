"""Use cases for the health-data consent: give it, withdraw it, require it."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.checkins.shares import live_shares, record_share_ends
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, ValidationError
from domain.members.model import Member
from domain.privacy.model import CURRENT_HEALTH_DATA_CONSENT_VERSION, Consent, ConsentKind
from domain.uow import UnitOfWork

_NEEDS_CONSENT = (
    "Check-ins are health data: agree to the health-data consent first (giveHealthDataConsent)."
)


def check_health_consent_version(version: str, field: tuple[str, ...]) -> list[DomainError]:
    """HEALTH_CONSENT_REQUIRED on ``field`` unless ``version`` is the current text's."""
    if version == CURRENT_HEALTH_DATA_CONSENT_VERSION:
        return []
    message = (
        f"Please read and accept the current health-data consent "
        f"({CURRENT_HEALTH_DATA_CONSENT_VERSION})."
    )
    return [DomainError(ErrorCode.HEALTH_CONSENT_REQUIRED, message, field)]


def health_consent(member_id: UUID, version: str, clock: Clock) -> Consent:
    return Consent(uuid4(), member_id, ConsentKind.HEALTH_DATA, version, clock.now())


async def require_health_consent(uow: UnitOfWork, member_id: UUID) -> None:
    """HEALTH_CONSENT_REQUIRED unless the member has an active health-data consent
    (inside the caller's unit of work)."""
    if await uow.consents.active(member_id, ConsentKind.HEALTH_DATA) is None:
        raise DomainError(ErrorCode.HEALTH_CONSENT_REQUIRED, _NEEDS_CONSENT)


def guidelines_consent(member: Member) -> Consent:
    """The guidelines consent, as recorded on the profile at onboarding."""
    return Consent(
        member.id,
        member.id,
        ConsentKind.GUIDELINES,
        member.guidelines_version,
        member.guidelines_accepted_at,
    )


async def consents_of(member: Member, uow: UnitOfWork) -> list[Consent]:
    """Every consent of the member: the guidelines first, then the others, oldest first."""
    async with uow:
        stored = await uow.consents.of_member(member.id)
    return [guidelines_consent(member), *stored]


async def give_health_data_consent(
    member: Member, accepted_version: str, uow: UnitOfWork, clock: Clock
) -> list[Consent]:
    """Record the consent (a no-op when the same version is already active)."""
    errors = check_health_consent_version(accepted_version, ("input", "acceptedVersion"))
    if errors:
        raise ValidationError(errors)
    async with uow:
        active = await uow.consents.active(member.id, ConsentKind.HEALTH_DATA)
        if active is None or active.version != accepted_version:
            if active is not None:
                await uow.consents.withdraw(member.id, ConsentKind.HEALTH_DATA, clock.now())
            await uow.consents.add(health_consent(member.id, accepted_version, clock))
            await uow.commit()
    return await consents_of(member, uow)


async def withdraw_health_data_consent(
    member: Member, confirm: bool, uow: UnitOfWork, clock: Clock
) -> int:
    """Withdraw the consent and delete every check-in, note, share, reminder and
    check-in reminder notification of the member; returns the check-ins deleted.
    Every circle a check-in was shared with hears the share end, live. Posts and
    replies stay: they are community content, under the guidelines."""
    if confirm is not True:
        message = "Confirm that your check-ins, notes and reminders will be deleted."
        raise ValidationError([DomainError(ErrorCode.INVALID, message, ("input", "confirm"))])
    async with uow:
        shares = await live_shares(uow, member.id)
        deleted = await uow.health_data.erase_health_data(member.id)
        await uow.consents.withdraw(member.id, ConsentKind.HEALTH_DATA, clock.now())
        record_share_ends(uow, member.id, shares)
        await uow.commit()
    return deleted
