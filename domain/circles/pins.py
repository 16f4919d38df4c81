"""Pins: a circle's owner and moderators keep up to three resources or posts at the
top of the circle.

A pin is *live* while what it points at can still be shown: a post that was
removed, or a resource taken out of the catalogue, leaves a dead pin. Dead pins
are never shown, do not count towards the limit, and are cleared when the next
pin is made. Each live pin holds one of ``MAX_PINS`` slots; the database keeps
slots unique per circle, so two moderators pinning at once cannot get past the
limit (the slower one gets CONFLICT).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.circles.membership_services import require_moderator
from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, NotFound
from domain.safety.resources import ResourceCatalog
from domain.uow import UnitOfWork

MAX_PINS = 3
ITEM = ("input", "itemId")


class PinKind(StrEnum):
    POST = "POST"
    RESOURCE = "RESOURCE"


@dataclass(frozen=True, slots=True)
class PinTarget:
    """What to pin: a post of the circle, or a catalogue resource."""

    kind: PinKind
    item_id: UUID


@dataclass(frozen=True, slots=True)
class Pin:
    circle_id: UUID
    kind: PinKind
    item_id: UUID
    slot: int
    pinned_by: UUID
    pinned_at: datetime


class PinRepository(Protocol):
    async def in_circle(self, circle_id: UUID) -> list[Pin]:
        """Every pin of the circle, live or dead, in pinning order."""
        ...

    async def add(self, pin: Pin) -> bool:
        """Store the pin; False when its slot or its item was taken at the same time."""
        ...

    async def remove(self, circle_id: UUID, item_ids: Collection[UUID]) -> None: ...


class PinUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also stores pins."""

    pins: PinRepository


def live_pins(
    pins: Sequence[Pin], catalog: ResourceCatalog, shown_post_ids: Collection[UUID]
) -> list[Pin]:
    """The pins still shown, oldest first: resources still in the catalogue, and
    posts among ``shown_post_ids`` (the pinned posts that exist and were not removed)."""
    live = (
        p
        for p in pins
        if (p.kind is PinKind.RESOURCE and catalog.get(p.item_id) is not None)
        or (p.kind is PinKind.POST and p.item_id in shown_post_ids)
    )
    return sorted(live, key=lambda p: (p.pinned_at, p.slot))


async def _shown_posts(uow: PinUnitOfWork, pins: Sequence[Pin]) -> set[UUID]:
    shown: set[UUID] = set()
    for pin in pins:
        if pin.kind is PinKind.POST:
            post = await uow.posts.get(pin.item_id)
            if post is not None and not post.is_removed:
                shown.add(pin.item_id)
    return shown


async def _check_target(
    uow: PinUnitOfWork, catalog: ResourceCatalog, circle_id: UUID, target: PinTarget
) -> None:
    if target.kind is PinKind.RESOURCE:
        if catalog.get(target.item_id) is None:
            raise NotFound("Resource", ITEM)
        return
    post = await uow.posts.get(target.item_id)
    if post is None or post.circle_id != circle_id:
        raise NotFound("Post", ITEM)  # never says whether it exists elsewhere
    if post.is_removed:
        raise DomainError(ErrorCode.NOT_FOUND, "This post was removed.", ITEM)


async def pin_to_circle(
    actor_id: UUID,
    circle_id: UUID,
    target: PinTarget,
    uow: PinUnitOfWork,
    catalog: ResourceCatalog,
    clock: Clock,
) -> Pin:
    async with uow:
        await require_moderator(uow, circle_id, actor_id)
        await _check_target(uow, catalog, circle_id, target)
        pins = await uow.pins.in_circle(circle_id)
        live = live_pins(pins, catalog, await _shown_posts(uow, pins))
        dead = {p.item_id for p in pins} - {p.item_id for p in live}
        if any(p.item_id == target.item_id for p in live):
            raise DomainError(ErrorCode.ALREADY_PINNED, "This is already pinned here.", ITEM)
        if len(live) >= MAX_PINS:
            raise DomainError(
                ErrorCode.TOO_MANY_PINS,
                f"A circle can have at most {MAX_PINS} pins. Unpin one first.",
                ITEM,
            )
        if dead:
            await uow.pins.remove(circle_id, dead)
        used = {p.slot for p in live}
        slot = min(s for s in range(1, MAX_PINS + 1) if s not in used)
        pin = Pin(circle_id, target.kind, target.item_id, slot, actor_id, clock.now())
        if not await uow.pins.add(pin):
            raise DomainError(
                ErrorCode.CONFLICT, "The pins changed at the same time. Please try again.", ITEM
            )
        await uow.commit()
    return pin


async def unpin_from_circle(
    actor_id: UUID, circle_id: UUID, item_id: UUID, uow: PinUnitOfWork
) -> None:
    """Unpins whatever the item is now (a removed post or retired resource too)."""
    async with uow:
        await require_moderator(uow, circle_id, actor_id)
        pins = await uow.pins.in_circle(circle_id)
        if not any(p.item_id == item_id for p in pins):
            raise DomainError(ErrorCode.NOT_FOUND, "That is not pinned in this circle.", ITEM)
        await uow.pins.remove(circle_id, [item_id])
        await uow.commit()
