"""The composition root's product: every long-lived resource the app uses.

Built once by the app's lifespan (``api.app``); nothing here is created at import.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.posts.reads import PostReads
from domain.privacy.ports import SignInAccounts
from domain.safety.crisis import CrisisDirectory
from domain.safety.detector import default_detector
from domain.safety.model import RiskDetector
from domain.safety.resources import ResourceCatalog
from infra.auth.accounts import KeptSignInAccounts
from infra.auth.verifier import TokenVerifier
from infra.confusables import ConfusableSkeleton
from infra.contact_details import ContactDetails
from infra.db.engine import reads_engine
from infra.db.reads.posts import SqlPostReads
from infra.db.uow import SqlUnitOfWork
from infra.ratelimits import LimitsRateLimiter
from infra.safety.crisis_data import load_crisis_directory
from infra.safety.detector import ObservedDetector
from infra.safety.resources import default_catalog
from infra.settings import Settings

# True while a mutation runs: its reads (and its payload's) go to the primary, which
# has its own write; a replica may not have it yet.
READ_PRIMARY: ContextVar[bool] = ContextVar("hearth_read_primary", default=False)


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
    rate_limiter: LimitsRateLimiter | None = None  # always set by api.wiring.build_services
    contacts: ContactDetails = field(default_factory=ContactDetails)
    skeletons: ConfusableSkeleton = field(default_factory=ConfusableSkeleton)
    # Every post, reply and check-in note is rated through this (domain.safety.services.rate).
    detector: RiskDetector = field(default_factory=lambda: ObservedDetector(default_detector()))
    sign_in_accounts: SignInAccounts = field(default_factory=KeptSignInAccounts)
    read_engine: AsyncEngine = field(init=False)
    resources: ResourceCatalog = field(default_factory=default_catalog)
    replica: AsyncEngine | None = None  # DATABASE_READ_URL's engine, when set
    persisted: Any = None  # api.persisted.DocumentStore: APQ's documents
    post_reads: PostReads = field(init=False)

    def __post_init__(self) -> None:
        self.read_engine = reads_engine(self.engine)
        self.replica_reads = reads_engine(self.replica) if self.replica is not None else None
        self.post_reads = SqlPostReads(self.reads)

    def reads(self) -> AsyncConnection:
        """A pooled connection for reads (``async with services.reads() as conn``):
        no transaction of its own, see ``infra.db.engine.reads_engine``. On the read
        replica when ``DATABASE_READ_URL`` is set, except inside a mutation."""
        if self.replica_reads is not None and not READ_PRIMARY.get():
            return self.replica_reads.connect()
        return self.read_engine.connect()

    @property
    def limiter(self) -> LimitsRateLimiter:
        """The per-member rate limiter (``domain.ratelimits.policy.RateLimiter``)."""
        assert self.rate_limiter is not None, "services built without a rate limiter"
        return self.rate_limiter

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, publisher=self.bus)
