"""The GraphQL schema, assembled from each area's queries and mutations.

``build_schema`` is called by the app's lifespan and by ``make schema``; nothing
is built at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.checkins.mutations import CheckInMutations
from api.checkins.types import CheckInType
from api.circles.mutations import CircleMutations
from api.circles.queries import CircleQueries
from api.circles.types import CircleType
from api.errors import TopLevelCode, should_mask_error
from api.execution import FastExecutionContext
from api.guards import guard_extensions
from api.members.mutations import MemberMutations
from api.members.queries import MemberQueries
from api.members.types import MemberType
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
    EventsMayHaveBeenMissed,
    MemberJoined,
    MemberLeft,
    PostCreated,
    PostEdited,
    PostRemoved,
    ReactionsChanged,
    ReplyCreated,
)
from infra.metrics import GRAPHQL_ERRORS
from infra.settings import Settings

log = logging.getLogger("hearth.graphql")


@strawberry.type(description="Everything a client can read.")
class Query(NodeQueries, MemberQueries, CircleQueries, ConsentQueries):
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
    ConsentMutations,
    DeletionMutations,
    ExportMutations,
):
    pass


class HearthMaskErrors(MaskErrors):
    """Masks unexpected errors and tags them INTERNAL_SERVER_ERROR."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": TopLevelCode.INTERNAL_SERVER_ERROR.value}
        return masked


class HearthSchema(strawberry.Schema):
    """Logs unexpected errors with their traceback, and other errors only by code:
    GraphQL error messages may echo input values such as a post body."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            code = (error.extensions or {}).get("code") or (
                "INTERNAL_SERVER_ERROR" if should_mask_error(error) else "BAD_REQUEST"
            )
            GRAPHQL_ERRORS.labels(code).inc()
            if should_mask_error(error):
                original = error.original_error
                log.error(
                    "unexpected error in %s",
                    ".".join(str(p) for p in error.path or []) or "operation",
                    exc_info=(type(original), original, original.__traceback__)
                    if original
                    else None,
                )


def _extensions(settings: Settings) -> list[Callable[[], SchemaExtension] | type[Any]]:
    extensions: list[Callable[[], SchemaExtension] | type[Any]] = [*guard_extensions(settings)]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    if settings.mask_errors:
        extensions.append(lambda: HearthMaskErrors(should_mask_error=should_mask_error))
    return extensions


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    batching = (
        {"batching_config": {"max_operations": settings.hearth_max_batch}}
        if settings.hearth_max_batch > 0
        else {}
    )
    return HearthSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
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
            ReactionsChanged,
            MemberJoined,
            MemberLeft,
            EventsMayHaveBeenMissed,
            CheckInShared,
        ],
        extensions=_extensions(settings),
        execution_context_class=FastExecutionContext,
        config=StrawberryConfig(**batching),  # type: ignore[arg-type]
    )
