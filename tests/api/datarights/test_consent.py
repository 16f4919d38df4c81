"""The health-data consent, from outside: separate from the guidelines, needed for
check-ins and reminders, and withdrawing it deletes every piece of health data."""

from __future__ import annotations

from typing import Any

from tests.api.checkins.conftest import CHECK_IN, SET_REMINDER, SHARED, check_in
from tests.support.circles import create_circle, join, post
from tests.support.graphql import GraphQLClient, error_codes

CONSENTS = "{ me { consents { kind version givenAt withdrawnAt } } }"
GIVE = """mutation($input: GiveHealthDataConsentInput!) {
  giveHealthDataConsent(input: $input) {
    consents { kind version withdrawnAt } userErrors { code field message } } }"""
WITHDRAW = """mutation($input: WithdrawHealthDataConsentInput!) {
  withdrawHealthDataConsent(input: $input) {
    deletedCheckInCount userErrors { code field message } } }"""
MINE = """{ me { checkIns { nodes { id note } } checkInReminder { enabled }
  checkInInsights(period: LAST_30_DAYS) { count } } }"""
REMINDER = {"enabled": True, "localTimes": ["08:30"], "weekdays": [1, 2, 3, 4, 5]}


def _codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def _consents(gql: GraphQLClient, uid: str) -> list[dict[str, Any]]:
    consents: list[dict[str, Any]] = (await gql.data(CONSENTS, as_=uid))["me"]["consents"]
    return consents


async def test_onboarding_records_the_two_consents_separately(gql: GraphQLClient) -> None:
    await gql.onboard("alice")
    await gql.onboard("bob", acceptedHealthDataConsentVersion=None)
    text = await gql.data("{ healthDataConsent { version summary } }")
    assert text["healthDataConsent"]["version"] == "2026-12"

    alice = await _consents(gql, "alice")
    assert [(c["kind"], c["version"], c["withdrawnAt"]) for c in alice] == [
        ("GUIDELINES", "2026-11", None),
        ("HEALTH_DATA", "2026-12", None),
    ]
    assert all(c["givenAt"] for c in alice)
    assert [c["kind"] for c in await _consents(gql, "bob")] == ["GUIDELINES"]
    # nobody else sees them
    other = "query($id: ID!) { node(id: $id) { ... on Member { consents { kind } } } }"
    me_id = (await gql.data("{ me { id } }", as_="alice"))["me"]["id"]
    assert (await gql.data(other, {"id": me_id}, as_="bob"))["node"] == {"consents": None}


async def test_onboarding_with_an_old_health_consent_version_is_refused(
    gql: GraphQLClient,
) -> None:
    result = await gql.data(
        """mutation($input: CompleteOnboardingInput!) { completeOnboarding(input: $input) {
             member { id } userErrors { code field } } }""",
        {
            "input": {
                "displayName": "Quiet Fox",
                "timezone": "Europe/London",
                "region": "GB",
                "confirmsAdult": True,
                "acceptedGuidelinesVersion": "2026-11",
                "acceptedHealthDataConsentVersion": "2020-01",
            }
        },
        as_="alice",
    )
    assert result["completeOnboarding"] == {
        "member": None,
        "userErrors": [
            {
                "code": "HEALTH_CONSENT_REQUIRED",
                "field": ["input", "acceptedHealthDataConsentVersion"],
            }
        ],
    }
    assert (await gql.data("{ me { id } }", as_="alice"))["me"] is None


