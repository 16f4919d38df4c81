"""Consent queries and mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.mutation_support import payload
from api.privacy.types import (
    ConsentType,
    GiveHealthDataConsentInput,
    GiveHealthDataConsentPayload,
    HealthDataConsentText,
    WithdrawHealthDataConsentInput,
    WithdrawHealthDataConsentPayload,
)
from domain.privacy import consent
from domain.privacy.model import CURRENT_HEALTH_DATA_CONSENT_VERSION, HEALTH_DATA_CONSENT_SUMMARY

_ARG = strawberry.argument(description="The input.")


async def own_consents(info: strawberry.Info) -> list[ConsentType]:
    ctx = info.context
    member = await ctx.member()
    return [ConsentType.build(c) for c in await consent.consents_of(member, ctx.services.uow())]


@strawberry.type
class ConsentQueries:
    @strawberry.field(description="The current health-data consent text. No sign-in needed.")
    def health_data_consent(self) -> HealthDataConsentText:
        return HealthDataConsentText(
            version=CURRENT_HEALTH_DATA_CONSENT_VERSION, summary=HEALTH_DATA_CONSENT_SUMMARY
        )


@strawberry.type
class ConsentMutations:
    @strawberry.mutation(
        description="Agree to the health-data consent, which check-ins and reminders need "
        "(HEALTH_CONSENT_REQUIRED without it). Giving the same version again changes nothing."
    )
    async def give_health_data_consent(
        self, info: strawberry.Info, input: Annotated[GiveHealthDataConsentInput, _ARG]
    ) -> GiveHealthDataConsentPayload:
        ctx, member = info.context, await info.context.member()
        services = ctx.services
        return await payload(
            GiveHealthDataConsentPayload,
            lambda: consent.give_health_data_consent(
                member, input.accepted_version, services.uow(), services.clock
            ),
            lambda given: {"consents": [ConsentType.build(c) for c in given]},
        )

    @strawberry.mutation(
        description="Withdraw the health-data consent: every check-in (with its note and "
        "shares), the reminder settings and check-in reminder notifications are deleted at "
        "once, and new check-ins need the consent again. Posts and replies stay."
    )
    async def withdraw_health_data_consent(
        self, info: strawberry.Info, input: Annotated[WithdrawHealthDataConsentInput, _ARG]
    ) -> WithdrawHealthDataConsentPayload:
        ctx, member = info.context, await info.context.member()
        services = ctx.services
        return await payload(
            WithdrawHealthDataConsentPayload,
            lambda: consent.withdraw_health_data_consent(
                member, input.confirm, services.uow(), services.clock
            ),
            lambda deleted: {"deleted_check_in_count": deleted},
        )
