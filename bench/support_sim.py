"""A simulated week of one 30-member circle: how many posts get a reply within 30
minutes with and without nudges, how many nudges members get, and how evenly.

    uv run python -m bench.support_sim [--days 7] [--seed 17] [--step 60]

The real code runs on a controlled clock (domain.clock.FixedClock, moved one step at
a time): posts and replies go through domain.posts.services, availability through
domain.support.services, and nudges through the real worker (NotificationWorker with
the real SupportNudgeJob, the outbox and a push sender that records what it sends)
on a fresh SQLite database migrated with the project's migrations.

The circle is synthetic; its behaviour is an assumption, stated here and in
docs/support.md, not a measurement of real people:

* 30 members in one timezone (UTC); nudge interval 20 minutes (the default).
* Posts: 8 a day on average (Poisson), 3 times likelier per hour in the evening
  (18:00-24:00) than at night (00:00-07:00), by a random member.
* Browsing: each member has a daily window of 1 to 3 hours (starting between 07:00
  and 22:00, drawn once per member) in which they open the app about every 45
  minutes; on opening, with probability 0.35 they answer the oldest post waiting
  for a reply that is not their own.
* Listening: 10 of the members offer to listen on 70% of days, for 3 to 6 hours
  starting between 08:00 and 20:00 (setSupportAvailability). A nudged member opens
  the app within 1 to 10 minutes with probability 0.7 and answers that post if it
  is still waiting.

Both runs draw the same posts, windows and browsing; only the nudges differ.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select

from api.node import from_global_id
from domain.circles.model import Topic
from domain.clock import FixedClock
from domain.notifications.push import PushMessage, PushOutcome, PushResult
from domain.posts import services as posts
from domain.ratelimits.policy import Action
from domain.safety.contact_details import ContactSpan
from domain.support import services as support
from infra.db.engine import create_engine, create_session_factory
from infra.db.reads.support import awaiting_page
from infra.db.tables.circles import circle_table, membership_table
from infra.db.tables.members import member_table
from infra.db.tables.notifications import device_table
from infra.db.tables.posts import post_table
from infra.db.uow import SqlUnitOfWork
from infra.settings import Settings
from infra.worker.loop import NotificationWorker
from infra.worker.support import SupportNudgeJob

ROOT = Path(__file__).resolve().parent.parent
MEMBERS, LISTENERS = 30, 10
POSTS_PER_DAY = 8.0
START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday


class NoLimits:
    async def hit(self, member_id: UUID, action: Action) -> int | None:
        return None

    async def peek(self, member_id: UUID, action: Action) -> int | None:
        return None


class NoContacts:
    async def find(self, text: str, region: str) -> Sequence[ContactSpan]:
        return ()


@dataclass
class RecordingSender:
    """Accepts every push and remembers (device token, postId) of support nudges."""

    nudges: list[tuple[str, str]] = field(default_factory=list)

    async def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        for m in messages:
            if m.data.get("type") == "SUPPORT_NUDGE":
                self.nudges.append((m.device_token, m.data["postId"]))
        return [PushResult(PushOutcome.SENT, message_id="sim") for _ in messages]


@dataclass(frozen=True)
class Plan:
    """Everything random that both runs share."""

    posts: list[tuple[datetime, int]]  # when, author index
    opens: list[tuple[datetime, int]]  # when a member opens the app
    answers: dict[tuple[datetime, int], bool]  # whether that opening answers
    availability: list[tuple[datetime, datetime, int]]  # start, until, listener index


def _hour_weight(hour: int) -> float:
    if 18 <= hour < 24:
        return 3.0
    if hour < 7:
        return 1.0
    return 2.0


def make_plan(days: int, seed: int) -> Plan:
    rng = random.Random(seed)
    weights = [_hour_weight(h) for h in range(24)]
    total = sum(weights)
    posts_: list[tuple[datetime, int]] = []
    for day in range(days):
        for hour in range(24):
            rate = POSTS_PER_DAY * weights[hour] / total  # expected posts this hour
            t = 0.0
            while True:
                t += rng.expovariate(rate)
                if t >= 1.0:
                    break
                at = START + timedelta(days=day, hours=hour + t)
                posts_.append((at.replace(microsecond=0), rng.randrange(MEMBERS)))
    windows = [(rng.uniform(7, 22), rng.uniform(1, 3)) for _ in range(MEMBERS)]
    opens: list[tuple[datetime, int]] = []
    answers: dict[tuple[datetime, int], bool] = {}
    for day in range(days):
        for m, (begin, length) in enumerate(windows):
            t = begin + rng.expovariate(1 / 0.75)
            while t < begin + length:
                at = (START + timedelta(days=day, hours=t)).replace(microsecond=0)
                opens.append((at, m))
                answers[(at, m)] = rng.random() < 0.35
                t += rng.expovariate(1 / 0.75)
    availability: list[tuple[datetime, datetime, int]] = []
    for day in range(days):
        for listener in range(LISTENERS):
            if rng.random() < 0.7:
                start = START + timedelta(days=day, hours=rng.uniform(8, 20))
                length = timedelta(hours=rng.uniform(3, 6))
                start = start.replace(microsecond=0)
                availability.append((start, start + length, listener))
    return Plan(sorted(posts_), sorted(opens), answers, sorted(availability))


@dataclass
class Result:
    posts: int
    within_30: float
    median_minutes: float | None
    nudges: int
    per_member_day: float
    per_listener_day: float
    max_member_day: int
    gini: float
    gini_per_hour: float
    """Gini of nudges per hour each listener offered: the rotation's own fairness,
    without the differences in how long each one was available."""


def gini(values: Sequence[float]) -> float:
    """0: everyone got the same; 1: one member got everything."""
    xs = sorted(values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return (2 * weighted) / (n * total) - (n + 1) / n


async def _migrated(url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    await asyncio.to_thread(command.upgrade, config, "head")


async def run(plan: Plan, days: int, nudges: bool, step: int, seed: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="hearth-support-sim-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'sim.sqlite3'}"
        await _migrated(url)
        engine = create_engine(Settings(_env_file=None, database_url=url, hearth_env="test"))  # type: ignore[call-arg]
        try:
            return await _simulate(engine, plan, days, nudges, step, seed)
        finally:
            await engine.dispose()


async def _setup(engine: Any) -> tuple[UUID, list[UUID]]:
    members = [uuid4() for _ in range(MEMBERS)]
    circle_id = uuid4()
    t = START - timedelta(days=1)
    async with engine.begin() as conn:
        await conn.execute(
            insert(member_table),
            [
                {
                    "id": m,
                    "firebase_uid": f"sim-{n}",
                    "display_name": f"Member {n}",
                    "display_name_key": f"member {n}",
                    "timezone": "UTC",
                    "region": "GB",
                    "created_at": t,
                    "updated_at": t,
                    "guidelines_version": "2026-11",
                    "guidelines_accepted_at": t,
                    "adult_confirmed_at": t,
                }
                for n, m in enumerate(members)
            ],
        )
        await conn.execute(
            insert(circle_table).values(
                id=circle_id,
                name="Evening Calm",
                description="A simulated circle.",
                topics=f",{Topic.ANXIETY.value},",
                visibility="PUBLIC",
                capacity=30,
                guidelines="",
                created_at=t,
                created_by=members[0],
                active_count=MEMBERS,
            )
        )
        await conn.execute(
            insert(membership_table),
            [
                {
                    "circle_id": circle_id,
                    "member_id": m,
                    "role": "OWNER" if n == 0 else "MEMBER",
                    "status": "ACTIVE",
                    "created_at": t,
                    "updated_at": t,
                }
                for n, m in enumerate(members)
            ],
        )
        await conn.execute(
            insert(device_table),
            [
                {
                    "token": f"fid-{n}",
                    "member_id": m,
                    "platform": "android",
                    "app_version": "1.0",
                    "locale": "en-GB",
                    "created_at": t,
                    "last_seen_at": t,
                }
                for n, m in enumerate(members)
            ],
        )
    return circle_id, members


async def _answer_oldest(
    engine: Any, uow: Any, clock: FixedClock, member: UUID, post_id: UUID | None = None
) -> bool:
    """The member answers ``post_id`` if it still waits, else (without one) the oldest
    post waiting for them."""
    if post_id is None:
        async with engine.connect() as conn:
            rows = await awaiting_page(conn, member, [], [], 1, None)
        if not rows:
            return False
        post_id = rows[0][1]["id"]
    else:
        async with engine.connect() as conn:
            answered = await conn.scalar(
                select(post_table.c.first_reply_at).where(post_table.c.id == post_id)
            )
        if answered is not None:
            return False
    await posts.reply_to_post(
        member, post_id, "I hear you.", False, uow(), clock, NoLimits(), NoContacts()
    )
    return True


async def _simulate(
    engine: Any, plan: Plan, days: int, nudges: bool, step: int, seed: int
) -> Result:
    circle_id, members = await _setup(engine)
    sessions = create_session_factory(engine)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    clock = FixedClock(START)
    sender = RecordingSender()
    job = SupportNudgeJob(engine, uow, clock)  # type: ignore[arg-type]
    worker = NotificationWorker(
        engine,
        sender,
        clock,
        uow_factory=uow,  # type: ignore[arg-type]
        periodic=[(0.0, job.run)] if nudges else [],
    )
    rng = random.Random(seed * 7919)  # nudge responses only
    events: list[tuple[datetime, str, Any]] = []
    events += [(at, "post", m) for at, m in plan.posts]
    events += [(at, "open", m) for at, m in plan.opens]
    events += [(start, "available", (until, m)) for start, until, m in plan.availability]
    events.sort(key=lambda e: (e[0], e[1]))
    responses: list[tuple[datetime, int, UUID]] = []  # when, member, post
    token_of = {f"fid-{n}": n for n in range(MEMBERS)}
    per_day: Counter[tuple[int, int]] = Counter()
    end = START + timedelta(days=days, hours=2)
    i = 0
    seen = 0
    while clock.now() < end:
        now = clock.now()
        while i < len(events) and events[i][0] <= now:
            at, kind, value = events[i]
            i += 1
            if kind == "post":
                cmd = posts.CreatePost(members[value], circle_id, "I'm not OK tonight.")
                await posts.create_post(cmd, uow(), clock, NoLimits(), NoContacts())
            elif kind == "open" and plan.answers[(at, value)]:
                await _answer_oldest(engine, uow, clock, members[value])
            elif kind == "available":
                until, listener = value
                command = support.SetAvailability(members[listener], until)
                await support.set_availability(command, uow(), clock)
        for when, m, post_id in [r for r in responses if r[0] <= now]:
            responses.remove((when, m, post_id))
            await _answer_oldest(engine, uow, clock, members[m], post_id)
        await worker.run_periodic()
        await worker.drain()
        for token, post_gid in sender.nudges[seen:]:
            seen += 1
            per_day[(token_of[token], (now - START).days)] += 1
            if rng.random() < 0.7:
                parsed = from_global_id(post_gid)  # the push carries a global ID
                assert parsed is not None
                delay = timedelta(minutes=rng.uniform(1, 10))
                responses.append((now + delay, token_of[token], parsed[1]))
        clock.set(now + timedelta(seconds=step))

    async with engine.connect() as conn:
        rows = (await conn.execute(select(post_table.c.first_reply_seconds))).all()
    delays = [r[0] for r in rows]
    answered = [d for d in delays if d is not None]
    per_member = Counter(token_of[t] for t, _ in sender.nudges)
    hours: dict[int, float] = dict.fromkeys(range(LISTENERS), 0.0)
    for start, until, listener in plan.availability:
        hours[listener] += (until - start).total_seconds() / 3600
    return Result(
        posts=len(delays),
        within_30=sum(1 for d in answered if d <= 1800) / len(delays) if delays else 0.0,
        median_minutes=statistics.median(answered) / 60 if answered else None,
        nudges=len(sender.nudges),
        per_member_day=len(sender.nudges) / MEMBERS / days,
        per_listener_day=len(sender.nudges) / LISTENERS / days,
        max_member_day=max(per_day.values(), default=0),
        gini=gini([per_member.get(n, 0) for n in range(LISTENERS)]),
        gini_per_hour=gini([per_member.get(n, 0) / hours[n] for n in range(LISTENERS) if hours[n]]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--step", type=int, default=60, help="clock step in seconds")
    args = parser.parse_args()
    plan = make_plan(args.days, args.seed)
    print(
        f"{len(plan.posts)} posts, {len(plan.opens)} app openings, "
        f"{len(plan.availability)} availability windows over {args.days} days"
    )
    for nudges in (False, True):
        r = asyncio.run(run(plan, args.days, nudges, args.step, args.seed))
        label = "with nudges   " if nudges else "without nudges"
        median = f"{r.median_minutes:.1f}" if r.median_minutes is not None else "-"
        print(
            f"{label}: answered within 30 min {r.within_30:.1%} of {r.posts} posts; "
            f"median first reply {median} min; nudges {r.nudges} "
            f"({r.per_member_day:.2f}/member/day, {r.per_listener_day:.2f}/listener/day, "
            f"max {r.max_member_day}/member/day); Gini over listeners {r.gini:.2f} "
            f"(per hour offered {r.gini_per_hour:.2f})"
        )


if __name__ == "__main__":
    main()
