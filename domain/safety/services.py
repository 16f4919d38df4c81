"""Safety use cases: rating what members write, and opening and re-alerting the
safety team's queue items. The team's own use cases (staff roles, moving an item,
revealing an author) are :mod:`domain.safety.staff`.

Rating happens inside the writing use case's own transaction (posts, replies,
check-ins): the content, its rating and any queue item and staff alert are kept
together or not at all. A detector that raises never stops the write: the content is
rated CONCERN with the reason "detector error" (``domain.safety.assess``).
"""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.clock import Clock
from domain.errors import NotFound
from domain.events import Event, EventKind
from domain.notifications.model import Notification, NotificationKind
from domain.safety.assess import safe_assess
from domain.safety.model import RiskAssessment, RiskDetector, RiskLevel
from domain.safety.team import (
    REALERT_AFTER,
    ItemSource,
    RiskRating,
    SafeSaid,
    SafetyItem,
    TargetKind,
)
from domain.uow import UnitOfWork

ALERT_TITLE = "Safety queue"
ALERT_BODY = "An urgent item is waiting for the safety team."
REALERT_BODY = "An urgent item is still waiting to be acknowledged."
REACH_OUT_REASON = "member asked for someone to reach out"


async def rate(
    uow: UnitOfWork,
    detector: RiskDetector,
    kind: TargetKind,
    target_id: UUID,
    text: str,
    clock: Clock,
    *,
    author_id: UUID,
    circle_id: UUID | None = None,
) -> RiskAssessment:
    """Rate ``text`` and store the rating (never the text). An URGENT post or reply
    opens a queue item (one per target until resolved) and alerts on-call staff.
    Call inside an open unit of work; the caller commits."""
    assessment = safe_assess(detector, text)
    now = clock.now()
    await uow.risk_ratings.add(
        RiskRating(
            uuid4(),
            kind,
            target_id,
            assessment.level,
            assessment.reasons,
            assessment.detector_version,
            now,
        )
    )
    urgent_content = kind is not TargetKind.CHECK_IN and assessment.level >= RiskLevel.URGENT
    if urgent_content and await uow.safety_items.unresolved_for(kind, target_id) is None:
        item = SafetyItem(
            uuid4(),
            ItemSource.URGENT_CONTENT,
            kind,
            target_id,
            circle_id,
            author_id,
            assessment.level,
            assessment.reasons,
            now,
        )
        await _open(uow, item, clock)
    return assessment


async def _open(uow: UnitOfWork, item: SafetyItem, clock: Clock) -> None:
    await uow.safety_items.add(item)
    if item.level >= RiskLevel.URGENT:
        await uow.safety_items.mark_alerted(item.id, None, item.created_at)
        item.last_alerted_at, item.alert_count = item.created_at, 1
        await _alert_on_call(uow, item, ALERT_BODY, clock)


async def _alert_on_call(uow: UnitOfWork, item: SafetyItem, body: str, clock: Clock) -> int:
    """One outbox row per on-call staff member: lock-screen safe (no text from the
    post, no circle name), urgent (past quiet hours and the daily cap)."""
    now = clock.now()
    written = 0
    for member_id in await uow.staff.on_call_member_ids():
        notification = Notification(
            id=uuid4(),
            member_id=member_id,
            kind=NotificationKind.SAFETY_ALERT,
            title=ALERT_TITLE,
            body=body,
            data={"safetyItemId": str(item.id)},
            dedupe_key=f"safety:{item.id}:{item.alert_count}:{member_id}",
            created_at=now,
            next_attempt_at=now,
            # the device shows one notification per item: a re-alert replaces the last
            collapse_key=f"safety:{item.id}",
            urgent=True,
        )
        if await uow.notifications.add(notification):
            written += 1
            uow.record(
                Event(
                    EventKind.NOTIFICATION_CREATED, member_id=member_id, subject_id=notification.id
                )
            )
    return written


async def realert_unacknowledged(uow: UnitOfWork, clock: Clock) -> int:
    """Alert on-call staff again about every OPEN URGENT item last alerted at least
    REALERT_AFTER ago. Exactly once per interval, however many workers run this: the
    move of ``last_alerted_at`` is a compare-and-set, and the outbox rows carry the
    alert's number in their dedupe key. Returns how many items re-alerted."""
    now = clock.now()
    count = 0
    async with uow:
        for item in await uow.safety_items.due_for_realert(now - REALERT_AFTER):
            if not await uow.safety_items.mark_alerted(item.id, item.last_alerted_at, now):
                continue
            item.last_alerted_at, item.alert_count = now, item.alert_count + 1
            await _alert_on_call(uow, item, REALERT_BODY, clock)
            count += 1
        await uow.commit()
    return count


# -- members --------------------------------------------------------------------------


