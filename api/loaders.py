"""DataLoaders, built per request (per operation for subscriptions)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
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
    """Every loader of one request (one operation, for subscriptions)."""

    def __init__(self, services: Services, viewer_id: ViewerId) -> None:
        reads = services.member_reads
        self.member_by_id: DataLoader[UUID, Member | None] = batched(reads.by_ids, _none)
        # the viewer with their block and topic filters, in one statement
        self.member_by_uid: DataLoader[str, Viewer | None] = batched(reads.viewers_by_uids, _none)
        self.circle_by_id = circle_by_id(services, viewer_id)
        # who reported each post or reply as a suicide or self-harm risk (staff only)
        self.safety_reporters: DataLoader[UUID, list[ReporterView]] = batched(
            services.safety_reads.reporters, list
        )
