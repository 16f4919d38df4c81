"""``hearth seed --demo``: a few members, circles, posts, replies, reactions and
check-ins in the development database, so that an app developer sees a living feed
on the first run.

It runs the same use cases the API runs (so every rule holds), signs nobody in, and
is refused in production. Running it twice adds nothing. Sign in as ``dev:demo-ada``
(or ``-ben``, ``-chi``, ``-dev``) to see it.
"""

from __future__ import annotations

from typing import cast

from domain.checkins import services as checkins
from domain.checkins.model import Emotion
from domain.circles import services as circles
from domain.circles.model import Topic, Visibility
from domain.clock import SystemClock
from domain.members import services as members
from domain.posts import services as posts
from domain.posts.model import ReactionKind
from domain.posts.reactions import react
from domain.privacy.model import CURRENT_HEALTH_DATA_CONSENT_VERSION
from domain.safety.detector import default_detector
from domain.uow import UnitOfWork
from infra.confusables import ConfusableSkeleton
from infra.contact_details import ContactDetails
from infra.db.engine import create_engine, create_session_factory
from infra.db.uow import SqlUnitOfWork
from infra.ratelimits import build_rate_limiter
from infra.settings import Settings

MEMBERS = {
    "demo-ada": ("Quiet Fox", "Europe/London", "GB"),
    "demo-ben": ("Evening Lark", "America/New_York", "US"),
    "demo-chi": ("Small Harbour", "Australia/Sydney", "AU"),
    "demo-dev": ("Slow River", "Asia/Kolkata", "IN"),
}
CIRCLES = [
    ("demo-ada", "Evening Calm", "Winding down together after long days.", [Topic.STRESS]),
    (
        "demo-ben",
        "New Parents, Tired Hearts",
        "Sleep-deprived and doing our best.",
        [Topic.PARENTING],
    ),
]
POSTS = [
    ("demo-ben", 0, "First time posting. Today was a lot, and I just wanted to say it somewhere."),
    ("demo-chi", 0, "Small win: I went for a walk before work and it helped more than I expected."),
    ("demo-dev", 0, "Does anyone else find Sunday evenings the hardest?"),
    ("demo-ada", 1, "The baby slept four hours straight. I don't know what to do with myself."),
]
REPLIES = [
    ("demo-ada", 0, "I'm really glad you said it here. How are you feeling now?"),
    ("demo-dev", 1, "That's a real win. Thank you for sharing it."),
    ("demo-chi", 2, "Every single week. Planning something small for Sunday night helps me."),
]

GUIDELINES_VERSION = "2026-11"


class DemoRefused(Exception):
    """Seeding would write demo data where it must not."""


async def seed_demo(settings: Settings) -> dict[str, int]:
    """Fills the database with the demo; returns how many of each it created."""
    if settings.is_production or not settings.dev_sign_in:
        raise DemoRefused("demo data needs development settings with dev sign-in")
    created = {"members": 0, "circles": 0, "posts": 0, "replies": 0, "check-ins": 0}
    engine = create_engine(settings)
    factory = create_session_factory(engine)
    clock = SystemClock()
    limiter = build_rate_limiter(settings.rate_limits(), None, None)  # in memory: a few writes
    contacts, skeletons = ContactDetails(), ConfusableSkeleton()
    detector = default_detector()  # demo texts are rated like any other

    def uow() -> UnitOfWork:
        return cast(UnitOfWork, SqlUnitOfWork(factory))

    try:
        async with uow() as probe:
            if await probe.members.get_by_uid("demo-ada") is not None:
                return created  # seeded before
        ids = {}
        for uid, (name, timezone, region) in MEMBERS.items():
            onboarding = members.CompleteOnboarding(
                uid,
                name,
                timezone,
                region,
                True,
                GUIDELINES_VERSION,
                # the demo members check in, so they agreed to the health-data consent
                accepted_health_data_consent_version=CURRENT_HEALTH_DATA_CONSENT_VERSION,
            )
            member = await members.complete_onboarding(
                onboarding, uow(), clock, contacts, skeletons
            )
            ids[uid] = member.id
            created["members"] += 1
        circle_ids = []
        for owner, name, description, topics in CIRCLES:
            circle = await circles.create_circle(
                circles.CreateCircle(ids[owner], name, description, topics, Visibility.PUBLIC),
                uow(),
                clock,
                limiter,
            )
            circle_ids.append(circle.id)
            created["circles"] += 1
            for uid, member_id in ids.items():
                if uid != owner:
                    await circles.join_circle(member_id, circle.id, None, uow(), clock, limiter)
        post_ids = []
        for uid, circle_index, text in POSTS:
            new_post = posts.CreatePost(ids[uid], circle_ids[circle_index], text, False, None, None)
            created_post = await posts.create_post(
                new_post, uow(), clock, limiter, contacts, detector
            )
            post_ids.append(created_post.id)
            created["posts"] += 1
        for uid, target, text in REPLIES:
            await posts.reply_to_post(
                ids[uid], post_ids[target], text, False, uow(), clock, limiter, contacts, detector
            )
            created["replies"] += 1
        for uid, target in (("demo-chi", 0), ("demo-ada", 1), ("demo-ben", 3)):
            await react(ids[uid], post_ids[target], ReactionKind.HUG, uow(), clock, limiter)
        for uid, mood, emotion in (("demo-ada", 4, Emotion.CALM), ("demo-ben", 2, Emotion.ANXIOUS)):
            check_in = checkins.CheckInCommand(ids[uid], mood, [emotion], None, circle_ids[:1])
            await checkins.check_in(check_in, uow(), clock, detector)
            created["check-ins"] += 1
    finally:
        limiter.close()
        await engine.dispose()
    return created
