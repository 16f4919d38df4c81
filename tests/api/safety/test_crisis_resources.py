"""crisisResources over GraphQL, from the outside: signed out, signed in, bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest

from infra.safety.crisis_data import DATA_FILE
from tests.support.graphql import GraphQLClient, error_codes

pytestmark = pytest.mark.asyncio

CRISIS = """
query Crisis($region: String) {
  crisisResources(region: $region) {
    region
    notice
    emergencyNumbers { number kinds sourceUrl verifiedOn }
    services {
      name description phone sms smsNote chatUrl webUrl hours languages audiences
      sourceUrl verifiedOn
    }
    directories { name url description sourceUrl verifiedOn }
  }
}
"""

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))


async def test_a_signed_out_client_gets_the_resources_for_an_explicit_region(
    gql: GraphQLClient,
) -> None:
    data = await gql.data(CRISIS, {"region": "GB"})
    resources = data["crisisResources"]
    assert resources["region"] == "GB"
    assert "116 123" in [s["phone"] for s in resources["services"]]
    assert [n["number"] for n in resources["emergencyNumbers"]] == ["999"]
    assert resources["emergencyNumbers"][0]["kinds"] == ["GENERAL"]
    assert resources["directories"], "the international fallback is always present"
    assert "not a crisis or emergency service" in resources["notice"]


async def test_the_region_code_is_read_in_any_case(gql: GraphQLClient) -> None:
    data = await gql.data(CRISIS, {"region": " us "})
    assert data["crisisResources"]["region"] == "US"
    assert data["crisisResources"]["services"][0]["phone"] == "988"


async def test_a_signed_in_member_without_a_region_argument_gets_their_own_region(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("crisis-au", region="AU")
    data = await gql.data(CRISIS, as_="crisis-au")
    resources = data["crisisResources"]
    assert resources["region"] == "AU"
    assert [s["phone"] for s in resources["services"]] == ["13 11 14"]
    assert [n["number"] for n in resources["emergencyNumbers"]] == ["000"]


async def test_an_explicit_region_wins_over_the_members_own(gql: GraphQLClient) -> None:
    await gql.onboard("crisis-traveller", region="AU")
    data = await gql.data(CRISIS, {"region": "FR"}, as_="crisis-traveller")
    assert data["crisisResources"]["region"] == "FR"


async def test_an_unknown_region_is_an_unknown_region_error_not_an_empty_list(
    gql: GraphQLClient,
) -> None:
    for bad in ("XX", "GBR", "", "united kingdom"):
        result = await gql(CRISIS, {"region": bad})
        assert error_codes(result) == ["UNKNOWN_REGION"], (bad, result)
        assert result["data"] is None
        assert result["errors"][0]["path"] == ["crisisResources"]


async def test_a_region_without_an_entry_gets_the_international_directories(
    gql: GraphQLClient,
) -> None:
    assert "BT" not in DATA["regions"]
    data = await gql.data(CRISIS, {"region": "BT"})
    resources = data["crisisResources"]
    assert resources["region"] == "BT"
    assert resources["services"] == []
    assert resources["emergencyNumbers"] == []
    names = {d["name"] for d in resources["directories"]}
    assert {"Find A Helpline", "Befrienders Worldwide"} <= names


async def test_a_region_with_only_emergency_numbers_gets_them_and_the_directories(
    gql: GraphQLClient,
) -> None:
    numbers_only = sorted(
        code
        for code, entry in DATA["regions"].items()
        if entry["emergency"] and not entry["services"]
    )
    assert numbers_only, "the data holds regions whose emergency number alone is verified"
    for code in numbers_only:
        resources = (await gql.data(CRISIS, {"region": code}))["crisisResources"]
        assert resources["services"] == []
        assert [n["number"] for n in resources["emergencyNumbers"]] == [
            n["number"] for n in DATA["regions"][code]["emergency"]
        ]
        assert resources["directories"]


async def test_a_signed_out_client_without_a_region_gets_the_directories(
    gql: GraphQLClient,
) -> None:
    resources = (await gql.data(CRISIS))["crisisResources"]
    assert resources["region"] is None
    assert resources["services"] == []
    assert resources["directories"]


async def test_a_broken_sign_in_never_keeps_help_away(gql: GraphQLClient) -> None:
    result = await gql(CRISIS, token="not-a-real-token")
    assert not result.get("errors"), result
    assert result["data"]["crisisResources"]["directories"]


async def test_a_signed_in_account_without_a_profile_gets_the_directories(
    gql: GraphQLClient,
) -> None:
    resources = (await gql.data(CRISIS, as_="crisis-not-onboarded"))["crisisResources"]
    assert resources["region"] is None
    assert resources["directories"]


async def test_every_entry_has_a_source_url_and_a_verification_date(gql: GraphQLClient) -> None:
    today = date(2026, 12, 5)
    for code in sorted(DATA["regions"]):
        resources = (await gql.data(CRISIS, {"region": code}))["crisisResources"]
        entries = resources["services"] + resources["emergencyNumbers"] + resources["directories"]
        assert entries, code
        for entry in entries:
            assert entry["sourceUrl"].startswith("https://"), (code, entry)
            assert date.fromisoformat(entry["verifiedOn"]) <= max(today, date.today())


async def test_the_community_guidelines_say_hearth_is_not_a_crisis_or_emergency_service(
    gql: GraphQLClient,
) -> None:
    data = await gql.data("{ communityGuidelines { disclaimer } }")
    assert "not a crisis or emergency service" in data["communityGuidelines"]["disclaimer"]


async def test_the_schema_says_crisis_resources_is_not_a_crisis_or_emergency_service(
    gql: GraphQLClient,
) -> None:
    data = await gql.data("{ __schema { queryType { fields { name description } } } }")
    fields = {f["name"]: f["description"] for f in data["__schema"]["queryType"]["fields"]}
    assert "not a crisis or emergency service" in fields["crisisResources"]
    assert "not a crisis or emergency service" in fields["communityGuidelines"]
