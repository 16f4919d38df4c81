"""GraphQL types for members."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from api.checkins.queries import own_check_ins, own_insights, own_reminder
from api.checkins.types import (
    CheckInInsightsType,
    CheckInReminderType,
    CheckInType,
    InsightsPeriod,
)
from api.enums import TopicEnum  # noqa: F401 - registers the enum
from api.errors import UserError
from api.members.own import resolver_of
from api.node import Node, register_node, to_global_id
from api.notifications.queries import own_notifications, own_preferences, own_unread_count
from api.pagination import After, Connection, First
from api.privacy.consents import own_consents
from api.privacy.exports import own_exports
from domain.circles.model import Topic
from domain.members.model import Member as MemberModel
from domain.members.reads import PublicProfile, is_self, own_details, public_profile

if TYPE_CHECKING:
    from api.notifications.types import NotificationPreferencesType, NotificationType
    from api.privacy.types import ConsentType, DataExportType
    from api.support.availability import SupportAvailabilityType
    from api.support.types import AwaitingSupportItem


@strawberry.type(
    name="Member",
    description="A member of Hearth, known by a pseudonym. Timezone and region are "
    "visible only to the member themself.",
)
class MemberType(Node):
    display_name: str = strawberry.field(description="The member's pseudonym.")
    pronouns: str | None = strawberry.field(description="Pronouns, if the member shared them.")
    bio: str | None = strawberry.field(description="A short bio (at most 300 characters).")
    member_since: datetime = strawberry.field(description="When the member joined Hearth.")
    is_viewer: bool = strawberry.field(description="True when this is the signed-in member.")
    # Plain attributes: domain.members.reads.own_details fills them for the member only.
    timezone: str | None = strawberry.field(
        default=None, description="IANA timezone. Only for the member themself; null otherwise."
    )
    region: str | None = strawberry.field(
        default=None, description="ISO 3166 region. Only for the member themself; null otherwise."
    )

    @strawberry.field(
        description="Your check-ins, newest first, optionally made in [from, to). Only for "
        "the member themself; null for anyone else."
    )
    async def check_ins(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        from_: Annotated[
            datetime | None,
            strawberry.argument(name="from", description="Only check-ins made at or after this."),
        ] = None,
        to: Annotated[
            datetime | None, strawberry.argument(description="Only check-ins made before this.")
        ] = None,
    ) -> Connection[CheckInType] | None:
        if not self.is_viewer:
            return None
        return await own_check_ins(info, first, after, from_, to)

    @strawberry.field(
        description="A summary of your check-ins by local day in your timezone. Only for the "
        "member themself; null for anyone else."
    )
    async def check_in_insights(
        self,
        info: strawberry.Info,
        period: Annotated[
            InsightsPeriod, strawberry.argument(description="How far back to look.")
        ] = InsightsPeriod.LAST_7_DAYS,
    ) -> CheckInInsightsType | None:
        if not self.is_viewer:
            return None
        return await own_insights(info, period)

    @strawberry.field(
        description="Your check-in reminder settings; null when never set. Only for the "
        "member themself; null for anyone else."
    )
    async def check_in_reminder(self, info: strawberry.Info) -> CheckInReminderType | None:
        if not self.is_viewer:
            return None
        return await own_reminder(info)

    @strawberry.field(
        description="Your notification preferences. Only for the member themself; null for "
        "anyone else."
    )
    async def notification_preferences(
        self, info: strawberry.Info
    ) -> Annotated[NotificationPreferencesType, strawberry.lazy("api.notifications.types")] | None:
        if not self.is_viewer:
            return None
        return await own_preferences(info)

    @strawberry.field(
        description="Your in-app inbox, newest first. Only for the member themself; null for "
        "anyone else."
    )
    async def notifications(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[Annotated[NotificationType, strawberry.lazy("api.notifications.types")]] | None:
        if not self.is_viewer:
            return None
        return await own_notifications(info, first, after)

    @strawberry.field(
        description="How many of your notifications are unread. Only for the member "
        "themself; null for anyone else."
    )
    async def unread_notification_count(self, info: strawberry.Info) -> int | None:
        if not self.is_viewer:
            return None
        return await own_unread_count(info)

    @strawberry.field(
        description="Members you blocked, most recent first. Only for the member themself; "
        "null for anyone else."
    )
    async def blocked_members(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[MemberType] | None:
        if not self.is_viewer:
            return None
        found: Connection[MemberType] = await resolver_of("blockedMembers")(info, first, after)
        return found

    @strawberry.field(
        description="Topics you muted (`muteTopics`). Only for the member themself; null "
        "for anyone else."
    )
    async def muted_topics(self, info: strawberry.Info) -> list[Topic] | None:
        if not self.is_viewer:
            return None
        return sorted((await info.context.filters()).muted_topics, key=list(Topic).index)

    @strawberry.field(
        description="The consents you gave (guidelines first), with versions and times. "
        "Only for the member themself; null for anyone else."
    )
    async def consents(
        self, info: strawberry.Info
    ) -> list[Annotated[ConsentType, strawberry.lazy("api.privacy.types")]] | None:
        if not self.is_viewer:
            return None
        return await own_consents(info)

    @strawberry.field(
        description="Your data exports, newest first, with their status and download link. "
        "Only for the member themself; null for anyone else."
    )
    async def data_exports(
        self, info: strawberry.Info
    ) -> list[Annotated[DataExportType, strawberry.lazy("api.privacy.types")]] | None:
        if not self.is_viewer:
            return None
        return await own_exports(info)

    @strawberry.field(
        description="Posts in your circles that no one but their author has replied to yet: "
        "URGENT-rated posts first, then the oldest first. Leaves out your own posts, posts by "
        "members in a block with you, posts warning of a topic you muted, and removed or "
        "hidden posts; a post leaves once it has a reply. Only for the member themself; null "
        "for anyone else."
    )
    async def awaiting_support(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
    ) -> Connection[Annotated[AwaitingSupportItem, strawberry.lazy("api.support.types")]] | None:
        if not self.is_viewer:
            return None
        found: Connection[AwaitingSupportItem] = await resolver_of("awaitingSupport")(
            info, first, after
        )
        return found

    @strawberry.field(
        description='Your "I\'m around to listen" offer while it lasts '
        "(`setSupportAvailability`); null when there is none, or for anyone else."
    )
    async def support_availability(
        self, info: strawberry.Info
    ) -> Annotated[SupportAvailabilityType, strawberry.lazy("api.support.availability")] | None:
        if not self.is_viewer:
            return None
        found: SupportAvailabilityType | None = await resolver_of("supportAvailability")(info)
        return found

    @classmethod
    def from_model(cls, member: MemberModel, viewer_id: UUID | None) -> MemberType:
        """The whole profile: its timezone and region only when it is the viewer's."""
        own = own_details(member, viewer_id)
        found = cls.from_profile(public_profile(member), viewer_id)
        found.timezone, found.region = own.timezone, own.region
        return found

    @classmethod
    def from_profile(cls, profile: PublicProfile, viewer_id: UUID | None) -> MemberType:
        """The public profile, as other members see it."""
        return cls(
            id=to_global_id("Member", profile.member_id),
            display_name=profile.display_name,
            pronouns=profile.pronouns,
            bio=profile.bio,
            member_since=profile.member_since,
            is_viewer=is_self(profile.member_id, viewer_id),
        )

    @classmethod
    def public(
        cls,
        member_id: UUID,
        name: str,
        pronouns: str | None,
        bio: str | None,
        since: datetime,
        viewer_id: UUID | None,
    ) -> MemberType:
        """The public profile, from columns joined into another read."""
        return cls.from_profile(PublicProfile(member_id, name, pronouns, bio, since), viewer_id)


