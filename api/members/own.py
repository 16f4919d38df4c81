"""Fields of ``Member`` that only the member themself sees and that another area answers,
where that area builds ``Member`` objects too.

``Member.blockedMembers`` lists Members (``api.moderation.blocking``);
``Member.awaitingSupport`` lists Posts with their authors (``api.support.queries``);
``Member.supportAvailability`` names circles (``api.support.availability``). Those
modules import ``api.members.types``, so it cannot import them back without an import
cycle. Each registers its resolver here with :func:`answers`, the way ``api.node``
registers ``node(id:)`` resolvers, and ``Member`` looks it up by field name when the
field is resolved. ``api.schema`` imports every area, so all are registered before the
first request; ``tests/unit/test_architecture.py`` checks that each is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

OwnResolver = Callable[..., Awaitable[Any]]
F = TypeVar("F", bound=OwnResolver)

OWN_FIELDS = ("blockedMembers", "awaitingSupport", "supportAvailability")
_RESOLVERS: dict[str, OwnResolver] = {}


def answers(field: str) -> Callable[[F], F]:
    """Register ``resolver(info, *args)`` as the answer to ``Member.<field>``."""
    if field not in OWN_FIELDS:
        raise ValueError(f"Member.{field} is not answered by another area")

    def register(resolver: F) -> F:
        _RESOLVERS[field] = resolver
        return resolver

    return register


def resolver_of(field: str) -> OwnResolver:
    return _RESOLVERS[field]
