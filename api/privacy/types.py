"""GraphQL types, inputs and payloads of consents."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.enums import described_enum
from api.errors import UserError
from api.node import to_global_id
from domain.privacy.export import ExportStatus
from domain.privacy.model import Consent, ConsentKind

_ERRORS = "Why the input was refused."

ConsentKindEnum = described_enum(
    ConsentKind,
    "ConsentKind",
    "What a member agreed to.",
    {
        "GUIDELINES": "The community guidelines and the adult gate (at onboarding); covers "
        "posts, replies and reactions.",
        "HEALTH_DATA": "Storing check-ins, notes, shares and reminders (health data); "
        "optional, and can be withdrawn at any time.",
    },
)


@strawberry.type(name="Consent", description="A consent the member gave, with its version.")
class ConsentType:
    id: strawberry.ID = strawberry.field(description="The consent's opaque global ID.")
    kind: ConsentKind = strawberry.field(description="What was agreed to.")
    version: str = strawberry.field(description="The version of the text agreed to.")
    given_at: datetime = strawberry.field(description="When it was given.")
    withdrawn_at: datetime | None = strawberry.field(
        description="When it was withdrawn (or replaced by a newer version); null while it holds."
    )

    @classmethod
    def build(cls, consent: Consent) -> ConsentType:
        return cls(
            id=to_global_id("Consent", consent.id),
            kind=consent.kind,
            version=consent.version,
            given_at=consent.given_at,
            withdrawn_at=consent.withdrawn_at,
        )


@strawberry.type(description="The health-data consent members agree to before checking in.")
class HealthDataConsentText:
    version: str = strawberry.field(
        description="Pass this to `giveHealthDataConsent` or to `completeOnboarding`'s "
        "`acceptedHealthDataConsentVersion`."
    )
    summary: str = strawberry.field(description="What is stored, why, and how to withdraw.")


@strawberry.input(description="Agree to the health-data consent.")
class GiveHealthDataConsentInput:
    accepted_version: str = strawberry.field(
        description="The version agreed to; must be the current one (`healthDataConsent`)."
    )


@strawberry.input(description="Withdraw the health-data consent.")
class WithdrawHealthDataConsentInput:
    confirm: bool = strawberry.field(
        description="Must be true: every check-in, note, share and reminder is deleted."
    )


@strawberry.type(description="The result of `giveHealthDataConsent`.")
class GiveHealthDataConsentPayload:
    consents: list[ConsentType] | None = strawberry.field(
        description="All your consents now; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of `withdrawHealthDataConsent`.")
class WithdrawHealthDataConsentPayload:
    deleted_check_in_count: int | None = strawberry.field(
        description="How many check-ins were deleted; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Delete your account.")
class DeleteMyAccountInput:
    confirm: str = strawberry.field(description='Must be exactly "DELETE".')
    delete_content: bool = strawberry.field(
        description="True: your posts and replies are deleted too (the thread keeps a "
        'tombstone without text). False: they stay, shown as from "a former member", with '
        "no link to you."
    )


@strawberry.type(description="The result of `deleteMyAccount`.")
class DeleteMyAccountPayload:
    deleted_member_id: strawberry.ID | None = strawberry.field(
        description="The global ID the account had; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


ExportStatusEnum = described_enum(
    ExportStatus,
    "DataExportStatus",
    "Where a data export stands.",
    {
        "PENDING": "Being prepared; look again in a moment.",
        "READY": "Ready: download it from `downloadUrl` until `expiresAt`.",
        "FAILED": "Could not be prepared; ask for a new one.",
    },
)


@strawberry.type(name="DataExport", description="A copy of everything Hearth stores about you.")
class DataExportType:
    id: strawberry.ID = strawberry.field(description="The export's opaque ID.")
    status: ExportStatus = strawberry.field(description="Where it stands.")
    requested_at: datetime = strawberry.field(description="When you asked for it.")
    completed_at: datetime | None = strawberry.field(description="When it became ready.")
    expires_at: datetime = strawberry.field(
        description="When it is deleted (24 hours after it became ready)."
    )
    byte_size: int = strawberry.field(description="The document's size in bytes (when ready).")
    download_url: str | None = strawberry.field(
        description="A signed link (path) to the JSON document, valid until `expiresAt`; "
        "send the same `Authorization` header as for GraphQL. Null unless READY."
    )


@strawberry.type(description="The result of `exportMyData`.")
class ExportMyDataPayload:
    export: DataExportType | None = strawberry.field(
        description="The new export (PENDING); null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
