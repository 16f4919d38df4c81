"""DataLoaders, built per request (per operation for subscriptions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from strawberry.dataloader import DataLoader

from domain.members.model import Member
from infra.db.reads import members as member_reads

if TYPE_CHECKING:
    from api.container import Services


class MemberByIdLoader(DataLoader[UUID, Member | None]):
    def __init__(self, services: Services) -> None:
        async def load(ids: Sequence[UUID]) -> list[Member | None]:
            async with services.session_factory() as session:
                found = await member_reads.by_ids(session, ids)
            return [found.get(i) for i in ids]

        super().__init__(load_fn=load)


class MemberByUidLoader(DataLoader[str, Member | None]):
    def __init__(self, services: Services) -> None:
        async def load(uids: Sequence[str]) -> list[Member | None]:
            async with services.session_factory() as session:
                found = await member_reads.by_uids(session, uids)
            return [found.get(u) for u in uids]

        super().__init__(load_fn=load)


class Loaders:
    """Every loader of one request."""

    def __init__(self, services: Services) -> None:
        self.member_by_id = MemberByIdLoader(services)
        self.member_by_uid = MemberByUidLoader(services)
