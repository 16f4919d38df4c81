"""Per-request (per-operation for subscriptions) context: the viewer and loaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from api.container import Services
from api.errors import auth_unavailable, not_onboarded, unauthenticated
from api.loaders import Loaders
from api.observability import member_hash, note
from domain.errors import AuthUnavailable, Unauthenticated
from domain.members.identity import Identity, parse_bearer
from domain.members.model import Member
from domain.moderation.model import NO_FILTERS, ViewerFilters


@dataclass
class Context:
    """What every resolver can see: the services, the bearer token and the loaders."""

    services: Services
    token: str | None
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    _identity: asyncio.Future[Identity] | None = field(default=None, init=False)
    _member: Member | None = field(default=None, init=False)
    _filters: ViewerFilters = field(default=NO_FILTERS, init=False)
    _member_loaded: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services, self._viewer_id)

    async def _viewer_id(self) -> UUID | None:
        member = await self.member_or_none()
        return member.id if member else None

    @classmethod
    def from_authorization(cls, services: Services, header: str | None, **kw: Any) -> Context:
        try:
            token = parse_bearer(header) if header and header.strip() else None
        except Unauthenticated:
            token = "\x00malformed"  # noqa: S105 - verified lazily, so public fields still work
        return cls(services=services, token=token, **kw)

    async def identity(self) -> Identity:
        """The signed-in account. Raises UNAUTHENTICATED / AUTH_UNAVAILABLE errors."""
        if self.token is None:
            raise unauthenticated()
        if self._identity is None:
            self._identity = asyncio.ensure_future(self._verify(self.token))
        elif self._identity.done() and not self._identity.cancelled():
            return self._identity.result()  # raises the sign-in error again, if any
        return await asyncio.shield(self._identity)

    async def _verify(self, token: str) -> Identity:
        try:
            return await self.services.verifier.verify(token)
        except Unauthenticated as exc:
            raise unauthenticated("Your sign-in is missing, invalid or expired.") from exc
        except AuthUnavailable as exc:
            raise auth_unavailable() from exc

    async def member_or_none(self) -> Member | None:
        """The viewer's profile, or None when they have not onboarded yet."""
        identity = await self.identity()
        if not self._member_loaded:
            viewer = await self.loaders.member_by_uid.load(identity.uid)
            self._member, self._filters = viewer or (None, NO_FILTERS)
            self._member_loaded = True
            if self._member is not None:
                secret = self.services.settings.hearth_secret_key.get_secret_value()
                note(member=member_hash(secret, self._member.id))
        return self._member

    async def filters(self) -> ViewerFilters:
        """What the viewer must not see (blocks both ways, muted topics), read with
        the viewer's profile at no extra cost."""
        if not self._member_loaded:  # once loaded, as member_or_none would find them
            await self.member_or_none()
        return self._filters

    async def member(self) -> Member:
        """The viewer's profile; NOT_ONBOARDED when there is none."""
        member = await self.member_or_none()
        if member is None:
            raise not_onboarded()
        return member

    def release_loaders(self) -> None:
        """Drop this context's loaders and what they cached: a live socket's context
        keeps none between its operations and events (each event executed for one
        subscriber reads afresh), only what it needs to know its viewer."""
        self.loaders = Loaders(self.services, self._viewer_id)

    def forget_member(self) -> None:
        self._member_loaded = False
        self.loaders.member_by_uid.clear_all()
