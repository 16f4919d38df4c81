"""The composition root's product: every long-lived resource the app uses.

Built once by the app's lifespan (``api.app``); nothing here is created at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.privacy.ports import SignInAccounts
from infra.auth.accounts import KeptSignInAccounts
from infra.auth.verifier import TokenVerifier
from infra.db.engine import reads_engine
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
    sign_in_accounts: SignInAccounts = field(default_factory=KeptSignInAccounts)
    read_engine: AsyncEngine = field(init=False)

    def __post_init__(self) -> None:
        self.read_engine = reads_engine(self.engine)

    def reads(self) -> AsyncConnection:
        """A pooled connection for reads (``async with services.reads() as conn``):
        no transaction of its own, see ``infra.db.engine.reads_engine``."""
        return self.read_engine.connect()

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, publisher=self.bus)
