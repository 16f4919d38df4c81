"""The safety team's own use cases: staff roles granted and revoked by an operator,
going on or off call, and moving a queue item through OPEN -> ACKNOWLEDGED ->
RESOLVED or revealing its author, each audited.

Rating what members write and opening queue items is :mod:`domain.safety.services`;
the records these use cases keep are :mod:`domain.safety.team`.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.clock import Clock
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound, ValidationError
from domain.members.rules import normalize_text
from domain.safety.team import (
    NOTE_MAX,
    REASON_MAX,
    REASON_MIN,
    AuditAction,
    AuditEntry,
    ItemStatus,
    SafetyItem,
    StaffGrant,
    StaffRole,
)
from domain.uow import UnitOfWork


async def staff_grant(uow: UnitOfWork, firebase_uid: str) -> StaffGrant | None:
    async with uow:
        return await uow.staff.get(firebase_uid)


async def _require_staff(uow: UnitOfWork, firebase_uid: str) -> StaffGrant:
    grant = await uow.staff.get(firebase_uid)
    if grant is None:
        raise Forbidden("Only the safety team can do this.")
    return grant


async def _audit(
    uow: UnitOfWork,
    clock: Clock,
    actor: str,
    action: AuditAction,
    subject: str,
    reason: str | None = None,
) -> None:
    await uow.safety_audit.add(AuditEntry(uuid4(), clock.now(), actor, action, subject, reason))


async def grant_staff(
    firebase_uid: str,
    role: StaffRole,
    granted_by: str,
    uow: UnitOfWork,
    clock: Clock,
    *,
    on_call: bool = False,
) -> StaffGrant:
    """An operator grants a staff role (``hearth staff grant``); audited."""
    uid = firebase_uid.strip()
    if not uid or len(uid) > 128:
        raise DomainError(ErrorCode.INVALID, "Give the account's Firebase uid.", ("uid",))
    async with uow:
        grant = StaffGrant(uid, role, on_call, clock.now(), granted_by)
        await uow.staff.save(grant)
        await _audit(uow, clock, granted_by, AuditAction.STAFF_GRANTED, f"uid:{uid}", role.value)
        await uow.commit()
    return grant


async def revoke_staff(firebase_uid: str, revoked_by: str, uow: UnitOfWork, clock: Clock) -> bool:
    """An operator revokes a staff role; audited. False when there was none."""
    uid = firebase_uid.strip()
    async with uow:
        removed = await uow.staff.delete(uid)
        if removed:
            await _audit(uow, clock, revoked_by, AuditAction.STAFF_REVOKED, f"uid:{uid}")
        await uow.commit()
    return removed


async def require_staff(firebase_uid: str, uow: UnitOfWork) -> StaffGrant:
    """The viewer's staff grant; FORBIDDEN for everyone else."""
    async with uow:
        return await _require_staff(uow, firebase_uid)


async def set_on_call(
    firebase_uid: str, member_id: UUID, on_call: bool, uow: UnitOfWork, clock: Clock
) -> StaffGrant:
    """Staff go on or off call (on-call staff get pushed about URGENT items)."""
    async with uow:
        grant = await _require_staff(uow, firebase_uid)
        grant.on_call = on_call
        await uow.staff.save(grant)
        await _audit(
            uow,
            clock,
            str(member_id),
            AuditAction.ON_CALL_CHANGED,
            f"uid:{firebase_uid}",
            "on" if on_call else "off",
        )
        await uow.commit()
    return grant


def _bounded(raw: str | None, field: str, low: int, high: int, short: str) -> str | None:
    """Normalised text of ``low`` to ``high`` characters (None when empty and allowed)."""
    clean = normalize_text(raw) if raw else ""
    if len(clean) < low:
        raise ValidationError([DomainError(ErrorCode.TOO_SHORT, short, (field,))])
    if len(clean) > high:
        message = f"Keep it under {high:,} characters."
        raise ValidationError([DomainError(ErrorCode.TOO_LONG, message, (field,))])
    return clean or None


async def _staff_item(uow: UnitOfWork, firebase_uid: str, item_id: UUID) -> SafetyItem:
    await _require_staff(uow, firebase_uid)
    item = await uow.safety_items.get(item_id)
    if item is None:
        raise NotFound("Safety item", ("itemId",))
    return item


_MOVES = {
    ItemStatus.ACKNOWLEDGED: (ItemStatus.OPEN, AuditAction.ITEM_ACKNOWLEDGED),
    ItemStatus.RESOLVED: (ItemStatus.ACKNOWLEDGED, AuditAction.ITEM_RESOLVED),
}


def _bad_transition(item: SafetyItem, wanted: ItemStatus) -> DomainError:
    if item.status is ItemStatus.RESOLVED:
        message = "This item is already resolved."
    elif wanted is ItemStatus.ACKNOWLEDGED:
        message = "This item is already acknowledged."
    else:
        message = "Acknowledge this item before resolving it."
    return DomainError(ErrorCode.INVALID_TRANSITION, message, ("itemId",))


async def move_item(
    firebase_uid: str,
    staff_id: UUID,
    item_id: UUID,
    to: ItemStatus,
    note: str | None,
    uow: UnitOfWork,
    clock: Clock,
) -> SafetyItem:
    """OPEN -> ACKNOWLEDGED (someone on the team has it; re-alerts stop; the note is
    optional) and ACKNOWLEDGED -> RESOLVED (with a note on what was done). Anything else
    is INVALID_TRANSITION. Audited."""
    async with uow:
        item = await _staff_item(uow, firebase_uid, item_id)
        if to not in _MOVES or item.status is not _MOVES[to][0]:
            raise _bad_transition(item, to)
        resolving = to is ItemStatus.RESOLVED
        short = "Add a note on what was done."
        clean = _bounded(note, "note", 1 if resolving else 0, NOTE_MAX, short)
        now = clock.now()
        item.status, item.note = to, clean or item.note
        if resolving:
            item.resolved_at, item.resolved_by = now, staff_id
        else:
            item.acknowledged_at, item.acknowledged_by = now, staff_id
        if not await uow.safety_items.update(item):
            raise DomainError(ErrorCode.CONFLICT, "Someone else changed this item. Reload it.")
        await _audit(uow, clock, str(staff_id), _MOVES[to][1], f"item:{item.id}", clean)
        await uow.commit()
    return item


async def reveal_author(
    firebase_uid: str,
    staff_id: UUID,
    item_id: UUID,
    reason: str,
    uow: UnitOfWork,
    clock: Clock,
) -> UUID:
    """The author of an item (anonymous or not), once the staff member records why they
    need it. Audited with the reason."""
    async with uow:
        item = await _staff_item(uow, firebase_uid, item_id)
        short = f"Record why you need to know who wrote this (at least {REASON_MIN} characters)."
        clean = _bounded(reason, "reason", REASON_MIN, REASON_MAX, short)
        await _audit(
            uow, clock, str(staff_id), AuditAction.AUTHOR_REVEALED, f"item:{item.id}", clean
        )
        await uow.commit()
    return item.author_id
