"""The composition root's product: every long-lived resource the app uses, each as the
port its users call (``domain/…`` Protocols and the few the api layer defines).

Built once by the app's lifespan (``api.wiring.build_services``), which chooses the
adapters; nothing here names one, and nothing is created at import.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from api.persisted import DocumentStore
from api.realtime.cache import SnapshotCache
from api.realtime.fanout import LiveFanout
from domain.checkins.reads import CheckInReads
from domain.circles.reads import CircleReads
from domain.clock import Clock
from domain.events import EventBus
from domain.members.identity import TokenVerifier
from domain.members.model import NameSkeleton
from domain.members.reads import MemberReads
from domain.moderation.reads import ModerationReads
from domain.notifications.reads import NotificationReads
from domain.posts.reads import PostReads
from domain.privacy.ports import SignInAccounts
from domain.privacy.reads import ExportLinks, ExportReads
from domain.ratelimits.policy import RateLimiter
from domain.safety.contact_details import ContactDetector
from domain.safety.crisis import CrisisDirectory
from domain.safety.model import RiskDetector
from domain.safety.reads import SafetyReads
from domain.safety.resources import ResourceCatalog
from domain.support.reads import SupportReads
from domain.uow import UnitOfWork

if TYPE_CHECKING:
    import firebase_admin
    from redis.asyncio import Redis


class ServiceSettings(Protocol):
    """The settings that resolvers and the live paths read (``infra.settings.Settings``
    has them, with the rest that only the composition root reads)."""

    @property
    def hearth_secret_key(self) -> SecretStr: ...

    @property
    def hearth_live_render_once(self) -> bool: ...

    @property
    def hearth_ws_max_connections_per_member(self) -> int: ...


@dataclass
class Services:
    settings: ServiceSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    # A new unit of work on the primary: ``services.uow()``.
    uow: Callable[[], UnitOfWork]
    # A pooled connection for the read ports: ``async with services.reads() as conn``.
    reads: Callable[[], AsyncConnection]
    # Each area's read port (domain/<area>/reads.py).
    circle_reads: CircleReads
    member_reads: MemberReads
    check_in_reads: CheckInReads
    notification_reads: NotificationReads
    moderation_reads: ModerationReads
    safety_reads: SafetyReads
    support_reads: SupportReads
    export_reads: ExportReads
    post_reads: PostReads
    verifier: TokenVerifier
    clock: Clock
    expected_migration_head: str | None
    bus: EventBus
    limiter: RateLimiter
    crisis_directory: CrisisDirectory
    contacts: ContactDetector
    skeletons: NameSkeleton
    # Every post, reply and check-in note is rated through this (domain.safety.services.rate).
    detector: RiskDetector
    sign_in_accounts: SignInAccounts
    resources: ResourceCatalog
    export_links: ExportLinks
    persisted: DocumentStore  # APQ's documents
    redis: Redis | None = None
    firebase_app: firebase_admin.App | None = None
    replica: AsyncEngine | None = None  # DATABASE_READ_URL's engine, when set
    # Probes /readyz runs besides the database and Redis: name -> "ok" or why not.
    readiness: dict[str, Callable[[], str]] = field(default_factory=dict)
    # The embedded notification worker: its stop signal and task (api.wiring).
    worker: tuple[asyncio.Event, asyncio.Task[None]] | None = None
    # Open websocket connections per member (api.realtime.websocket's per-member cap).
    ws_connections: Counter[str] = field(default_factory=Counter)
    # Live events' snapshots, each read once for all of a process's subscribers.
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)
    # Live events rendered once per audience and document (api.execution.audience).
    live_renders: SnapshotCache = field(default_factory=lambda: SnapshotCache(2048))
    # The process's live circle subscriptions, one pass per event and circle.
    live: LiveFanout = field(default_factory=LiveFanout)
