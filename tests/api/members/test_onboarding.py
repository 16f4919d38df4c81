"""Onboarding and profiles through HTTP GraphQL."""

from __future__ import annotations

import pytest

from tests.support.graphql import ME, ONBOARD, GraphQLClient, error_codes


def onboarding_input(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "displayName": "Quiet Fox",
        "timezone": "Europe/London",
        "region": "GB",
        "confirmsAdult": True,
        "acceptedGuidelinesVersion": "2026-11",
    }
    values.update(overrides)
    return values


async def test_me_is_null_before_onboarding_and_the_profile_after(gql: GraphQLClient) -> None:
    # given a signed-in account with no profile
    assert (await gql.data(ME, as_="alice"))["me"] is None
    # when it completes onboarding
    data = await gql.data(ONBOARD, {"input": onboarding_input(region="gb")}, as_="alice")
    # then the payload and `me` show the profile
    assert data["completeOnboarding"]["userErrors"] == []
    me = (await gql.data(ME, as_="alice"))["me"]
    assert me["displayName"] == "Quiet Fox"
    assert (me["timezone"], me["region"], me["isViewer"]) == ("Europe/London", "GB", True)
    assert me["id"] == data["completeOnboarding"]["member"]["id"]


async def test_signed_out_me_is_an_unauthenticated_top_level_error(gql: GraphQLClient) -> None:
    result = await gql(ME)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["data"] == {"me": None}


async def test_a_bad_dev_token_is_unauthenticated(gql: GraphQLClient) -> None:
    result = await gql(ME, token="dev:not valid!")
    assert error_codes(result) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"displayName": "A"}, "TOO_SHORT", "displayName"),
        ({"displayName": "x" * 41}, "TOO_LONG", "displayName"),
        ({"displayName": "mail me a@b.com"}, "CONTAINS_CONTACT_INFO", "displayName"),
        ({"displayName": "call 555 123 4567"}, "CONTAINS_CONTACT_INFO", "displayName"),
        ({"displayName": "see www.example.org"}, "CONTAINS_CONTACT_INFO", "displayName"),
        ({"timezone": "Mars/Olympus"}, "UNKNOWN_TIMEZONE", "timezone"),
        ({"region": "XX"}, "UNKNOWN_REGION", "region"),
        ({"confirmsAdult": False}, "MUST_BE_ADULT", "confirmsAdult"),
        (
            {"acceptedGuidelinesVersion": "2020-01"},
            "GUIDELINES_NOT_ACCEPTED",
            "acceptedGuidelinesVersion",
        ),
    ],
)
async def test_invalid_onboarding_input_is_a_typed_user_error_and_writes_nothing(
    gql: GraphQLClient, overrides: dict[str, object], code: str, field: str
) -> None:
    data = await gql.data(ONBOARD, {"input": onboarding_input(**overrides)}, as_="bob")
    payload = data["completeOnboarding"]
    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", field])]
    assert (await gql.data(ME, as_="bob"))["me"] is None


async def test_every_problem_is_reported_at_once(gql: GraphQLClient) -> None:
    bad = onboarding_input(displayName="A", timezone="Nowhere", region="ZZ", confirmsAdult=False)
    data = await gql.data(ONBOARD, {"input": bad}, as_="bob")
    codes = {e["code"] for e in data["completeOnboarding"]["userErrors"]}
    assert codes == {"TOO_SHORT", "UNKNOWN_TIMEZONE", "UNKNOWN_REGION", "MUST_BE_ADULT"}


async def test_display_names_are_unique_regardless_of_case(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Quiet Fox")
    data = await gql.data(ONBOARD, {"input": onboarding_input(displayName="QUIET fox")}, as_="bob")
    errors = data["completeOnboarding"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("TAKEN", ["input", "displayName"])]


async def test_onboarding_twice_is_refused(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Quiet Fox")
    data = await gql.data(ONBOARD, {"input": onboarding_input(displayName="Other")}, as_="alice")
    assert [e["code"] for e in data["completeOnboarding"]["userErrors"]] == ["ALREADY_ONBOARDED"]


UPDATE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    member { displayName pronouns bio timezone region }
    userErrors { code field }
  }
}
"""


async def test_update_profile_edits_and_clears_fields(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Quiet Fox")
    changes = {"pronouns": "she/her", "bio": "Gardening helps 🌱 ועוד", "timezone": "Asia/Tokyo"}
    data = await gql.data(UPDATE, {"input": changes}, as_="alice")
    member = data["updateProfile"]["member"]
    assert member["bio"] == "Gardening helps 🌱 ועוד"
    assert (member["pronouns"], member["timezone"], member["displayName"]) == (
        "she/her",
        "Asia/Tokyo",
        "Quiet Fox",
    )
    cleared = await gql.data(UPDATE, {"input": {"bio": ""}}, as_="alice")
    assert cleared["updateProfile"]["member"]["bio"] is None


async def test_update_profile_refuses_contact_info_and_long_bios(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Quiet Fox")
    data = await gql.data(
        UPDATE, {"input": {"bio": "text me at +44 7700 900123", "region": "Q1"}}, as_="alice"
    )
    errors = {(e["code"], e["field"][-1]) for e in data["updateProfile"]["userErrors"]}
    assert errors == {("CONTAINS_CONTACT_INFO", "bio"), ("UNKNOWN_REGION", "region")}
    long_bio = await gql.data(UPDATE, {"input": {"bio": "x" * 301}}, as_="alice")
    assert [e["code"] for e in long_bio["updateProfile"]["userErrors"]] == ["TOO_LONG"]


async def test_update_profile_cannot_take_someone_elses_name(gql: GraphQLClient) -> None:
    await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    data = await gql.data(UPDATE, {"input": {"displayName": "quiet FOX"}}, as_="bob")
    assert [e["code"] for e in data["updateProfile"]["userErrors"]] == ["TAKEN"]


async def test_public_profile_resolves_through_node_without_private_fields(
    gql: GraphQLClient,
) -> None:
    alice_id = await gql.onboard("alice", "Quiet Fox")
    await gql.onboard("bob", "Brave Owl")
    query = """query($id: ID!) { node(id: $id) { id ... on Member {
        displayName timezone region isViewer } } }"""
    node = (await gql.data(query, {"id": alice_id}, as_="bob"))["node"]
    assert node == {
        "id": alice_id,
        "displayName": "Quiet Fox",
        "timezone": None,
        "region": None,
        "isViewer": False,
    }
    assert error_codes(await gql(query, {"id": alice_id})) == ["UNAUTHENTICATED"]
