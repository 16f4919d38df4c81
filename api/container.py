"""The composition root's product: every long-lived resource the app uses.

Built once by the app's lifespan (``api.app``); nothing here is created at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.safety.crisis import CrisisDirectory
from domain.safety.detector import default_detector
from domain.safety.model import RiskDetector
from infra.auth.verifier import TokenVerifier
from infra.db.engine import reads_engine
from infra.db.uow import SqlUnitOfWork
from infra.safety.crisis_data import load_crisis_directory
from infra.safety.detector import ObservedDetector
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
    crisis_directory: CrisisDirectory = field(default_factory=load_crisis_directory)
    # Every post, reply and check-in note is rated through this (domain.safety.services.rate).
    detector: RiskDetector = field(default_factory=lambda: ObservedDetector(default_detector()))
    read_engine: AsyncEngine = field(init=False)

    def __post_init__(self) -> None:
        self.read_engine = reads_engine(self.engine)

    def reads(self) -> AsyncConnection:
        """A pooled connection for reads (``async with services.reads() as conn``):
        no transaction of its own, see ``infra.db.engine.reads_engine``."""
        return self.read_engine.connect()

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, publisher=self.bus)
