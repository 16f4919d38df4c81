"""The composition root's product: every long-lived resource the app uses.

Built once by the app's lifespan (``api.app``); nothing here is created at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock
from infra.auth.verifier import TokenVerifier
from infra.db.uow import SqlUnitOfWork
from infra.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    verifier: TokenVerifier
    clock: Clock
    expected_migration_head: str | None
    redis: Any = None
    firebase_app: Any = None
    bus: Any = None  # infra.events.bus.InProcessBus | RedisBus
    extras: dict[str, Any] = field(default_factory=dict)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, publisher=self.bus)
