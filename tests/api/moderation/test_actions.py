"""Moderation actions: what they do, the notices, the log, and who may run them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from infra.db.tables.notifications import notification_table
from tests.support.circles import (
    BAN,
    DELETE_POST,
    POST,
    codes,
    create_circle,
    feed_of,
    join,
    mutate,
    post,
    react,
    set_role,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.moderation import (
    HIDE,
    LOG,
    MUTE,
    REMOVE_MEMBER,
    RESOLVE,
    RESTORE,
    UNBAN,
    inbox,
    moderated_circle,
    queue,
    report,
)

Setup = tuple[str, dict[str, str]]


_circle = moderated_circle


def _later(days: int = 1) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def _log(gql: GraphQLClient, uid: str, circle_id: str) -> list[dict[str, Any]]:
    data = await gql.data(LOG, {"id": circle_id}, as_=uid)
    return [e["node"] for e in data["node"]["moderationLog"]["edges"]]


async def test_hidden_content_shows_as_hidden_to_readers_and_with_the_reason_to_its_author(
    gql: GraphQLClient,
) -> None:
    circle_id, _ = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "Rude words")
    payload = await mutate(
        gql, HIDE, {"targetId": bea_post["id"], "reason": "HARASSMENT", "message": "Be kind"}, "mod"
    )
    assert payload["userErrors"] == []
    assert payload["entry"]["action"] == "HIDE_CONTENT"
    assert payload["entry"]["targetMember"] == {"displayName": "Name bea"}
    reader = (await gql.data(POST, {"id": bea_post["id"]}, as_="cal"))["node"]
    assert reader["body"] is None
    assert (
        await gql.data(
            "query($id: ID!) { node(id: $id) { ... on Post { isHidden hiddenReason } } }",
            {"id": bea_post["id"]},
            as_="cal",
        )
    )["node"] == {"isHidden": True, "hiddenReason": None}
    author = (
        await gql.data(
            "query($id: ID!) { node(id: $id) { ... on Post { body isHidden hiddenReason } } }",
            {"id": bea_post["id"]},
            as_="bea",
        )
    )["node"]
    assert author["body"] == "Rude words"
    assert author["isHidden"] is True
    assert "Be kind" in author["hiddenReason"]
    # and nobody can reply to it or react to it
    assert (
        codes(
            await mutate(
                gql,
                "mutation($input: ReplyToPostInput!) { replyToPost(input: $input) { userErrors { code field message } } }",
                {"postId": bea_post["id"], "body": "hi"},
                "cal",
            )
        )[0][0]
        == "NOT_FOUND"
    )
    # and the author got an in-app notice with the guideline, naming no moderator
    [notice] = await inbox(gql, "bea")
    assert notice["kind"] == "MODERATION_DECISION"
    assert "harassment" in notice["body"]
    assert "Name mod" not in notice["body"] + notice["title"]
    # when restored, readers see it again
    restored = await mutate(gql, RESTORE, {"targetId": bea_post["id"]}, "ann")
    assert restored["entry"]["action"] == "RESTORE_CONTENT"
    assert (await gql.data(POST, {"id": bea_post["id"]}, as_="cal"))["node"]["body"] == "Rude words"


async def test_a_muted_member_reads_and_reacts_but_cannot_post_or_reply_until_then(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await _circle(gql)
    cal_post = await post(gql, "cal", circle_id, "Hello")
    payload = await mutate(
        gql, MUTE, {"circleId": circle_id, "memberId": ids["bea"], "until": _later()}, "mod"
    )
    assert payload["userErrors"] == []
    refused = await mutate(
        gql,
        "mutation($input: CreatePostInput!) { createPost(input: $input) { userErrors { code field message } } }",
        {"circleId": circle_id, "body": "Can I?"},
        "bea",
    )
    assert codes(refused) == [("MUTED", ["input", "circleId"])]
    refused = await mutate(
        gql,
        "mutation($input: ReplyToPostInput!) { replyToPost(input: $input) { userErrors { code field message } } }",
        {"postId": cal_post["id"], "body": "Me?"},
        "bea",
    )
    assert codes(refused) == [("MUTED", ["input", "postId"])]
    assert len((await feed_of(gql, "bea", circle_id))["edges"]) == 1
    await react(gql, "bea", cal_post["id"], "HUG")
    # a past time lifts the mute
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    await mutate(gql, MUTE, {"circleId": circle_id, "memberId": ids["bea"], "until": past}, "mod")
    await post(gql, "bea", circle_id, "Back")
    # bad times
    far = await mutate(
        gql, MUTE, {"circleId": circle_id, "memberId": ids["bea"], "until": _later(91)}, "mod"
    )
    assert codes(far) == [("INVALID", ["input", "until"])]


async def test_remove_unban_and_the_log_that_outlives_deleted_content(gql: GraphQLClient) -> None:
    circle_id, ids = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "Something")
    anon = await post(gql, "cal", circle_id, "Anonymous", anonymous=True)
    await mutate(gql, HIDE, {"targetId": anon["id"], "reason": "SPAM"}, "mod")
    await mutate(gql, DELETE_POST, {"postId": bea_post["id"]}, "mod")
    removed = await mutate(
        gql,
        REMOVE_MEMBER,
        {"circleId": circle_id, "memberId": ids["bea"], "reason": "HARASSMENT"},
        "mod",
    )
    assert removed["userErrors"] == []
    assert (await join(gql, "bea", circle_id))["membership"]["status"] == "ACTIVE"  # may rejoin
    await mutate(gql, BAN, {"circleId": circle_id, "memberId": ids["bea"]}, "mod")
    assert (await join(gql, "bea", circle_id))["userErrors"][0]["code"] == "BANNED"
    unbanned = await mutate(gql, UNBAN, {"circleId": circle_id, "memberId": ids["bea"]}, "ann")
    assert unbanned["userErrors"] == []
    assert (await join(gql, "bea", circle_id))["membership"]["status"] == "ACTIVE"
    log = await _log(gql, "mod", circle_id)
    assert [e["action"] for e in log] == [
        "UNBAN_MEMBER",
        "BAN_MEMBER",
        "REMOVE_MEMBER",
        "REMOVE_CONTENT",
        "HIDE_CONTENT",
    ]
    assert log[3]["targetId"] == bea_post["id"]  # kept though the post is gone
    assert log[4]["targetMember"] is None  # anonymous content: the log names nobody
    assert log[0]["actor"] == {"displayName": "Name ann"}


async def test_resolving_closes_every_report_of_the_item_and_only_actioned_notifies(
    gql: GraphQLClient,
) -> None:
    circle_id, _ = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "Spam")
    cal_post = await post(gql, "cal", circle_id, "Fine")
    await report(gql, "cal", bea_post["id"], "SPAM")
    await report(gql, "mod", bea_post["id"], "SPAM")
    await report(gql, "bea", cal_post["id"], "OTHER")
    items = [e["node"] for e in (await queue(gql, "mod", circle_id))["edges"]]
    by_target = {i["targetId"]: i["reportId"] for i in items}
    done = await mutate(
        gql,
        RESOLVE,
        {
            "reportId": by_target[bea_post["id"]],
            "decision": "ACTIONED",
            "message": "Removed the link",
        },
        "mod",
    )
    assert done["entry"]["action"] == "RESOLVE_ACTIONED"
    dismissed = await mutate(
        gql, RESOLVE, {"reportId": by_target[cal_post["id"]], "decision": "DISMISSED"}, "ann"
    )
    assert dismissed["entry"]["action"] == "RESOLVE_DISMISSED"
    assert (await queue(gql, "mod", circle_id))["edges"] == []
    actioned = (await queue(gql, "mod", circle_id, status="ACTIONED"))["edges"]
    assert [(e["node"]["targetId"], e["node"]["reportCount"]) for e in actioned] == [
        (bea_post["id"], 2)
    ]
    assert [n["kind"] for n in await inbox(gql, "bea")] == ["MODERATION_DECISION"]
    assert await inbox(gql, "cal") == []
    again = await mutate(
        gql, RESOLVE, {"reportId": by_target[bea_post["id"]], "decision": "DISMISSED"}, "mod"
    )
    assert codes(again) == [("CONFLICT", ["input", "reportId"])]
    # a new report of the same target opens a new item
    assert (await report(gql, "cal", bea_post["id"], "SPAM"))["userErrors"] == []


async def test_moderators_cannot_act_on_the_owner_or_each_other_but_anonymous_content_is_role_blind(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await _circle(gql)
    await join(gql, "out", circle_id)
    await set_role(gql, "ann", circle_id, ids["out"], "MODERATOR")
    owner_named = await post(gql, "ann", circle_id, "Owner named")
    owner_anon = await post(gql, "ann", circle_id, "Owner anonymous", anonymous=True)
    mod_named = await post(gql, "out", circle_id, "Moderator named")
    for target in (owner_named, mod_named):
        result = await gql(HIDE, {"input": {"targetId": target["id"], "reason": "SPAM"}}, as_="mod")
        assert error_codes(result) == ["FORBIDDEN"]
    for member in ("ann", "out"):
        for doc, extra in ((MUTE, {"until": _later()}), (REMOVE_MEMBER, {})):
            result = await gql(
                doc, {"input": {"circleId": circle_id, "memberId": ids[member], **extra}}, as_="mod"
            )
            assert error_codes(result) == ["FORBIDDEN"]
    # refusing here would tell the moderator the anonymous author is the owner
    hidden = await mutate(gql, HIDE, {"targetId": owner_anon["id"], "reason": "SPAM"}, "mod")
    assert hidden["userErrors"] == []
    assert hidden["entry"]["targetMember"] is None
    # the owner acts on moderators
    owner_acts = await mutate(
        gql, MUTE, {"circleId": circle_id, "memberId": ids["out"], "until": _later()}, "ann"
    )
    assert owner_acts["userErrors"] == []
    self_mute = await mutate(
        gql, MUTE, {"circleId": circle_id, "memberId": ids["mod"], "until": _later()}, "mod"
    )
    assert codes(self_mute) == [("SELF_TARGET", ["input", "memberId"])]


# --- every action for every role ---------------------------------------------------

Action = Callable[[GraphQLClient, Setup], Awaitable[tuple[str, dict[str, Any]]]]


async def _hide(gql: GraphQLClient, setup: Setup) -> tuple[str, dict[str, Any]]:
    target = await post(gql, "bea", setup[0], "Target")
    return HIDE, {"targetId": target["id"], "reason": "SPAM"}


async def _restore(gql: GraphQLClient, setup: Setup) -> tuple[str, dict[str, Any]]:
    target = await post(gql, "bea", setup[0], "Target")
    await mutate(gql, HIDE, {"targetId": target["id"], "reason": "SPAM"}, "ann")
    return RESTORE, {"targetId": target["id"]}


async def _remove(gql: GraphQLClient, setup: Setup) -> tuple[str, dict[str, Any]]:
    return REMOVE_MEMBER, {"circleId": setup[0], "memberId": setup[1]["bea"]}


async def _unban(gql: GraphQLClient, setup: Setup) -> tuple[str, dict[str, Any]]:
    await mutate(gql, BAN, {"circleId": setup[0], "memberId": setup[1]["bea"]}, "ann")
    return UNBAN, {"circleId": setup[0], "memberId": setup[1]["bea"]}


async def _mute(gql: GraphQLClient, setup: Setup) -> tuple[str, dict[str, Any]]:
    return MUTE, {"circleId": setup[0], "memberId": setup[1]["bea"], "until": _later()}


async def _resolve(gql: GraphQLClient, setup: Setup) -> tuple[str, dict[str, Any]]:
    target = await post(gql, "bea", setup[0], "Target")
    await report(gql, "cal", target["id"], "SPAM")
    item = (await queue(gql, "ann", setup[0]))["edges"][0]["node"]
    return RESOLVE, {"reportId": item["reportId"], "decision": "ACTIONED"}


ACTIONS: dict[str, Action] = {
    "hideContent": _hide,
    "restoreContent": _restore,
    "removeMember": _remove,
    "unbanMember": _unban,
    "muteMember": _mute,
    "resolveReport": _resolve,
}


@pytest.mark.parametrize("name", list(ACTIONS))
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("ann", "ok"),
        ("mod", "ok"),
        ("cal", "FORBIDDEN"),
        ("out", "NOT_FOUND"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_every_action_for_every_role(
    gql: GraphQLClient, name: str, role: str | None, expected: str
) -> None:
    setup = await _circle(gql)
    document, variables = await ACTIONS[name](gql, setup)
    before = len(await _log(gql, "ann", setup[0]))
    result = await gql(document, {"input": variables}, as_=role)
    if expected in ("FORBIDDEN", "UNAUTHENTICATED"):
        assert error_codes(result) == [expected]
    elif expected == "ok":
        assert result["data"][name]["userErrors"] == []
        assert result["data"][name]["entry"]["actor"] == {"displayName": f"Name {role}"}
    else:
        assert [e["code"] for e in result["data"][name]["userErrors"]] == [expected]
        assert result["data"][name]["entry"] is None
    # and the log gained a line exactly when the action ran
    after = len(await _log(gql, "ann", setup[0]))
    assert after - before == (1 if expected == "ok" else 0)


@pytest.mark.parametrize(
    ("role", "expected"), [("ann", None), ("mod", None), ("cal", "FORBIDDEN"), ("out", None)]
)
async def test_the_queue_and_the_log_are_for_the_owner_and_moderators(
    gql: GraphQLClient, role: str, expected: str | None
) -> None:
    circle_id, _ = await _circle(gql)
    for field in ("moderationQueue", "moderationLog"):
        document = f"query($id: ID!) {{ node(id: $id) {{ ... on Circle {{ {field} {{ edges {{ cursor }} }} }} }} }}"
        result = await gql(document, {"id": circle_id}, as_=role)
        if expected:
            assert error_codes(result) == [expected]
        elif role == "out":  # a public circle is visible; its moderation is not
            assert error_codes(result) == ["FORBIDDEN"]
        else:
            assert result["data"]["node"][field] == {"edges": []}


async def test_decision_notices_are_pushed_only_to_members_who_opted_in(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    circle_id, _ = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "One")
    cal_post = await post(gql, "cal", circle_id, "Two")
    opt_in = await mutate(
        gql,
        "mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences"
        "(input: $input) { preferences { moderationDecisions } userErrors { code } } }",
        {"moderationDecisions": True},
        "cal",
    )
    assert opt_in["preferences"] == {"moderationDecisions": True}
    for target in (bea_post, cal_post):
        await mutate(gql, HIDE, {"targetId": target["id"], "reason": "SPAM"}, "mod")
    engine = app_and_http[0].state.services.engine
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(notification_table.c.status).order_by(notification_table.c.created_at)
        )
        statuses = rows.scalars().all()
    assert statuses == ["INBOX_ONLY", "PENDING"]


async def test_bad_moderation_input_gets_clear_codes_and_reveals_nothing(
    gql: GraphQLClient,
) -> None:
    circle_id, ids = await _circle(gql)
    bea_post = await post(gql, "bea", circle_id, "Hello")
    elsewhere = await create_circle(gql, "out", name="Elsewhere")
    other_post = await post(gql, "out", elsewhere, "Not yours to moderate")
    unknown = "UG9zdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="
    # an unknown post and a post in a circle the moderator is not in answer alike
    answers = [
        (await mutate(gql, HIDE, {"targetId": t, "reason": "SPAM"}, "mod"))["userErrors"]
        for t in (unknown, other_post["id"])
    ]
    assert answers[0] == answers[1]
    assert answers[0][0]["code"] == "NOT_FOUND"
    for target in ("garbage", ids["bea"], circle_id):  # not a post or reply
        assert (
            codes(await mutate(gql, HIDE, {"targetId": target, "reason": "SPAM"}, "mod"))[0][0]
            == "NOT_FOUND"
        )
    too_long = await mutate(
        gql, HIDE, {"targetId": bea_post["id"], "reason": "SPAM", "message": "x" * 501}, "mod"
    )
    assert codes(too_long) == [("TOO_LONG", ["input", "message"])]
    assert codes(await mutate(gql, RESTORE, {"targetId": bea_post["id"]}, "mod")) == [
        ("CONFLICT", ["input", "targetId"])
    ]
    for report_id in ("garbage", unknown):
        assert (
            codes(
                await mutate(gql, RESOLVE, {"reportId": report_id, "decision": "DISMISSED"}, "mod")
            )[0][0]
            == "NOT_FOUND"
        )
    for doc in (REMOVE_MEMBER, UNBAN):
        assert codes(
            await mutate(gql, doc, {"circleId": circle_id, "memberId": ids["out"]}, "mod")
        ) == [("NOT_FOUND", ["input", "memberId"])]
    assert codes(
        await mutate(gql, UNBAN, {"circleId": circle_id, "memberId": ids["bea"]}, "mod")
    ) == [("CONFLICT", ["input", "memberId"])]
