"""deleteMyAccount from outside, and a walk over every table afterwards.

The walk derives the tables and columns from ``SQLModel.metadata``: every column of
every table, read back and compared by value (ids, texts, JSON documents). A table added
later whose rows keep pointing to a deleted member fails it.
"""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from sqlalchemy import Column, MetaData, Table, Text, Uuid, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel
from starlette.applications import Starlette

import infra.db.tables  # noqa: F401  (the whole metadata)
from infra.exports.builder import ExportBuilder
from tests.api.checkins.conftest import SHARED
from tests.support.circles import (
    CIRCLE,
    POST,
    REPLIES,
    codes,
    create_circle,
    join,
    mutate,
    post,
    reply,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.history import (
    CONTENT_TEXTS,
    NAME,
    PRIVATE_TEXTS,
    UID,
    build_history,
    raw_id,
)
from tests.support.moderation import queue, report

DELETE = """mutation($input: DeleteMyAccountInput!) {
  deleteMyAccount(input: $input) { deletedMemberId userErrors { code field message } } }"""
CONTENT_COLUMNS = {("post", "body"), ("reply", "body")}
"""Where her words may stay, unlinked, when she keeps her content."""


async def traces(
    url: str, member_id: UUID, words: tuple[str, ...], tables: list[Table] | None = None
) -> list[str]:
    """Every (table.column) whose rows still hold the member's id, or one of ``words``
    outside the unlinked-content columns. ``tables`` defaults to the whole metadata."""
    needles = (str(member_id), member_id.hex, *words)
    found: list[str] = []
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            for table in SQLModel.metadata.sorted_tables if tables is None else tables:
                rows = (await conn.execute(select(table))).mappings().all()
                for column in table.columns:
                    for row in rows:
                        value = row[column.name]
                        if isinstance(value, UUID) and value == member_id:
                            found.append(f"{table.name}.{column.name}")
                        elif isinstance(value, str | dict | list | bytes):
                            text = (
                                value if isinstance(value, str) else json.dumps(value, default=str)
                            )
                            if (table.name, column.name) in CONTENT_COLUMNS:
                                text = text if str(member_id) in text else ""
                            if any(n in text for n in needles):
                                found.append(f"{table.name}.{column.name}")
    finally:
        await engine.dispose()
    return sorted(set(found))


async def test_the_walk_sees_every_kind_of_trace_before_deletion(
    gql: GraphQLClient, clean_database: str, builder: ExportBuilder
) -> None:
    history = await build_history(gql)
    assert await builder.build_pending() == 1
    before = await traces(clean_database, raw_id(history.alice_id), PRIVATE_TEXTS)
    # the walk is only worth something if it finds her everywhere she is
    for where in (
        "member.id",
        "member.display_name",
        "membership.member_id",
        "post.author_id",
        "post.removed_by",
        "reply.author_id",
        "reaction.member_id",
        "invite.created_by",
        "circle.created_by",
        "check_in.member_id",
        "check_in.note",
        "check_in_reminder.member_id",
        "device.member_id",
        "device.token",
        "notification.member_id",
        "notification.body",
        "notification_preferences.member_id",
        "consent.member_id",
        "data_export.member_id",
        "data_export_chunk.data",
        "safety_item.author_id",
        "safety_item.target_id",
        "report.target_id",
        "safe_said.member_id",
        "circle_pin.pinned_by",
        "report.reporter_id",
        "report.target_member_id",
        "report.note",
        "moderation_action.actor_id",
        "post.hidden_by",
        "member_block.blocker_id",
        "member_block.blocked_id",
        "topic_filter.member_id",
        "notification_named_circle.member_id",
        "idempotency_key.member_id",
    ):
        assert where in before, where


async def test_the_walk_finds_a_table_that_forgets_deletion(
    gql: GraphQLClient, clean_database: str
) -> None:
    """A table added later, with no foreign key, that keeps a member's id and words."""
    history = await build_history(gql)
    alice = raw_id(history.alice_id)
    forgotten = Table(
        "forgotten_notes",
        MetaData(),
        Column("subject", Uuid, primary_key=True),
        Column("words", Text),
    )
    engine = create_async_engine(clean_database)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(forgotten.create)
            await conn.execute(
                insert(forgotten).values(subject=alice, words="a note-marker-walrus")
            )
        await gql.data(DELETE, {"input": {"confirm": "DELETE", "deleteContent": True}}, as_=UID)
        tables = [*SQLModel.metadata.sorted_tables, forgotten]
        found = await traces(clean_database, alice, PRIVATE_TEXTS, tables)
        assert found == ["forgotten_notes.subject", "forgotten_notes.words"]
    finally:
        async with engine.begin() as conn:
            await conn.run_sync(forgotten.drop)
        await engine.dispose()


@pytest.mark.parametrize("delete_content", [False, True])
async def test_nothing_links_to_a_deleted_member(
    gql: GraphQLClient, clean_database: str, delete_content: bool, builder: ExportBuilder
) -> None:
    history = await build_history(gql)
    assert await builder.build_pending() == 1  # her export's document holds her words
    alice = raw_id(history.alice_id)

    result = await gql.data(
        DELETE, {"input": {"confirm": "DELETE", "deleteContent": delete_content}}, as_=UID
    )
    assert result["deleteMyAccount"] == {"deletedMemberId": history.alice_id, "userErrors": []}

    words = PRIVATE_TEXTS + (CONTENT_TEXTS if delete_content else ())
    assert await traces(clean_database, alice, words) == []
    if not delete_content:  # her words stay, with nothing that leads back to her
        shown = await gql.data(POST, {"id": history.her_post}, as_="bob")
        assert shown["node"]["author"]["displayName"] == "A former member"
        assert shown["node"]["isMine"] is False
        assert "post-marker-heron" in shown["node"]["body"]
    else:
        shown = await gql.data(POST, {"id": history.her_post}, as_="bob")
        assert shown["node"]["isRemoved"] is True
        assert shown["node"]["body"] is None
        assert shown["node"]["replyCount"] == 1  # the thread keeps its shape
    replies = await gql.data(REPLIES, {"id": history.bob_post}, as_="bob")
    (her_reply,) = (e["node"] for e in replies["node"]["replies"]["edges"])
    if delete_content:
        assert her_reply["isRemoved"] is True
        assert her_reply["author"] is None
    else:
        assert her_reply["author"]["displayName"] == "A former member"


async def test_circles_go_on_without_the_deleted_member(gql: GraphQLClient) -> None:
    history = await build_history(gql)
    await gql.data(DELETE, {"input": {"confirm": "DELETE", "deleteContent": False}}, as_=UID)

    private = await gql.data(CIRCLE, {"id": history.her_private_circle}, as_="bob")
    assert private["node"]["viewerMembership"] == {"role": "OWNER", "status": "ACTIVE"}
    assert private["node"]["memberCount"] == 1
    lonely = await gql.data(CIRCLE, {"id": history.her_lonely_circle}, as_="bob")
    assert lonely["node"] is None
    shared = await gql.data(CIRCLE, {"id": history.shared_circle}, as_="carol")
    assert shared["node"]["memberCount"] == 2
    shares = await gql.data(SHARED, {"id": history.shared_circle}, as_="carol")
    assert shares["node"]["sharedCheckIns"]["nodes"] == []
    inbox = await gql.data("{ me { notifications { nodes { body } } } }", as_="bob")
    assert NAME not in json.dumps(inbox)


async def test_a_deleted_member_can_onboard_again_as_someone_new(gql: GraphQLClient) -> None:
    history = await build_history(gql)
    await gql.data(DELETE, {"input": {"confirm": "DELETE", "deleteContent": False}}, as_=UID)
    assert (await gql.data("{ me { id } }", as_=UID))["me"] is None
    assert error_codes(await gql(CIRCLE, {"id": history.shared_circle}, as_=UID)) == [
        "NOT_ONBOARDED"
    ]

    again = await gql.onboard(UID, NAME)  # her old name is free again, too
    assert again != history.alice_id
    me = await gql.data(
        """{ me { checkIns { nodes { id } } notifications { nodes { id } }
                checkInReminder { enabled } consents { kind } } }""",
        as_=UID,
    )
    assert me["me"]["checkIns"]["nodes"] == []
    assert me["me"]["notifications"]["nodes"] == []
    assert me["me"]["checkInReminder"] is None
    circles = await gql.data("{ myCircles { nodes { id } } }", as_=UID)
    assert circles["myCircles"]["nodes"] == []
    old_post = await gql.data(POST, {"id": history.her_post}, as_="bob")
    assert old_post["node"]["author"]["id"] != again


async def test_deletion_needs_the_exact_confirmation(gql: GraphQLClient) -> None:
    await gql.onboard(UID, NAME)
    for confirm in ("delete", "", "DELETE "):
        payload = await mutate(gql, DELETE, {"confirm": confirm, "deleteContent": True}, UID)
        assert codes(payload) == [("INVALID", ["input", "confirm"])]
    assert (await gql.data("{ me { displayName } }", as_=UID))["me"] == {"displayName": NAME}
    assert error_codes(
        await gql(DELETE, {"input": {"confirm": "DELETE", "deleteContent": True}})
    ) == ["UNAUTHENTICATED"]
    assert error_codes(
        await gql(DELETE, {"input": {"confirm": "DELETE", "deleteContent": True}}, as_="nobody")
    ) == ["NOT_ONBOARDED"]


async def test_the_former_member_name_cannot_be_taken(gql: GraphQLClient) -> None:
    await gql.onboard(UID, NAME)
    await gql.data(DELETE, {"input": {"confirm": "DELETE", "deleteContent": True}}, as_=UID)
    result = await gql(
        """mutation($input: CompleteOnboardingInput!) { completeOnboarding(input: $input) {
             userErrors { code } } }""",
        {
            "input": {
                "displayName": "a former MEMBER",
                "timezone": "UTC",
                "region": "GB",
                "confirmsAdult": True,
                "acceptedGuidelinesVersion": "2026-11",
            }
        },
        as_="impostor",
    )
    assert result["data"]["completeOnboarding"]["userErrors"] == [{"code": "TAKEN"}]


async def test_notifications_about_her_replies_leave_the_outbox_and_keep_no_preview(
    gql: GraphQLClient, app_and_http: tuple[Starlette, object]
) -> None:
    # given bob has notifications about alice's replies, one of them not yet pushed
    services = app_and_http[0].state.services
    await gql.onboard("bob", "Bob")
    await gql.onboard("alice", "Alice Reply")
    circle_id = await create_circle(gql, "bob")
    await join(gql, "alice", circle_id)
    for n in range(2):  # replies to one post collapse into one notification
        posted = await post(gql, "bob", circle_id, f"How was your day, {n}?")
        await reply(gql, "alice", posted["id"], f"Words alice wrote, {n}")
    async with services.engine.begin() as conn:  # one of them was pushed already
        kinds = (await conn.execute(text("SELECT id, status FROM notification"))).all()
        assert len(kinds) == 2, kinds
        await conn.execute(
            text("UPDATE notification SET status = 'SENT' WHERE id = :id"), {"id": kinds[0][0]}
        )
    # when alice deletes her account and keeps her words as a former member's
    await gql.data(DELETE, {"input": {"confirm": "DELETE", "deleteContent": False}}, as_="alice")
    # then nothing about her replies waits to be pushed, and what bob got names no one
    async with services.engine.connect() as conn:
        left = (await conn.execute(text("SELECT status, title, body FROM notification"))).all()
    assert [status for status, _, _ in left] == ["SENT"]
    assert "Alice" not in str(left)
    assert "words alice wrote" not in str(left).lower()


async def test_reports_she_made_stay_as_anonymous_counts_for_the_moderators(
    gql: GraphQLClient,
) -> None:
    # given alice and carol reported bob's post, with a note
    for uid in ("bob", "alice", "carol"):
        await gql.onboard(uid, f"Name {uid}")
    circle_id = await create_circle(gql, "bob")
    for uid in ("alice", "carol"):
        await join(gql, uid, circle_id)
    posted = await post(gql, "carol", circle_id, "Something hurtful")
    for uid in ("alice", "bob"):
        made = await report(gql, uid, posted["id"], "HARASSMENT", note=f"note by {uid}")
        assert made["userErrors"] == []
    (before,) = [e["node"] for e in (await queue(gql, "bob", circle_id))["edges"]]
    assert before["reportCount"] == 2
    # when alice deletes her account
    await gql.data(DELETE, {"input": {"confirm": "DELETE", "deleteContent": False}}, as_="alice")
    # then the owner still sees two reports and both reasons, and nothing names her
    (after,) = [e["node"] for e in (await queue(gql, "bob", circle_id))["edges"]]
    assert after["reportCount"] == 2
    assert after["reasons"] == [{"reason": "HARASSMENT", "count": 2}]
    assert "Name alice" not in str(after)