@register_node("Member")
async def resolve_members(info: strawberry.Info, ids: list[UUID]) -> list[MemberType | None]:
    ctx = info.context
    viewer = await ctx.member_or_none()
    viewer_id = viewer.id if viewer else None
    found = await ctx.loaders.member_by_id.load_many(ids)
    return [MemberType.from_model(m, viewer_id) if m else None for m in found]


@strawberry.input(description="What a new member tells Hearth to set up their profile.")
class CompleteOnboardingInput:
    display_name: str = strawberry.field(
        description="A pseudonym, 2 to 40 characters, unique regardless of case, with no "
        "email address, phone number or link."
    )
    timezone: str = strawberry.field(description="IANA timezone, e.g. Europe/London.")
    region: str = strawberry.field(description="ISO 3166 alpha-2 region code, e.g. GB.")
    confirms_adult: bool = strawberry.field(description="Must be true: Hearth is for adults.")
    accepted_guidelines_version: str = strawberry.field(
        description="The version of the community guidelines the member accepted; must be "
        "the current one (see `communityGuidelines.version`)."
    )
    accepted_health_data_consent_version: str | None = strawberry.field(
        default=None,
        description="Optional: the version of the health-data consent the member agreed to "
        "(see `healthDataConsent.version`). Check-ins need it; it can also be given later "
        "with `giveHealthDataConsent`.",
    )


@strawberry.input(description="Profile changes. Omitted fields stay as they are.")
class UpdateProfileInput:
    display_name: str | None = strawberry.field(default=None, description="A new pseudonym.")
    pronouns: str | None = strawberry.field(
        default=None, description="Pronouns; an empty string clears them."
    )
    bio: str | None = strawberry.field(
        default=None, description="Bio, at most 300 characters; an empty string clears it."
    )
    timezone: str | None = strawberry.field(default=None, description="IANA timezone.")
    region: str | None = strawberry.field(default=None, description="ISO 3166 alpha-2 code.")


@strawberry.type(description="The result of `completeOnboarding`.")
class CompleteOnboardingPayload:
    member: MemberType | None = strawberry.field(
        description="The new profile; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused.")


@strawberry.type(description="The result of `updateProfile`.")
class UpdateProfilePayload:
    member: MemberType | None = strawberry.field(
        description="The updated profile; null when there are user errors."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused.")


@strawberry.type(description="Hearth's community guidelines and what Hearth is not.")
class CommunityGuidelines:
    version: str = strawberry.field(description="Pass this to `completeOnboarding`.")
    summary: str = strawberry.field(description="The guidelines in a few lines.")
    disclaimer: str = strawberry.field(
        description="What Hearth is not: peer support, not a crisis or emergency service, and "
        "no replacement for professional treatment; where to find real help. Show it with "
        "the guidelines during onboarding."
    )
