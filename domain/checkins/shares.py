"""How a check-in share ends, whatever ends it, and how its circle hears of it.

A share ends when its sharer takes the circle off the check-in or deletes it
(``domain.checkins.services``), leaves the circle, is removed or banned from it, withdraws
the health-data consent, or deletes their account. Each time, every circle that could
see the share gets one ``CHECK_IN_SHARE_WITHDRAWN`` event per share, recorded in the
same unit of work (published only after it commits). The event is the same for every
cause (the circle, the share and the sharer for the block check, nothing else), so
subscribers cannot tell a withdrawal from a deletion: it says no more than a refetch
of ``Circle.sharedCheckIns`` would.

This module needs only events and the unit of work, so the circle, moderation and
privacy use cases can use it without importing the check-in use cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain.events import Event, EventKind
from domain.uow import UnitOfWork

Share = tuple[UUID, UUID]
"""(check-in, circle)."""


def record_share_ends(
    uow: UnitOfWork,
    member_id: UUID,
    shares: Iterable[Share],
    apart: frozenset[UUID] = frozenset(),
) -> None:
    """One event per ended share, for that circle only. The event names the sharer,
    since the check-in may be gone (the renderer hides it from members a block
    separates from the sharer, as it hid the share; ``apart`` names them when the
    blocks are erased in the same transaction, with the sharer's account)."""
    for check_in_id, circle_id in shares:
        uow.record(
            Event(
                EventKind.CHECK_IN_SHARE_WITHDRAWN,
                circle_id,
                member_id=member_id,
                subject_id=check_in_id,
                apart=apart,
            )
        )


async def end_shares_in_circle(uow: UnitOfWork, member_id: UUID, circle_id: UUID) -> None:
    """The member leaves the circle, is removed or is banned: their shares with it end
    for good (they do not come back on rejoining) and the circle hears of each one.
    Call before the membership changes (only shares the circle can still see are
    announced)."""
    shares = await uow.check_ins.live_shares(member_id, circle_id)
    await uow.check_ins.end_shares(member_id, circle_id)
    record_share_ends(uow, member_id, shares)


async def live_shares(uow: UnitOfWork, member_id: UUID) -> list[Share]:
    """Every share of the member's check-ins that a circle can see now. Read it before
    the health data or the account is erased, then ``record_share_ends``."""
    return await uow.check_ins.live_shares(member_id)
