"""The GraphQL schema's root types, assembled from each area's queries, mutations and
subscriptions, and the types only reachable through an interface.

``api.wiring.build_schema`` builds the schema from them, with its extensions;
nothing is built at import time.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from api.checkins.mutations import CheckInMutations
from api.checkins.types import CheckInType
from api.circles.mutations import CircleMutations
from api.circles.pins import PinMutations
from api.circles.queries import CircleQueries
from api.circles.types import CircleType
from api.errors import TopLevelCode
from api.members.mutations import MemberMutations
from api.members.queries import MemberQueries
from api.members.types import MemberType
from api.moderation.blocking import BlockingMutations
from api.moderation.mutations import ModerationMutations
from api.node import NodeQueries
from api.notifications.mutations import NotificationMutations
from api.notifications.types import NotificationType
from api.posts.mutations import PostMutations
from api.posts.types import PostType, ReplyType
from api.privacy.consents import ConsentMutations, ConsentQueries
from api.privacy.deletion import DeletionMutations
from api.privacy.exports import ExportMutations
from api.realtime.activity import ActivitySubscription
from api.realtime.subscriptions import CircleSubscription
from api.realtime.types import (
    CheckInShared,
    CheckInShareWithdrawn,
    EventsMayHaveBeenMissed,
    MemberJoined,
    MemberLeft,
    PostCreated,
    PostEdited,
    PostRemoved,
    ReactionsChanged,
    ReplyCreated,
    ReplyEdited,
    ReplyRemoved,
)
from api.safety.queries import SafetyQueries
from api.safety.resources import ResourceQueries, ResourceType
from api.safety.team import SafetyTeamMutations, SafetyTeamQueries
from api.safety.team_types import SafetyItem
from api.support.availability import SupportMutations
from api.support.queries import SupportQueries


@strawberry.type(description="Everything a client can read.")
class Query(
    NodeQueries,
    MemberQueries,
    CircleQueries,
    SafetyQueries,
    ResourceQueries,
    SafetyTeamQueries,
    ConsentQueries,
    SupportQueries,
):
    pass


@strawberry.type(description="Live updates over websockets (graphql-transport-ws or graphql-ws).")
class Subscription(CircleSubscription, ActivitySubscription):
    pass


@strawberry.type(description="Everything a client can change.")
class Mutation(
    MemberMutations,
    CircleMutations,
    PostMutations,
    CheckInMutations,
    NotificationMutations,
    PinMutations,
    SafetyTeamMutations,
    BlockingMutations,
    ModerationMutations,
    ConsentMutations,
    DeletionMutations,
    ExportMutations,
    SupportMutations,
):
    pass


class HearthMaskErrors(MaskErrors):
    """Masks unexpected errors and tags them INTERNAL_SERVER_ERROR."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": TopLevelCode.INTERNAL_SERVER_ERROR.value}
        return masked

    def mask(self, error: GraphQLError) -> GraphQLError:
        """The error as the client sees it: masked when it is unexpected."""
        return self.anonymise_error(error) if self.should_mask_error(error) else error


# Types that no field names directly (reached through ``Node`` or a union): listed so
# that the schema has them.
EXTRA_TYPES: list[type[Any]] = [
    MemberType,
    CircleType,
    PostType,
    ReplyType,
    CheckInType,
    NotificationType,
    PostCreated,
    PostEdited,
    PostRemoved,
    ReplyCreated,
    ReplyEdited,
    ReplyRemoved,
    ReactionsChanged,
    MemberJoined,
    MemberLeft,
    EventsMayHaveBeenMissed,
    CheckInShared,
    CheckInShareWithdrawn,
    ResourceType,
    SafetyItem,
]
