"""The worker's support job: nudge available members about unanswered posts, and
keep the unanswered-posts gauge current (domain.support.services.nudge_unanswered)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from domain.support.model import Nudge
from domain.support.services import nudge_unanswered
from domain.uow import UnitOfWork
from infra.db.reads.support import unanswered_older_than
from infra.metrics import SUPPORT_NUDGES_SENT, SUPPORT_UNANSWERED_OVER_1H

SUPPORT_INTERVAL = 30.0
"""Seconds between nudge passes: well under the shortest nudge interval (5 minutes)."""


class SupportNudgeJob:
    """One pass per call; safe in many workers at once (exactly once per nudge)."""

    def __init__(
        self, engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], clock: Clock
    ) -> None:
        self._engine = engine
        self._uow_factory = uow_factory
        self._clock = clock

    async def run(self) -> list[Nudge]:
        sent = await nudge_unanswered(self._uow_factory, self._clock)
        if sent:
            SUPPORT_NUDGES_SENT.inc(len(sent))
        async with self._engine.connect() as conn:
            waiting = await unanswered_older_than(conn, self._clock.now(), timedelta(hours=1))
        SUPPORT_UNANSWERED_OVER_1H.set(waiting)
        return sent
