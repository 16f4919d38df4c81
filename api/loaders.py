"""DataLoaders, built per request (per operation for subscriptions)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from domain.circles.model import Circle, Membership
from domain.members.model import Member
from domain.moderation.model import ViewerFilters
from infra.db.reads import circles as circle_reads
from infra.db.reads import members as member_reads
from infra.db.reads import safety as safety_reads

if TYPE_CHECKING:
    from api.container import Services
    from api.context import Context


def forget(loader: DataLoader[Any, Any], key: Any) -> None:
    """Drop one cached key (after a mutation changed it); fine when not cached."""
    with contextlib.suppress(KeyError):
        loader.clear(key)


class MemberByIdLoader(DataLoader[UUID, Member | None]):
    def __init__(self, services: Services) -> None:
        async def load(ids: Sequence[UUID]) -> list[Member | None]:
            async with services.reads() as conn:
                found = await member_reads.by_ids(conn, ids)
            return [found.get(i) for i in ids]

        super().__init__(load_fn=load)


class SafetyReportersLoader(DataLoader[UUID, list[Any]]):
    """Who reported each post or reply as a suicide or self-harm risk (staff only)."""

    def __init__(self, services: Services) -> None:
        async def load(ids: Sequence[UUID]) -> list[list[Any]]:
            async with services.reads() as conn:
                found = await safety_reads.safety_reporters(conn, ids)
            return [found.get(i, []) for i in ids]

        super().__init__(load_fn=load)


Viewer = tuple[Member, ViewerFilters]


class MemberByUidLoader(DataLoader[str, Viewer | None]):
    """The viewer with their block and topic filters, in one statement."""

    def __init__(self, services: Services) -> None:
        async def load(uids: Sequence[str]) -> list[Viewer | None]:
            async with services.reads() as conn:
                found = await member_reads.by_uids(conn, uids)
            return [found.get(u) for u in uids]

        super().__init__(load_fn=load)


CirclePair = tuple[Circle, Membership | None]


class CircleByIdLoader(DataLoader[UUID, CirclePair | None]):
    """A circle with the viewer's membership in it, in one statement per batch."""

    def __init__(self, context: Context) -> None:
        async def load(ids: Sequence[UUID]) -> list[CirclePair | None]:
            viewer = await context.member_or_none()
            async with context.services.reads() as conn:
                found = await circle_reads.circles_with_viewer(
                    conn, ids, viewer.id if viewer else None
                )
            return [found.get(i) for i in ids]

        super().__init__(load_fn=load)


class Loaders:
    """Every loader of one request (one operation, for subscriptions)."""

    def __init__(self, context: Context) -> None:
        services = context.services
        self.member_by_id = MemberByIdLoader(services)
        self.member_by_uid = MemberByUidLoader(services)
        self.circle_by_id = CircleByIdLoader(context)
        self.safety_reporters = SafetyReportersLoader(services)
