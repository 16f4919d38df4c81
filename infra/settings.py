"""Settings: one typed object read from the environment (and an optional .env file).

Outside development the service refuses to start with unsafe settings: see
:meth:`Settings.production_problems`.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.ratelimits.policy import DEFAULT_LIMITS, Action, Limit

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./var/hearth.sqlite3"
DEFAULT_SECRET = "dev-only-secret-change-me"  # noqa: S105 - a known default that production refuses


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SignInMode(StrEnum):
    """How bearer tokens are checked."""

    FIREBASE = "firebase"  # Firebase ID tokens only
    DEV = "dev"  # `dev:<uid>` tokens only (development and test)
    FIREBASE_AND_DEV = "firebase+dev"  # both; dev tokens never in production


class ExecutorKind(StrEnum):
    """Which GraphQL executor runs operations."""

    FAST = "fast"  # graphql-core's, with the plain-field fast path (api/execution)
    GRAPHQL_CORE = "graphql-core"  # graphql-core's own, unchanged


class Settings(BaseSettings):
    """Hearth's configuration. Every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    hearth_env: Environment = Environment.DEVELOPMENT
    database_url: str = DEFAULT_SQLITE_URL
    database_read_url: str | None = None
    redis_url: str | None = None
    firebase_project_id: str | None = None
    firebase_credentials: Path | None = Field(
        default=None, validation_alias="GOOGLE_APPLICATION_CREDENTIALS"
    )
    firebase_auth_emulator_host: str | None = None
    hearth_sign_in: SignInMode | None = None
    hearth_secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    hearth_introspection: bool | None = None
    hearth_graphiql: bool | None = None
    hearth_mask_errors: bool | None = None
    hearth_max_body_bytes: int = 256 * 1024
    hearth_max_query_depth: int = 12
    hearth_max_query_tokens: int = 2_000
    hearth_max_aliases: int = 30
    hearth_max_query_cost: int = 5_000
    hearth_max_batch: int = 0
    hearth_log_level: str = "INFO"
    hearth_log_json: bool | None = None
    # A fixed pool: connections opened beyond it are closed when returned, so a steady
    # load above the pool opens and closes connections all the time (docs/performance.md)
    hearth_db_pool_size: int = 15
    hearth_db_max_overflow: int = Field(0, ge=0)
    hearth_db_statement_cache: int = 100
    hearth_ws_max_connections_per_member: int = 5
    # Connections to Redis per API process. A request that finds them all busy waits for
    # one (up to 2 s, then it counts as Redis being unavailable) instead of failing at
    # once, so a burst of requests cannot open the rate limits or lose persisted queries.
    hearth_redis_max_connections: int = Field(100, ge=2)
    # a websocket whose client reads nothing for this long is dropped (0: never)
    hearth_ws_send_timeout_seconds: float = Field(30.0, ge=0)
    # the kernel send buffer of each websocket (0: the kernel's own tuning, up to 4 MiB)
    hearth_ws_send_buffer_bytes: int = Field(131_072, ge=0)
    hearth_embedded_worker: bool | None = None
    hearth_worker_lease_seconds: float = 60.0
    hearth_worker_batch_size: int = 500
    # How the worker sends to FCM: "pooled" from its event loop over a bounded pool of
    # keep-alive connections (infra.push.fcm_pooled), or "firebase-admin" with its
    # threaded send_each (infra.push.fcm).
    hearth_fcm_transport: Literal["pooled", "firebase-admin"] = "pooled"
    # Connections kept to FCM per worker (both transports: the pooled sender's pool, or
    # send_each's fan-out via infra.push.fcm.tune_fcm_connections); 0 leaves
    # firebase-admin's defaults (10) as they are, and the pooled sender at 10.
    hearth_fcm_pool_size: int = Field(100, ge=0, le=500)
    hearth_worker_poll_seconds: float = 1.0
    hearth_executor: ExecutorKind = ExecutorKind.FAST
    # Persisted and trusted documents run on compiled plans (api/execution/compiled.py)
    # when the fast executor is on; false runs them on the executor like any other.
    hearth_compiled_execution: bool = True
    # On a compiled plan, a circle's feed page comes rendered to JSON by PostgreSQL, one
    # statement per page (api.posts.rendered, infra.db.reads.rendered); false reads it
    # into Python objects as the executor does. SQLite always reads it that way.
    hearth_store_rendering: bool = True
    # A request sending only the hash of a known document that has passed validation and
    # run on its plan before skips Strawberry's extension pipeline (api.execution.lane);
    # false sends every request through it.
    hearth_direct_lane: bool = True
    # The asyncpg read lane for hot read statements on PostgreSQL
    # (infra.db.reads.statements.fetch); false sends them through SQLAlchemy.
    hearth_direct_reads: bool = True
    # Live circle activity renders each event once per audience (subscribers with the
    # same document and the same view of it) and sends every socket of the audience the
    # same serialised frame (api.execution.audience); false executes the subscription
    # document for every subscriber, as before.
    hearth_live_render_once: bool = True
    hearth_trusted_documents: Path | None = None
    hearth_require_trusted_documents: bool = False
    # Rate limits per member (moving windows; see docs/moderation.md).
    hearth_limit_posts_per_hour: int = Field(DEFAULT_LIMITS[Action.POST].count, ge=1)
    hearth_limit_replies_per_hour: int = Field(DEFAULT_LIMITS[Action.REPLY].count, ge=1)
    hearth_limit_reactions_per_hour: int = Field(DEFAULT_LIMITS[Action.REACTION].count, ge=1)
    hearth_limit_reports_per_hour: int = Field(DEFAULT_LIMITS[Action.REPORT].count, ge=1)
    hearth_limit_circles_per_day: int = Field(DEFAULT_LIMITS[Action.CIRCLE_CREATION].count, ge=1)
    hearth_limit_invites_per_day: int = Field(DEFAULT_LIMITS[Action.INVITE].count, ge=1)
    hearth_limit_failed_invite_codes_per_hour: int = Field(
        DEFAULT_LIMITS[Action.FAILED_INVITE_CODE].count, ge=1
    )
    hearth_limit_renames_per_day: int = Field(DEFAULT_LIMITS[Action.PROFILE_RENAME].count, ge=1)
    hearth_delete_firebase_user: bool = False

    @property
    def is_production(self) -> bool:
        return self.hearth_env is Environment.PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sign_in(self) -> SignInMode:
        if self.hearth_sign_in is not None:
            return self.hearth_sign_in
        if self.is_production:
            return SignInMode.FIREBASE
        return SignInMode.FIREBASE_AND_DEV if self.firebase_project_id else SignInMode.DEV

    @property
    def dev_sign_in(self) -> bool:
        return self.sign_in in (SignInMode.DEV, SignInMode.FIREBASE_AND_DEV)

    @property
    def firebase_sign_in(self) -> bool:
        return self.sign_in in (SignInMode.FIREBASE, SignInMode.FIREBASE_AND_DEV)

    @property
    def introspection(self) -> bool:
        if self.hearth_introspection is not None:
            return self.hearth_introspection
        return not self.is_production

    @property
    def graphiql(self) -> bool:
        if self.hearth_graphiql is not None:
            return self.hearth_graphiql
        return not self.is_production

    @property
    def log_json(self) -> bool:
        return self.hearth_log_json if self.hearth_log_json is not None else self.is_production

    @property
    def mask_errors(self) -> bool:
        """Hide unexpected errors' messages from clients (on in production)."""
        if self.hearth_mask_errors is not None:
            return self.hearth_mask_errors
        return self.is_production

    @property
    def embedded_worker(self) -> bool:
        """Run the notification worker inside the web process (on in development only:
        tests start their own workers, production runs ``hearth worker``)."""
        if self.hearth_embedded_worker is not None:
            return self.hearth_embedded_worker
        return self.hearth_env is Environment.DEVELOPMENT

    def rate_limits(self) -> dict[Action, Limit]:
        """The domain's limits with the counts these settings give."""
        counts = {
            Action.POST: self.hearth_limit_posts_per_hour,
            Action.REPLY: self.hearth_limit_replies_per_hour,
            Action.REACTION: self.hearth_limit_reactions_per_hour,
            Action.REPORT: self.hearth_limit_reports_per_hour,
            Action.CIRCLE_CREATION: self.hearth_limit_circles_per_day,
            Action.INVITE: self.hearth_limit_invites_per_day,
            Action.FAILED_INVITE_CODE: self.hearth_limit_failed_invite_codes_per_hour,
            Action.PROFILE_RENAME: self.hearth_limit_renames_per_day,
        }
        return {
            action: Limit(counts[action], limit.period_seconds)
            for action, limit in DEFAULT_LIMITS.items()
        }

    @cached_property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        path = self.database_url.split("///", 1)[-1].split("?", 1)[0]
        return None if path in ("", ":memory:") else Path(path)

    def production_problems(self) -> list[str]:
        """Every reason this configuration is unsafe for production (empty when fine)."""
        if not self.is_production:
            return []
        problems = []
        if self.dev_sign_in:
            problems.append("dev sign-in is on (set HEARTH_SIGN_IN=firebase)")
        if self.firebase_auth_emulator_host:
            problems.append("FIREBASE_AUTH_EMULATOR_HOST is set")
        if not self.firebase_project_id:
            problems.append("no Firebase project is configured (FIREBASE_PROJECT_ID)")
        if self.is_sqlite:
            problems.append("the database is SQLite (set DATABASE_URL to PostgreSQL)")
        if self.hearth_secret_key.get_secret_value() == DEFAULT_SECRET:
            problems.append("HEARTH_SECRET_KEY is the default")
        if self.hearth_require_trusted_documents and not self.hearth_trusted_documents:
            problems.append(
                "HEARTH_REQUIRE_TRUSTED_DOCUMENTS is on but no manifest is set "
                "(HEARTH_TRUSTED_DOCUMENTS)"
            )
        return problems


class UnsafeSettings(SystemExit):
    """Raised at start-up when production settings are unsafe; exits non-zero."""

    def __init__(self, problems: list[str]) -> None:
        sentence = "Refusing to start in production: " + "; ".join(problems) + "."
        super().__init__(sentence)
        self.sentence = sentence


def load_settings() -> Settings:
    """Read settings from the environment and refuse unsafe production settings."""
    settings = Settings()
    problems = settings.production_problems()
    if problems:
        raise UnsafeSettings(problems)
    return settings
