"""Display names may not look like another member's (Unicode confusables, UTS #39),
may not carry contact details, and the rule holds when two members race."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.support.graphql import ONBOARD, GraphQLClient

UPDATE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { displayName } userErrors { code field message } }
}
"""
CYRILLIC_O, CYRILLIC_A = "\u043e", "\u0430"


def profile(name: str, region: str = "GB") -> dict[str, Any]:
    return {
        "displayName": name,
        "timezone": "Europe/London",
        "region": region,
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
    }


async def onboard(gql: GraphQLClient, uid: str, name: str, region: str = "GB") -> dict[str, Any]:
    data = await gql.data(ONBOARD, {"input": profile(name, region)}, as_=uid)
    payload: dict[str, Any] = data["completeOnboarding"]
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


@pytest.mark.parametrize(
    ("existing", "newcomer"),
    [
        ("Lkan", f"Lk{CYRILLIC_A}n"),  # Cyrillic a for Latin a
        ("Lokan", f"L{CYRILLIC_O}kan"),  # Cyrillic o for Latin o
        ("Lokan", f"l{CYRILLIC_O}kan"),  # and in another case
        ("Ilya", "llya"),  # capital I and small l
        ("Quiet Fox", "Quiet F0x"),  # digit zero and letter o
        ("Sam", "Sarn"),  # m and rn
        ("Anne-Marie", "Anne\u2013Marie"),  # hyphen and en dash
        ("Quiet Fox", "\U0001d410uiet Fox"),  # mathematical bold Q
        ("QuietFox", "Quiet\u200dFox"),  # an invisible joiner
    ],
)
async def test_a_name_that_looks_like_an_existing_one_is_refused(
    gql: GraphQLClient, existing: str, newcomer: str
) -> None:
    assert (await onboard(gql, "alice", existing))["userErrors"] == []

    payload = await onboard(gql, "mallory", newcomer)

    assert payload["member"] is None
    assert codes(payload) in (
        [("NAME_CONFUSABLE", ["input", "displayName"])],
        [("TAKEN", ["input", "displayName"])],  # NFKC already makes some identical
    )
    assert (await gql.data("{ me { id } }", as_="mallory"))["me"] is None


@pytest.mark.parametrize(
    ("existing", "newcomer"),
    [
        ("Quiet Fox", "Quiet Fox 2"),
        ("Ana", "Anna"),
        ("Zoë", "Zoe"),  # a diacritic is a visible difference
        ("Sasha", "\u0421\u0430\u0448\u0430"),  # Саша: Cyrillic, not lookalike letters
        ("Anna", "Anna \u674e"),  # mixed Latin and Han
        ("\u674e\u5c0f\u9f8d", "\u674e\u5c0f\u9f99"),  # different Han characters
        ("Mar\u00eda", "Mar\u00eda \u0645\u0631\u064a\u0645"),  # Latin with Arabic
    ],
)
async def test_names_that_only_differ_visibly_stay_allowed_mixed_scripts_too(
    gql: GraphQLClient, existing: str, newcomer: str
) -> None:
    assert (await onboard(gql, "alice", existing))["userErrors"] == []
    payload = await onboard(gql, "bob", newcomer)
    assert payload["userErrors"] == []
    assert payload["member"]["displayName"] == newcomer


async def test_a_rename_to_a_lookalike_is_refused_but_your_own_name_may_change_shape(
    gql: GraphQLClient,
) -> None:
    await onboard(gql, "alice", "Lokan")
    await onboard(gql, "bob", "Brave Owl")

    stolen = (await gql.data(UPDATE, {"input": {"displayName": f"L{CYRILLIC_O}kan"}}, as_="bob"))[
        "updateProfile"
    ]
    own = (await gql.data(UPDATE, {"input": {"displayName": "Brave 0wl"}}, as_="bob"))[
        "updateProfile"
    ]

    assert codes(stolen) == [("NAME_CONFUSABLE", ["input", "displayName"])]
    assert stolen["member"] is None
    assert own["userErrors"] == []
    assert own["member"]["displayName"] == "Brave 0wl"
    # and the name bob left still looks like his new one
    assert codes(await onboard(gql, "carol", "Brave Owl")) == [
        ("NAME_CONFUSABLE", ["input", "displayName"])
    ]


async def test_two_lookalike_names_racing_get_one_member(gql: GraphQLClient) -> None:
    names = ["Lokan", f"L{CYRILLIC_O}kan", f"L{CYRILLIC_O}k{CYRILLIC_A}n", "L0kan"]
    results = await asyncio.gather(
        *(onboard(gql, f"racer{n}", name) for n, name in enumerate(names))
    )
    made = [r for r in results if r["member"] is not None]
    refused = [codes(r)[0][0] for r in results if r["member"] is None]
    assert len(made) == 1
    assert set(refused) <= {"NAME_CONFUSABLE", "CONFLICT"}
    assert len(refused) == 3


@pytest.mark.parametrize(
    "name",
    ["snap: foxy_99", "@quiet_fox", "Fox add me on kik", "Fox +44 7911 123456"],
)
async def test_a_display_name_with_a_handle_or_invitation_is_refused(
    gql: GraphQLClient, name: str
) -> None:
    payload = await onboard(gql, "alice", name)
    assert codes(payload) == [("CONTAINS_CONTACT_INFO", ["input", "displayName"])]


async def test_a_bio_with_a_handle_is_refused(gql: GraphQLClient) -> None:
    await onboard(gql, "alice", "Quiet Fox")
    payload = (await gql.data(UPDATE, {"input": {"bio": "my snap is foxy_99"}}, as_="alice"))[
        "updateProfile"
    ]
    assert codes(payload) == [("CONTAINS_CONTACT_INFO", ["input", "bio"])]
