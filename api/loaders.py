"""DataLoaders, built per request (per operation for subscriptions)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from api.container import Services
from domain.circles.model import Circle, Membership
from domain.members.model import Member
from domain.moderation.model import ViewerFilters
from domain.safety.reads import ReporterView

ViewerId = Callable[[], Awaitable[UUID | None]]
"""The request's viewer (None before onboarding), as ``Context`` finds it."""


def forget(loader: DataLoader[Any, Any], key: Any) -> None:
    """Drop one cached key (after a mutation changed it); fine when not cached."""
    with contextlib.suppress(KeyError):
        loader.clear(key)


class MemberByIdLoader(DataLoader[UUID, Member | None]):
    def __init__(self, services: Services) -> None:
        async def load(ids: Sequence[UUID]) -> list[Member | None]:
            found = await services.member_reads.by_ids(ids)
            return [found.get(i) for i in ids]

        super().__init__(load_fn=load)


class SafetyReportersLoader(DataLoader[UUID, list[ReporterView]]):
    """Who reported each post or reply as a suicide or self-harm risk (staff only)."""

    def __init__(self, services: Services) -> None:
        async def load(ids: Sequence[UUID]) -> list[list[ReporterView]]:
            found = await services.safety_reads.reporters(ids)
            return [found.get(i, []) for i in ids]

        super().__init__(load_fn=load)


Viewer = tuple[Member, ViewerFilters]


class MemberByUidLoader(DataLoader[str, Viewer | None]):
    """The viewer with their block and topic filters, in one statement."""

    def __init__(self, services: Services) -> None:
        async def load(uids: Sequence[str]) -> list[Viewer | None]:
            found = await services.member_reads.viewers_by_uids(uids)
            return [found.get(u) for u in uids]

        super().__init__(load_fn=load)


CirclePair = tuple[Circle, Membership | None]


class CircleByIdLoader(DataLoader[UUID, CirclePair | None]):
    """A circle with the viewer's membership in it, in one statement per batch."""

    def __init__(self, services: Services, viewer_id: ViewerId) -> None:
        async def load(ids: Sequence[UUID]) -> list[CirclePair | None]:
            found = await services.circle_reads.with_viewer(ids, await viewer_id())
            pairs = (found.get(i) for i in ids)
            return [(p.circle, p.membership) if p else None for p in pairs]

        super().__init__(load_fn=load)


class Loaders:
    """Every loader of one request (one operation, for subscriptions), each made when
    first used: a live socket's context holds none it does not need."""

    def __init__(self, services: Services, viewer_id: ViewerId) -> None:
        self._services = services
        self._viewer_id = viewer_id

    @cached_property
    def member_by_id(self) -> MemberByIdLoader:
        return MemberByIdLoader(self._services)

    @cached_property
    def member_by_uid(self) -> MemberByUidLoader:
        return MemberByUidLoader(self._services)

    @cached_property
    def circle_by_id(self) -> CircleByIdLoader:
        return CircleByIdLoader(self._services, self._viewer_id)

    @cached_property
    def safety_reporters(self) -> SafetyReportersLoader:
        return SafetyReportersLoader(self._services)
