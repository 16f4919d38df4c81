"""The composition root's product: every long-lived resource the app uses.

Built once by the app's lifespan (``api.app``); nothing here is created at import.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from api.persisted import DocumentStore
from api.realtime.cache import SnapshotCache
from api.realtime.fanout import LiveFanout
from domain.checkins.reads import CheckInReads
from domain.circles.reads import CircleReads
from domain.clock import Clock
from domain.members.reads import MemberReads
from domain.moderation.reads import ModerationReads
from domain.notifications.reads import NotificationReads
from domain.posts.reads import PostReads
from domain.privacy.ports import SignInAccounts
from domain.privacy.reads import ExportLinks, ExportReads
from domain.safety.crisis import CrisisDirectory
from domain.safety.detector import default_detector
from domain.safety.model import RiskDetector
from domain.safety.reads import SafetyReads
from domain.safety.resources import ResourceCatalog
from domain.support.reads import SupportReads
from infra.auth.accounts import KeptSignInAccounts
from infra.auth.verifier import TokenVerifier
from infra.confusables import ConfusableSkeleton
from infra.contact_details import ContactDetails
from infra.db.engine import reads_engine
from infra.db.reads.checkins import SqlCheckInReads
from infra.db.reads.circles import SqlCircleReads
from infra.db.reads.members import SqlMemberReads
from infra.db.reads.moderation import SqlModerationReads
from infra.db.reads.notifications import SqlNotificationReads
from infra.db.reads.posts import SqlPostReads
from infra.db.reads.privacy import SqlExportReads
from infra.db.reads.safety import SqlSafetyReads
from infra.db.reads.support import SqlSupportReads
from infra.db.uow import SqlUnitOfWork
from infra.events.bus import InProcessBus, RedisBus
from infra.exports.links import SignedExportLinks
from infra.persisted_queries import LruDocuments
from infra.ratelimits import LimitsRateLimiter
from infra.safety.crisis_data import load_crisis_directory
from infra.safety.detector import ObservedDetector
from infra.safety.resources import default_catalog
from infra.settings import Settings

if TYPE_CHECKING:
    import firebase_admin
    from redis.asyncio import Redis

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
    redis: Redis | None = None
    firebase_app: firebase_admin.App | None = None
    bus: InProcessBus | RedisBus = field(default_factory=InProcessBus)
    # Probes /readyz runs besides the database and Redis: name -> "ok" or why not.
    readiness: dict[str, Callable[[], str]] = field(default_factory=dict)
    # The embedded notification worker: its stop signal and task (api.wiring).
    worker: tuple[asyncio.Event, asyncio.Task[None]] | None = None
    # Open websocket connections per member (api.realtime.websocket's per-member cap).
    ws_connections: Counter[str] = field(default_factory=Counter)
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
    persisted: DocumentStore = field(default_factory=LruDocuments)  # APQ's documents
    # Live events' snapshots, each read once for all of a process's subscribers.
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)
    # Live events rendered once per audience and document (api.execution.audience).
    live_renders: SnapshotCache = field(default_factory=lambda: SnapshotCache(2048))
    # The process's live circle subscriptions, one pass per event and circle.
    live: LiveFanout = field(default_factory=LiveFanout)
    # Read ports (domain/<area>/reads.py), each on ``reads`` below.
    circle_reads: CircleReads = field(init=False)
    member_reads: MemberReads = field(init=False)
    check_in_reads: CheckInReads = field(init=False)
    notification_reads: NotificationReads = field(init=False)
    moderation_reads: ModerationReads = field(init=False)
    safety_reads: SafetyReads = field(init=False)
    support_reads: SupportReads = field(init=False)
    export_reads: ExportReads = field(init=False)
    export_links: ExportLinks = field(init=False)
    post_reads: PostReads = field(init=False)

    def __post_init__(self) -> None:
        self.read_engine = reads_engine(self.engine)
        self.replica_reads = reads_engine(self.replica) if self.replica is not None else None
        self.circle_reads = SqlCircleReads(self.reads)
        self.member_reads = SqlMemberReads(self.reads)
        self.check_in_reads = SqlCheckInReads(self.reads)
        self.notification_reads = SqlNotificationReads(self.reads)
        self.moderation_reads = SqlModerationReads(self.reads)
        self.safety_reads = SqlSafetyReads(self.reads)
        self.support_reads = SqlSupportReads(self.reads)
        self.export_reads = SqlExportReads(self.reads)
        self.export_links = SignedExportLinks(self.settings.hearth_secret_key.get_secret_value())
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
