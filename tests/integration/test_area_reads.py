"""The circle, member, check-in (and live-snapshot) read ports on the real database: they hand back
domain views with plain Python values (the same on SQLite and PostgreSQL), never rows."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from domain.checkins.reads import ShareSnapshot
from domain.circles.model import MembershipStatus, Role, Topic, Visibility
from domain.circles.reads import CircleWithViewer, MemberEventSnapshot, MembershipView
from domain.circles.services import CreateCircle, create_circle
from domain.clock import FixedClock
from domain.members.model import Member
from domain.members.reads import PublicProfile
from domain.moderation.model import ViewerFilters
from infra.db.engine import create_engine, create_session_factory, reads_engine
from infra.db.reads.checkins import SqlCheckInReads
from infra.db.reads.circles import SqlCircleReads
from infra.db.reads.members import SqlMemberReads
from infra.db.reads.moderation import SqlModerationReads
from infra.db.reads.notifications import SqlNotificationReads
from infra.db.uow import SqlUnitOfWork
from tests.conftest import test_settings
from tests.unit.fakes import FakeRateLimiter

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def test_the_read_ports_return_views(clean_database: str) -> None:
    engine = create_engine(test_settings())
    try:
        factory = create_session_factory(engine)
        member = Member(
            uuid4(), "uid-ana", "Ana", "Europe/London", "GB", NOW, NOW, "2026-11", NOW, NOW
        )
        async with SqlUnitOfWork(factory) as uow:
            await uow.members.add(member)
            await uow.commit()
        command = CreateCircle(member.id, "Evening Calm", "", [Topic.ANXIETY], Visibility.PUBLIC)
        circle = await create_circle(
            command, SqlUnitOfWork(factory), FixedClock(NOW), FakeRateLimiter()
        )
        connect = reads_engine(engine).connect
        circles, members = SqlCircleReads(connect), SqlMemberReads(connect)

        found = await circles.with_viewer([circle.id, uuid4()], member.id)
        assert list(found) == [circle.id]
        pair = found[circle.id]
        assert isinstance(pair, CircleWithViewer)
        assert pair.membership is not None
        assert pair.membership.role is Role.OWNER
        assert (await circles.with_viewer([circle.id], None))[circle.id].membership is None
        assert [p.circle.id for p in await circles.mine(member.id, 5, None)] == [circle.id]
        assert [p.circle.id for p in await circles.discover(member.id, None, "calm", 5, None)] == [
            circle.id
        ]

        view = await circles.membership(circle.id, member.id)
        assert isinstance(view, MembershipView)
        assert view.status is MembershipStatus.ACTIVE
        assert view.role is Role.OWNER
        assert view.member == PublicProfile(member.id, "Ana", None, None, view.member.member_since)
        assert isinstance(view.member_id, UUID)  # asyncpg hands back its own subclass
        assert isinstance(view.since, datetime)
        page = await circles.memberships_page(circle.id, MembershipStatus.ACTIVE, 5, None)
        assert page == [view]
        assert (
            await circles.memberships_page(circle.id, MembershipStatus.ACTIVE, 5, None, [member.id])
            == []
        )
        assert await circles.membership(circle.id, uuid4()) is None
        assert await circles.pins(circle.id) == []

        assert (await members.by_ids([member.id]))[member.id].display_name == "Ana"
        viewer, filters = (await members.viewers_by_uids(["uid-ana"]))["uid-ana"]
        assert viewer.id == member.id
        assert filters == ViewerFilters(frozenset(), frozenset())

        check_ins = SqlCheckInReads(connect)
        assert await check_ins.shared_page(circle.id, 5, None) == []
        assert await check_ins.shared_one(circle.id, uuid4()) is None
        assert await check_ins.own_page(member.id, 5, None) == []

        # live-event snapshots: read once per event for every subscriber
        snapshot = await circles.member_event_snapshot(circle.id, member.id)
        assert snapshot == MemberEventSnapshot(
            member.id, view.member, 1, ()
        )  # the owner is the one active member, in no block
        gone = await circles.member_event_snapshot(circle.id, uuid4())
        assert gone.profile is None
        assert await check_ins.share_snapshot(circle.id, uuid4()) == ShareSnapshot(None, ())
        assert await SqlModerationReads(connect).block_pairs([member.id]) == ()
        assert await SqlNotificationReads(connect).badge(member.id, uuid4()) == (None, 0)
    finally:
        await engine.dispose()
