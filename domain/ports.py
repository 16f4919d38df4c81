"""Compatibility re-exports: the ports now live next to their areas.

Repositories are declared in ``domain/<area>/ports.py`` and the unit of work in
``domain/uow.py``; import from there. This module only keeps older imports working
and imports nothing but those modules.
"""

from __future__ import annotations

from domain.checkins.ports import CheckInReminderRepository, CheckInRepository
from domain.circles.ports import CircleRepository, InviteRepository, MembershipRepository
from domain.members.ports import MemberRepository
from domain.posts.ports import PostRepository, ReactionRepository, ReplyRepository
from domain.uow import UnitOfWork

__all__ = [
    "CheckInReminderRepository",
    "CheckInRepository",
    "CircleRepository",
    "InviteRepository",
    "MemberRepository",
    "MembershipRepository",
    "PostRepository",
    "ReactionRepository",
    "ReplyRepository",
    "UnitOfWork",
]
