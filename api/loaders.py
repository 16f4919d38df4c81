"""DataLoaders, built per request (per operation for subscriptions)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar
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


K = TypeVar("K")
V = TypeVar("V")


def batched(
    read: Callable[[Sequence[K]], Awaitable[Mapping[K, V]]], missing: Callable[[], V]
) -> DataLoader[K, V]:
    """A loader that reads a batch of keys in one call; a key the read did not find
    loads as ``missing()``."""

    async def load(keys: Sequence[K]) -> list[V]:
        found = await read(keys)
        return [found[k] if k in found else missing() for k in keys]

    return DataLoader(load_fn=load)


Viewer = tuple[Member, ViewerFilters]
CirclePair = tuple[Circle, Membership | None]


def _none() -> None:
    return None


def circle_by_id(services: Services, viewer_id: ViewerId) -> DataLoader[UUID, CirclePair | None]:
    """A circle with the viewer's membership in it, in one statement per batch."""

    async def read(ids: Sequence[UUID]) -> dict[UUID, CirclePair]:
        found = await services.circle_reads.with_viewer(ids, await viewer_id())
        return {i: (p.circle, p.membership) for i, p in found.items()}

    return batched(read, _none)


class Loaders:
    """Every loader of one request (one operation, for subscriptions), each made when
    first used: a live socket's context holds none it does not need."""

    def __init__(self, services: Services, viewer_id: ViewerId) -> None:
        self._services = services
        self._viewer_id = viewer_id

    @cached_property
    def member_by_id(self) -> DataLoader[UUID, Member | None]:
        return batched(self._services.member_reads.by_ids, _none)

    @cached_property
    def member_by_uid(self) -> DataLoader[str, Viewer | None]:
        """The viewer with their block and topic filters, in one statement."""
        return batched(self._services.member_reads.viewers_by_uids, _none)

    @cached_property
    def circle_by_id(self) -> DataLoader[UUID, CirclePair | None]:
        return circle_by_id(self._services, self._viewer_id)

    @cached_property
    def safety_reporters(self) -> DataLoader[UUID, list[ReporterView]]:
        """Who reported each post or reply as a suicide or self-harm risk (staff only)."""
        return batched(self._services.safety_reads.reporters, list)