async def _own_target(
    uow: UnitOfWork, member_id: UUID, kind: TargetKind, target_id: UUID
) -> UUID | None:
    """The circle of the member's own post, reply or check-in (None for a check-in);
    NOT_FOUND when it is not theirs."""
    if kind is TargetKind.POST:
        post = await uow.posts.get(target_id)
        if post is not None and post.author_id == member_id:
            return post.circle_id
    elif kind is TargetKind.REPLY:
        reply = await uow.replies.get(target_id)
        if reply is not None and reply.author_id == member_id:
            return reply.circle_id
    elif kind is TargetKind.CHECK_IN:
        check_in = await uow.check_ins.get(target_id)
        if check_in is not None and check_in.member_id == member_id:
            return None
    raise NotFound("Post, reply or check-in", ("targetId",))


async def say_safe(
    member_id: UUID, kind: TargetKind, target_id: UUID, uow: UnitOfWork, clock: Clock
) -> SafeSaid:
    """Record "I'm safe right now" for the member's own content. Staff see it on the
    item; it does not close the item (a person still looks)."""
    async with uow:
        await _own_target(uow, member_id, kind, target_id)
        said = SafeSaid(member_id, kind, target_id, clock.now())
        await uow.safe_said.add(said)
        await uow.commit()
    return said


PEER_REPORT_LEVELS = {"SUICIDE_RISK": RiskLevel.URGENT, "SELF_HARM_RISK": RiskLevel.CONCERN}
"""How a peer's safety report ranks in the queue: a suicide-risk report alerts the
on-call staff like URGENT content; a self-harm report waits in the queue."""


async def open_for_peer_report(
    uow: UnitOfWork,
    kind: TargetKind,
    target_id: UUID,
    circle_id: UUID,
    author_id: UUID,
    reason: str,
    clock: Clock,
) -> SafetyItem:
    """A member's SUICIDE_RISK or SELF_HARM_RISK report on a post, a reply or a member
    reaches the safety team: a queue item, one per target until resolved. For a member,
    ``kind`` is MEMBER and ``target_id`` and ``author_id`` are both the reported member;
    ``circle_id`` is where they were reported (the first report's circle while the item
    is open). A report while an item for the target is unresolved adds its reason and
    can only raise the level (a suicide-risk report on a CONCERN item makes it URGENT
    and alerts the on-call staff if it was never alerted). Call inside an open unit of
    work; the caller commits."""
    level, why = PEER_REPORT_LEVELS[reason], f"peer report: {reason}"
    existing = await uow.safety_items.unresolved_for(kind, target_id)
    if existing is not None:
        return await _raise_for_report(uow, existing, level, why, clock)
    item = SafetyItem(
        uuid4(),
        ItemSource.PEER_REPORT,
        kind,
        target_id,
        circle_id,
        author_id,
        level,
        (why,),
        clock.now(),
    )
    await _open(uow, item, clock)
    return item


async def _raise_for_report(
    uow: UnitOfWork, item: SafetyItem, level: RiskLevel, why: str, clock: Clock
) -> SafetyItem:
    if level <= item.level and why in item.reasons:
        return item
    item.reasons = item.reasons if why in item.reasons else (*item.reasons, why)
    raised = level > item.level
    item.level = max(item.level, level)
    await uow.safety_items.update(item)
    if raised and item.level >= RiskLevel.URGENT and item.alert_count == 0:
        now = clock.now()
        if await uow.safety_items.mark_alerted(item.id, None, now):
            item.last_alerted_at, item.alert_count = now, 1
            await _alert_on_call(uow, item, ALERT_BODY, clock)
    return item


def reach_out_reasons_kept() -> tuple[str, ...]:
    """What a "reach out to me" item keeps of its reasons once the member withdraws the
    health-data consent (or deletes the account): that she asked, and nothing the
    detector read in her check-in's note. The item itself stays open: withdrawing the
    consent ends the app's use of her check-ins, not a request for a person to contact
    her, which the team still answers (and then resolves)."""
    return (REACH_OUT_REASON,)


async def ask_to_be_reached(
    member_id: UUID, check_in_id: UUID, uow: UnitOfWork, clock: Clock
) -> SafetyItem:
    """ "I'd like someone to reach out": a queue item for the member's check-in, the
    note withheld. Asking again while one is unresolved returns that one."""
    async with uow:
        await _own_target(uow, member_id, TargetKind.CHECK_IN, check_in_id)
        existing = await uow.safety_items.unresolved_for(TargetKind.CHECK_IN, check_in_id)
        if existing is not None:
            return existing
        rating = await uow.risk_ratings.latest(TargetKind.CHECK_IN, check_in_id)
        level = max(rating.level if rating else RiskLevel.NONE, RiskLevel.CONCERN)
        reasons = (REACH_OUT_REASON, *(rating.reasons if rating else ()))
        item = SafetyItem(
            uuid4(),
            ItemSource.REACH_OUT,
            TargetKind.CHECK_IN,
            check_in_id,
            None,
            member_id,
            RiskLevel(level),
            reasons,
            clock.now(),
        )
        await _open(uow, item, clock)
        await uow.commit()
    return item