async def test_check_ins_and_reminders_need_the_health_consent(gql: GraphQLClient) -> None:
    await gql.onboard("bob", acceptedHealthDataConsentVersion=None)
    refused = (await gql.data(CHECK_IN, {"input": {"mood": 3}}, as_="bob"))["checkIn"]
    assert _codes(refused) == [("HEALTH_CONSENT_REQUIRED", None)]
    assert refused["checkIn"] is None
    reminder = await gql.data(SET_REMINDER, {"input": REMINDER}, as_="bob")
    assert _codes(reminder["setCheckInReminder"]) == [("HEALTH_CONSENT_REQUIRED", None)]
    off = await gql.data(SET_REMINDER, {"input": {"enabled": False}}, as_="bob")
    assert off["setCheckInReminder"]["userErrors"] == []  # turning off never needs it

    wrong = await gql.data(GIVE, {"input": {"acceptedVersion": "1999"}}, as_="bob")
    assert _codes(wrong["giveHealthDataConsent"]) == [
        ("HEALTH_CONSENT_REQUIRED", ["input", "acceptedVersion"])
    ]
    given = await gql.data(GIVE, {"input": {"acceptedVersion": "2026-12"}}, as_="bob")
    assert [c["kind"] for c in given["giveHealthDataConsent"]["consents"]] == [
        "GUIDELINES",
        "HEALTH_DATA",
    ]
    again = await gql.data(GIVE, {"input": {"acceptedVersion": "2026-12"}}, as_="bob")
    assert len(again["giveHealthDataConsent"]["consents"]) == 2  # idempotent
    await check_in(gql, "bob", mood=4)


async def test_withdrawing_deletes_every_check_in_note_share_and_reminder(
    gql: GraphQLClient,
) -> None:
    await gql.onboard("carol", "Kind Heron")
    await gql.onboard("alice", "Quiet Fox")
    circle_id = await create_circle(gql, "carol")
    await join(gql, "alice", circle_id)
    await post(gql, "alice", circle_id, "A post stays: it is community content")
    await check_in(gql, "alice", mood=2, note="walrus-secret", shareWithCircleIds=[circle_id])
    await check_in(gql, "alice", mood=4)
    await gql.data(SET_REMINDER, {"input": REMINDER}, as_="alice")

    unconfirmed = await gql.data(WITHDRAW, {"input": {"confirm": False}}, as_="alice")
    assert _codes(unconfirmed["withdrawHealthDataConsent"]) == [("INVALID", ["input", "confirm"])]
    assert len((await gql.data(MINE, as_="alice"))["me"]["checkIns"]["nodes"]) == 2

    done = await gql.data(WITHDRAW, {"input": {"confirm": True}}, as_="alice")
    assert done["withdrawHealthDataConsent"] == {"deletedCheckInCount": 2, "userErrors": []}

    mine = (await gql.data(MINE, as_="alice"))["me"]
    assert mine == {
        "checkIns": {"nodes": []},
        "checkInReminder": None,
        "checkInInsights": {"count": 0},
    }
    shared = await gql.data(SHARED, {"id": circle_id}, as_="carol")
    assert shared["node"]["sharedCheckIns"]["nodes"] == []
    feed = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Circle { posts { nodes { body } } } } }",
        {"id": circle_id},
        as_="carol",
    )
    assert [p["body"] for p in feed["node"]["posts"]["nodes"]] == [
        "A post stays: it is community content"
    ]
    consents = await _consents(gql, "alice")
    assert consents[1]["kind"] == "HEALTH_DATA"
    assert consents[1]["withdrawnAt"] is not None

    refused = (await gql.data(CHECK_IN, {"input": {"mood": 3}}, as_="alice"))["checkIn"]
    assert _codes(refused) == [("HEALTH_CONSENT_REQUIRED", None)]
    await gql.data(GIVE, {"input": {"acceptedVersion": "2026-12"}}, as_="alice")
    await check_in(gql, "alice", mood=5)


async def test_consent_mutations_need_sign_in_and_a_profile(gql: GraphQLClient) -> None:
    for document, values in ((GIVE, {"acceptedVersion": "2026-12"}), (WITHDRAW, {"confirm": True})):
        assert error_codes(await gql(document, {"input": values})) == ["UNAUTHENTICATED"]
        assert error_codes(await gql(document, {"input": values}, as_="new")) == ["NOT_ONBOARDED"]
