"""Contact details in posts and replies are masked, flagged for moderators and
explained to the author; times, dates, prices, dosages, years and counts are not."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from api.node import from_global_id
from tests.support.circles import EDIT_POST, FEED, create_circle, join, mutate
from tests.support.graphql import GraphQLClient

MASK = "[contact details removed]"
NOTICES = "notices { code message contactKinds }"
CREATE = f"""
mutation($input: CreatePostInput!) {{
  createPost(input: $input) {{ post {{ id body }} userErrors {{ code }} {NOTICES} }}
}}
"""
REPLY = f"""
mutation($input: ReplyToPostInput!) {{
  replyToPost(input: $input) {{ reply {{ id body }} userErrors {{ code }} {NOTICES} }}
}}
"""
EDIT = EDIT_POST.replace("userErrors { code field message }", f"userErrors {{ code }} {NOTICES}")
EDIT_REPLY = f"""
mutation($input: EditReplyInput!) {{
  editReply(input: $input) {{ reply {{ id body }} userErrors {{ code }} {NOTICES} }}
}}
"""


async def circle_of(gql: GraphQLClient, region: str = "GB") -> str:
    await gql.onboard("owner", "Owner")
    await gql.onboard("author", "Author", region=region)
    circle_id = await create_circle(gql, "owner")
    await join(gql, "author", circle_id)
    return circle_id


async def write(gql: GraphQLClient, circle_id: str, body: str, **extra: Any) -> dict[str, Any]:
    payload = await mutate(gql, CREATE, {"circleId": circle_id, "body": body, **extra}, "author")
    assert payload["userErrors"] == []
    return payload


def services(app_and_http: tuple[Starlette, httpx.AsyncClient]) -> Any:
    return app_and_http[0].state.services


async def stored_flag(app_and_http: tuple[Starlette, httpx.AsyncClient], post_id: str) -> Any:
    parsed = from_global_id(post_id)
    assert parsed is not None
    async with services(app_and_http).uow() as uow:
        post = await uow.posts.get(parsed[1])
    return post.contact_masked


async def test_a_phone_number_is_masked_flagged_and_explained(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    circle_id = await circle_of(gql, "GB")

    payload = await write(gql, circle_id, "Text me on 07911 123456 if you want to talk")

    assert payload["post"]["body"] == f"Text me on {MASK} if you want to talk"
    [notice] = payload["notices"]
    assert notice["code"] == "CONTACT_DETAILS_REMOVED"
    assert notice["contactKinds"] == ["PHONE"]
    assert "Hearth" in notice["message"]
    # the text is stored masked: other members never see the number
    feed = (await gql.data(FEED, {"id": circle_id}, as_="owner"))["node"]["posts"]
    assert feed["edges"][0]["node"]["body"] == f"Text me on {MASK} if you want to talk"
    # and the post carries the flag moderators will read
    assert [k.value for k in await stored_flag(app_and_http, payload["post"]["id"])] == ["PHONE"]


async def test_an_anonymous_post_is_masked_too(gql: GraphQLClient) -> None:
    circle_id = await circle_of(gql)
    payload = await write(gql, circle_id, "dm me sam@example.com", anonymous=True)
    assert payload["post"]["body"] == f"dm me {MASK}"
    assert payload["notices"][0]["contactKinds"] == ["EMAIL"]


@pytest.mark.parametrize(
    ("region", "text"),
    [
        ("US", "call me at (212) 736-5000"),
        ("US", "my cell 212.736.5000"),
        ("US", "+1 415 867 5309"),
        ("GB", "ring 020 7946 0958 after six"),
        ("GB", "+44 7911 123456"),
        ("GB", "07911123456"),
        ("DE", "Handy 0151 23456789"),
        ("DE", "+49 30 1234567"),
        ("DE", "Festnetz 030 1234567"),
        ("IN", "whats the plan, call 98765 43210"),
        ("IN", "+91 98765 43210"),
        ("BR", "me liga (11) 91234-5678"),
        ("BR", "+55 11 91234-5678"),
        ("JP", "090-1234-5678 に電話して"),
        ("JP", "03-1234-5678"),
        ("GB", "at 10:30 07911 123456"),  # other digits right before the number
        ("GB", "I'm 25 07911 123456"),
        ("GB", "07911 123456 99"),  # and right after it
    ],
)
async def test_phone_numbers_in_the_authors_regions_format_are_masked(
    gql: GraphQLClient, region: str, text: str
) -> None:
    circle_id = await circle_of(gql, region)
    payload = await write(gql, circle_id, text)
    assert MASK in payload["post"]["body"]
    # at most the other digits around the number are left ("10:30", "25", "99")
    assert sum(ch.isdigit() for ch in payload["post"]["body"]) <= 4
    assert payload["notices"][0]["contactKinds"] == ["PHONE"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("email me: sam.smith+x@example.co.uk", ["EMAIL"]),
        ("sam at gmail dot com", ["EMAIL"]),
        ("find me @sam_99", ["HANDLE"]),
        ("snap: sam.x99", ["HANDLE"]),
        ("my discord is sam#1234", ["HANDLE"]),
        ("my insta is quietfox", ["HANDLE"]),
        ("sam_99 on snapchat", ["HANDLE"]),
        ("add me on snap sam_99", ["INVITATION"]),
        ("message me on telegram", ["INVITATION"]),
        ("let's move to whatsapp, it's easier", ["INVITATION"]),
        ("follow me on tiktok", ["INVITATION"]),
        ("t.me/sammy", ["LINK"]),
        ("https://instagram.com/quiet.fox", ["LINK"]),
        (
            "\uff53\uff41\uff4d@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",
            ["EMAIL"],
        ),  # full width,
    ],
)
async def test_emails_handles_links_and_invitations_are_masked(
    gql: GraphQLClient, text: str, kinds: list[str]
) -> None:
    circle_id = await circle_of(gql)
    payload = await write(gql, circle_id, text)
    assert MASK in payload["post"]["body"]
    assert payload["notices"][0]["contactKinds"] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "Group is at 10:30 tomorrow",  # times
        "I woke at 10.30pm and 6:45am",
        "Appointment on 12/05/2026",  # dates
        "Since 2026-12-05 things are better",
        "12.05.2026 was my first day",
        "It costs $1,200 a month",  # prices
        "only £45.99 for the course",
        "€1.299,00 for rent",
        "I take 20 mg of sertraline",  # dosages
        "200mg in the morning",
        "2 x 500mg twice a day",
        "sober since 2019",  # years
        "1998-2003 were hard years",
        "I have 3 kids and 2 cats",  # counts
        "day 45 of 100, 1,000 steps",
        "meet @ 5 by the gate",  # '@' as 'at'
        "see you @5pm",
        "the line at the pharmacy was long",  # app names as everyday words
        "I signal when I need a break",
        "my instagram is private now",
        "I use instagram too much",
        "1 2 3 4 5 6 7 8 9 10 11 12",  # counting
        "weeks 9 10 11 12 13 14 15 16",
        "call 999 or 112 if you are in danger",  # emergency numbers stay
        "Samaritans are on 116 123",
    ],
)
async def test_times_dates_prices_dosages_years_and_counts_stay(
    gql: GraphQLClient, text: str
) -> None:
    for region in ("GB",):
        circle_id = await circle_of(gql, region)
        payload = await write(gql, circle_id, text)
        assert payload["post"]["body"] == text
        assert payload["notices"] == []


@pytest.mark.parametrize("region", ["US", "DE", "IN", "BR", "JP"])
async def test_numbers_that_are_not_phones_stay_in_other_regions_too(
    gql: GraphQLClient, region: str
) -> None:
    circle_id = await circle_of(gql, region)
    text = "10:30, 12/05/2026, 2026-12-05, $1,200, £45.99, 20 mg, 200mg, 2 x 500mg, since 2019, 1998-2003, 3 kids"
    payload = await write(gql, circle_id, text)
    assert payload["post"]["body"] == text
    assert payload["notices"] == []


async def test_replies_and_edits_are_masked_and_the_flag_keeps_earlier_versions(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    circle_id = await circle_of(gql)
    post = (await write(gql, circle_id, "Rough night"))["post"]

    # a reply with a handle
    reply = await mutate(gql, REPLY, {"postId": post["id"], "body": "snap: sam_99"}, "author")
    assert reply["reply"]["body"] == MASK
    assert reply["notices"][0]["contactKinds"] == ["HANDLE"]
    # editing a reply masks the new text too
    edited_reply = await mutate(
        gql,
        EDIT_REPLY,
        {"replyId": reply["reply"]["id"], "body": "or +44 7911 123456"},
        "author",
    )
    assert edited_reply["reply"]["body"] == f"or {MASK}"
    assert edited_reply["notices"][0]["contactKinds"] == ["PHONE"]

    # editing the post to add an invitation, then taking it out again
    edited = await mutate(gql, EDIT, {"postId": post["id"], "body": "add me on kik"}, "author")
    assert edited["post"]["body"] == MASK
    assert edited["notices"][0]["contactKinds"] == ["INVITATION"]
    cleaned = await mutate(gql, EDIT, {"postId": post["id"], "body": "Rough night"}, "author")
    assert cleaned["notices"] == []
    # moderators still see that contact details were once there
    assert [k.value for k in await stored_flag(app_and_http, post["id"])] == ["INVITATION"]


async def test_a_post_without_contact_details_has_no_notice_and_no_flag(
    gql: GraphQLClient, app_and_http: tuple[Starlette, httpx.AsyncClient]
) -> None:
    circle_id = await circle_of(gql)
    payload = await write(gql, circle_id, "Feeling a bit better today. Thank you all.")
    assert payload["notices"] == []
    assert await stored_flag(app_and_http, payload["post"]["id"]) == ()
