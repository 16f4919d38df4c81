"""Insights by local day across a DST change, streaks, and reminder settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select, update
from starlette.applications import Starlette

from api.node import from_global_id
from domain.clock import FixedClock
from domain.notifications.services import queue_due_reminders
from infra.db.tables.checkins import check_in_reminder_table
from infra.db.tables.notifications import notification_table
from tests.api.checkins.conftest import SET_REMINDER, check_in
from tests.support.graphql import GraphQLClient

INSIGHTS = """
query($period: CheckInInsightsPeriod!) {
  me { checkInInsights(period: $period) {
    days timezone firstDay lastDay count averageMood
    moodByDay { day averageMood count }
    emotionCounts { emotion count }
    currentStreak longestStreak
  } }
}
"""
REMINDER = "{ me { checkInReminder { enabled localTimes weekdays timezone nextReminderAt } } }"
UPDATE = """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  userErrors { code } } }"""


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_insights_count_local_days_across_the_end_of_dst(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    # New York leaves DST on 2026-11-01 at 02:00 (EDT -4 -> EST -5).
    await gql.onboard("alice", timezone="America/New_York")
    moments = [
        (utc(2026, 10, 26, 16), 2, ["SAD"]),  # Oct 26 12:00 EDT
        (utc(2026, 10, 27, 16), 3, ["SAD", "TIRED"]),  # Oct 27
        (utc(2026, 10, 28, 16), 3, []),  # Oct 28
        (utc(2026, 10, 29, 16), 4, ["CALM"]),  # Oct 29; then no check-in on Oct 30
        (utc(2026, 11, 1, 3, 30), 2, ["SAD"]),  # Oct 31 23:30 EDT (Nov 1 in UTC)
        (utc(2026, 11, 2, 4, 30), 4, ["HOPEFUL"]),  # Nov 1 23:30 EST (Nov 2 in UTC)
        (utc(2026, 11, 2, 13), 5, ["HOPEFUL", "CALM"]),  # Nov 2 08:00 EST
    ]
    for at, mood, emotions in moments:
        clock.set(at)
        await check_in(gql, "alice", mood=mood, emotions=emotions)
    clock.set(utc(2026, 11, 3, 1))  # Nov 2 20:00 EST: still Nov 2 locally

    week = (await gql.data(INSIGHTS, {"period": "LAST_7_DAYS"}, as_="alice"))["me"][
        "checkInInsights"
    ]
    assert week["timezone"] == "America/New_York"
    assert (week["firstDay"], week["lastDay"]) == ("2026-10-27", "2026-11-02")
    assert week["count"] == 6  # Oct 26 is outside the week
    assert week["moodByDay"] == [
        {"day": "2026-10-27", "averageMood": 3.0, "count": 1},
        {"day": "2026-10-28", "averageMood": 3.0, "count": 1},
        {"day": "2026-10-29", "averageMood": 4.0, "count": 1},
        {"day": "2026-10-31", "averageMood": 2.0, "count": 1},
        {"day": "2026-11-01", "averageMood": 4.0, "count": 1},
        {"day": "2026-11-02", "averageMood": 5.0, "count": 1},
    ]
    assert week["averageMood"] == round(21 / 6, 2)
    assert week["currentStreak"] == 3  # Oct 31, Nov 1, Nov 2 (local), not 2 UTC days
    assert week["longestStreak"] == 3
    assert week["emotionCounts"] == [  # ties in the Emotion enum's order
        {"emotion": "CALM", "count": 2},
        {"emotion": "SAD", "count": 2},
        {"emotion": "HOPEFUL", "count": 2},
        {"emotion": "TIRED", "count": 1},
    ]

    month = (await gql.data(INSIGHTS, {"period": "LAST_30_DAYS"}, as_="alice"))["me"][
        "checkInInsights"
    ]
    assert month["count"] == 7
    assert month["longestStreak"] == 4  # Oct 26-29
    assert month["currentStreak"] == 3

    # the day after, before checking in, the streak still stands; two days after, it is gone
    clock.set(utc(2026, 11, 3, 20))
    later = (await gql.data(INSIGHTS, {"period": "LAST_7_DAYS"}, as_="alice"))["me"]
    assert later["checkInInsights"]["currentStreak"] == 3
    clock.set(utc(2026, 11, 5, 20))
    gone = (await gql.data(INSIGHTS, {"period": "LAST_7_DAYS"}, as_="alice"))["me"]
    assert gone["checkInInsights"]["currentStreak"] == 0


async def test_insights_follow_the_members_current_timezone(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await gql.onboard("alice", timezone="Europe/London")
    clock.set(utc(2026, 11, 2, 23, 30))  # 23:30 in London, Nov 3 08:30 in Tokyo
    await check_in(gql, "alice", mood=4)
    week = await gql.data(INSIGHTS, {"period": "LAST_7_DAYS"}, as_="alice")
    assert week["me"]["checkInInsights"]["moodByDay"][0]["day"] == "2026-11-02"
    await gql.data(UPDATE, {"input": {"timezone": "Asia/Tokyo"}}, as_="alice")
    week = await gql.data(INSIGHTS, {"period": "LAST_7_DAYS"}, as_="alice")
    assert week["me"]["checkInInsights"]["moodByDay"][0]["day"] == "2026-11-03"


async def test_reminder_settings_validate_and_follow_the_timezone(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await gql.onboard("alice", timezone="Europe/London")
    assert (await gql.data(REMINDER, as_="alice"))["me"]["checkInReminder"] is None
    bad = await gql.data(
        SET_REMINDER,
        {"input": {"enabled": True, "localTimes": ["08:00", "9:5"], "weekdays": [1]}},
        as_="alice",
    )
    assert bad["setCheckInReminder"]["userErrors"][0]["field"] == ["input", "localTimes"]
    bad = await gql.data(
        SET_REMINDER,
        {
            "input": {
                "enabled": True,
                "localTimes": ["08:00", "09:00", "10:00", "11:00"],
                "weekdays": [0, 8],
            }
        },
        as_="alice",
    )
    codes = {(e["code"], e["field"][-1]) for e in bad["setCheckInReminder"]["userErrors"]}
    assert codes == {("TOO_LONG", "localTimes"), ("INVALID", "weekdays")}

    # Saturday 2026-03-28 noon; London springs forward on Sunday at 01:00 UTC
    clock.set(utc(2026, 3, 28, 12))
    every_day = {"enabled": True, "localTimes": ["08:00"], "weekdays": [1, 2, 3, 4, 5, 6, 7]}
    saved = await gql.data(SET_REMINDER, {"input": every_day}, as_="alice")
    reminder = saved["setCheckInReminder"]["reminder"]
    assert reminder["timezone"] == "Europe/London"
    assert reminder["localTimes"] == ["08:00"]
    assert reminder["nextReminderAt"].startswith("2026-03-29T07:00:00")  # 08:00 BST
    await gql.data(UPDATE, {"input": {"timezone": "America/New_York"}}, as_="alice")
    moved = (await gql.data(REMINDER, as_="alice"))["me"]["checkInReminder"]
    assert moved["timezone"] == "America/New_York"
    assert moved["nextReminderAt"].startswith("2026-03-29T12:00:00")  # 08:00 EDT

    off = await gql.data(
        SET_REMINDER, {"input": {"enabled": False, "localTimes": [], "weekdays": []}}, as_="alice"
    )
    assert off["setCheckInReminder"]["reminder"]["nextReminderAt"] is None


async def test_the_reminder_pass_skips_members_who_checked_in_that_local_day(
    gql: GraphQLClient, clock: FixedClock, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    """Through production's reminder pass (the worker's) on the real database."""
    services = app_and_http[0].state.services
    every_day = {"enabled": True, "localTimes": ["20:00"], "weekdays": [1, 2, 3, 4, 5, 6, 7]}
    ids = {}
    for uid in ("alice", "bob", "carol"):
        ids[uid] = from_global_id(await gql.onboard(uid, timezone="America/New_York"))[1]
        clock.set(utc(2026, 11, 2, 12))  # Nov 2 07:00 EST
        await gql.data(SET_REMINDER, {"input": every_day}, as_=uid)
    # alice checks in at 23:30 the evening before (Nov 2 04:30 UTC): a different local day
    clock.set(utc(2026, 11, 2, 4, 30))
    await check_in(gql, "alice")
    # bob checks in that morning: the Nov 2 reminder is not needed
    clock.set(utc(2026, 11, 2, 14))
    await check_in(gql, "bob")
    fire = utc(2026, 11, 3, 1)  # Nov 2 20:00 EST
    clock.set(fire + timedelta(minutes=1))
    written = await queue_due_reminders(services.uow(), clock, fire - timedelta(minutes=1))
    assert written == 2
    assert {member for member, _ in await reminder_rows(services)} == {ids["alice"], ids["carol"]}
    assert all(key.endswith(":2026-11-02:0100") for _, key in await reminder_rows(services))
    again = await queue_due_reminders(services.uow(), clock, fire - timedelta(minutes=1))
    assert again == 0  # every reminder moved on


async def test_the_reminder_dedupe_key_holds_with_the_schedule_not_moved_on(
    gql: GraphQLClient, clock: FixedClock, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    """The database's unique dedupe key alone stops a second row for one slot."""
    services = app_and_http[0].state.services
    await gql.onboard("alice", timezone="Pacific/Kiritimati")
    clock.set(utc(2026, 12, 4, 12))  # Dec 5 02:00 in Kiritimati
    every_day = {"enabled": True, "localTimes": ["08:00"], "weekdays": [1, 2, 3, 4, 5, 6, 7]}
    await gql.data(SET_REMINDER, {"input": every_day}, as_="alice")
    fire = utc(2026, 12, 4, 18)  # Dec 5 08:00 in Kiritimati, still Dec 4 in UTC
    clock.set(fire + timedelta(minutes=1))
    assert await queue_due_reminders(services.uow(), clock, fire - timedelta(hours=1)) == 1
    [(_, key)] = await reminder_rows(services)
    assert key.endswith(":2026-12-05:1800")  # the member's local date
    # the schedule is put back as if the move had never been kept
    async with services.engine.begin() as conn:
        await conn.execute(update(check_in_reminder_table).values(next_fire_at=fire))
    assert await queue_due_reminders(services.uow(), clock, fire - timedelta(hours=1)) == 0
    assert len(await reminder_rows(services)) == 1


async def reminder_rows(services: Any) -> list[tuple[UUID, str]]:
    t = notification_table
    async with services.engine.connect() as conn:
        found = await conn.execute(
            select(t.c.member_id, t.c.dedupe_key).where(t.c.kind == "CHECKIN_REMINDER")
        )
    return [(m, k) for m, k in found.all()]
