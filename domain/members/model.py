"""The member: a pseudonymous person using Hearth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

CURRENT_GUIDELINES_VERSION = "2026-11"
"""The community guidelines a member must accept to join Hearth."""


@dataclass(slots=True)
class Member:
    """A member's profile. ``firebase_uid`` links it to the sign-in account.

    ``display_name``, ``pronouns`` and ``bio`` are public to other members;
    ``timezone`` and ``region`` are private to the member.
    """

    id: UUID
    firebase_uid: str
    display_name: str
    timezone: str
    region: str
    created_at: datetime
    updated_at: datetime
    guidelines_version: str
    guidelines_accepted_at: datetime
    adult_confirmed_at: datetime
    pronouns: str | None = None
    bio: str | None = None
    name_skeleton: str | None = None
    """The display name's confusable skeleton (see :class:`NameSkeleton`): unique, so
    no two members' names look alike. None only for names kept from before the rule
    that looked like an older member's."""


class NameSkeleton(Protocol):
    """The key under which display names must be unique so that none looks like
    another (Unicode UTS #39 confusables, regardless of case): "Lokan" with a Latin
    o and the same with U+043E CYRILLIC SMALL LETTER O have the same skeleton."""

    def __call__(self, name: str) -> str: ...
